using System.Security.Cryptography;
using System.Text;

namespace PolicyWatch.Auth;

public static class Roles
{
    public const string Analyst = "analyst";
    public const string Admin = "admin";
    public static readonly string[] All = [Analyst, Admin];
}

/// <summary>Password hashes (PBKDF2-SHA256, salted) and API keys (random, stored as SHA-256).</summary>
public static class Secrets
{
    private const int Iterations = 210_000;

    public static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool VerifyPassword(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations)) return false;
        var salt = Convert.FromBase64String(parts[2]);
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A new API key: shown once as <c>pw_&lt;prefix&gt;_&lt;secret&gt;</c>; the prefix identifies it in listings.</summary>
    public static (string Key, string Prefix, string Hash) NewApiKey()
    {
        var prefix = Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var secret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        var key = $"pw_{prefix}_{secret}";
        return (key, prefix, HashApiKey(key));
    }

    public static string HashApiKey(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();
}
