using System.Security.Cryptography;
using System.Text;

namespace PolicyWatch.Digest;

/// <summary>Section <c>Digest</c>; the SMTP password and the signing key are secrets (environment or secrets directory).</summary>
public sealed class DigestOptions
{
    public string SmtpHost { get; set; } = "localhost";
    public int SmtpPort { get; set; } = 25;
    /// <summary>None, StartTls, StartTlsWhenAvailable, SslOnConnect or Auto (MailKit's SecureSocketOptions).</summary>
    public string SmtpSecurity { get; set; } = "StartTlsWhenAvailable";
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    public TimeSpan SmtpTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public string From { get; set; } = "PolicyWatch <digest@policywatch.invalid>";
    /// <summary>Public address of the web app, for links and unsubscribe URLs.</summary>
    public string BaseUrl { get; set; } = "http://127.0.0.1:5080";
    /// <summary>Key for unsubscribe tokens; every process that sends or unsubscribes needs the same one.</summary>
    public string? SigningKey { get; set; }
    public string Cron { get; set; } = "*/5 * * * *";
    /// <summary>
    /// How far before a period's start a digest still looks for matching articles it has not carried yet (tags added
    /// late by a retrain or an analyst, a digest retried after a long outage).
    /// </summary>
    public TimeSpan Lookback { get; set; } = TimeSpan.FromDays(3);
    /// <summary>An article published this long before it was found is "found late": counted in its section, not listed.</summary>
    public TimeSpan LateAfter { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Signed unsubscribe tokens: no login needed, no way to unsubscribe someone else.</summary>
public static class UnsubscribeToken
{
    public static string Create(long subscriberId, string key) =>
        System.Buffers.Text.Base64Url.EncodeToString(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"unsubscribe:{subscriberId}")));

    public static bool Verify(long subscriberId, string? token, string key) =>
        token is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Create(subscriberId, key)), Encoding.ASCII.GetBytes(token));
}
