using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace PolicyWatch.Digest;

public enum SendOutcome { Sent, PermanentFailure, TemporaryFailure }

/// <summary>Sends one rendered digest through SMTP (MailKit). A 5xx for the recipient is permanent; everything else is retried.</summary>
public sealed class DigestMailer(DigestOptions options)
{
    public MimeMessage Compose(DigestModel digest, string messageId)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(new MailboxAddress(digest.Name ?? "", digest.Email));
        message.Subject = DigestRenderer.Subject(digest);
        // a fixed id per (subscriber, day): should a crash ever make us send twice, mail systems see one message
        message.MessageId = messageId;
        message.Headers.Add("List-Unsubscribe", $"<{digest.UnsubscribeUrl}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new BodyBuilder { TextBody = DigestRenderer.Text(digest), HtmlBody = DigestRenderer.Html(digest) }.ToMessageBody();
        return message;
    }

    public async Task<(SendOutcome Outcome, string? Error)> SendAsync(MimeMessage message, CancellationToken ct)
    {
        using var client = new SmtpClient { Timeout = (int)options.SmtpTimeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(options.SmtpHost, options.SmtpPort, Enum.Parse<SecureSocketOptions>(options.SmtpSecurity, ignoreCase: true), ct);
            if (!string.IsNullOrEmpty(options.SmtpUser)) await client.AuthenticateAsync(options.SmtpUser, options.SmtpPassword ?? "", ct);
            await client.SendAsync(message, ct);
            await client.DisconnectAsync(true, ct);
            return (SendOutcome.Sent, null);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode >= 500 && e.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.SenderNotAccepted or SmtpErrorCode.MessageNotAccepted)
        {
            return (SendOutcome.PermanentFailure, $"SMTP {(int)e.StatusCode}: {e.Message}");
        }
        catch (Exception e) when (e is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException
                                      or ServiceNotConnectedException or TimeoutException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return (SendOutcome.TemporaryFailure, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
