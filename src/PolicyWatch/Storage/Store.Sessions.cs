using Dapper;

namespace PolicyWatch.Storage;

public sealed partial class Store
{
    /// <summary>Starts a web session for the user; the id (256 random bits, URL-safe) goes into the signed cookie.</summary>
    public async Task<string> StartSessionAsync(long userId, CancellationToken ct = default)
    {
        var id = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("INSERT INTO user_sessions (id, user_id) VALUES (@id, @userId)", new { id, userId }, cancellationToken: ct));
        return id;
    }

    /// <summary>
    /// The user of a live session: null when the session was ended (sign-out, password reset) or its account
    /// removed. Checked on every cookie-authenticated request.
    /// </summary>
    public async Task<User?> SessionUserAsync(string sessionId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<User>(new CommandDefinition("""
            SELECT u.id, u.username, u.role FROM user_sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = @sessionId AND s.revoked_at IS NULL
            """, new { sessionId }, cancellationToken: ct));
    }

    /// <summary>Ends one session (a sign-out): its cookie, and any copy of it, opens nothing from now on.</summary>
    public async Task EndSessionAsync(string sessionId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("UPDATE user_sessions SET revoked_at = now() WHERE id = @sessionId AND revoked_at IS NULL",
            new { sessionId }, cancellationToken: ct));
    }

    /// <summary>
    /// Whether this account may try a password now; when not, how long until it may. Back-off per account, whatever
    /// the client address: after <see cref="FreeFailures"/> failures, 2, 4, 8 … seconds, at most 15 minutes.
    /// </summary>
    public async Task<TimeSpan?> LoginLockedForAsync(string account, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var until = await conn.QuerySingleOrDefaultAsync<DateTime?>(new CommandDefinition(
            "SELECT locked_until FROM login_failures WHERE account = @account AND locked_until > now()", new { account = AccountKey(account) }, cancellationToken: ct));
        return until is { } u ? new DateTimeOffset(DateTime.SpecifyKind(u, DateTimeKind.Utc)) - DateTimeOffset.UtcNow : null;
    }

    /// <summary>Failed sign-ins an account may have before it backs off.</summary>
    public const int FreeFailures = 5;

    /// <summary>
    /// Counts a failed sign-in for the account (case-insensitive, whatever the address) and, past
    /// <see cref="FreeFailures"/>, locks it for 2^(failures − 5) seconds, at most 15 minutes; in one statement.
    /// Records older than a day are dropped on the way.
    /// </summary>
    public async Task RecordLoginFailureAsync(string account, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO login_failures AS f (account, failures, last_failure) VALUES (@account, 1, now())
            ON CONFLICT (account) DO UPDATE SET
                -- a quiet day forgives earlier failures
                failures = CASE WHEN f.last_failure < now() - interval '1 day' THEN 1 ELSE f.failures + 1 END,
                last_failure = now(),
                locked_until = CASE WHEN f.last_failure >= now() - interval '1 day' AND f.failures + 1 >= @free
                                    THEN now() + interval '1 second' * power(2, least(f.failures + 1 - @free, 10))
                                    ELSE f.locked_until END
            """, new { account = AccountKey(account), free = FreeFailures }, cancellationToken: ct));
        if (Random.Shared.Next(100) == 0)
            await conn.ExecuteAsync(new CommandDefinition(
                "DELETE FROM login_failures WHERE last_failure < now() - interval '1 day' AND (locked_until IS NULL OR locked_until < now())", cancellationToken: ct));
    }

    /// <summary>Forgets an account's failed sign-ins (after a successful one, or a password reset).</summary>
    public async Task ClearLoginFailuresAsync(string account, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("DELETE FROM login_failures WHERE account = @account", new { account = AccountKey(account) }, cancellationToken: ct));
    }

    // unknown names are throttled too (no hint which accounts exist), and the key is bounded whatever was typed
    private static string AccountKey(string account) => account.Length > 100 ? account[..100].ToLowerInvariant() : account.ToLowerInvariant();
}
