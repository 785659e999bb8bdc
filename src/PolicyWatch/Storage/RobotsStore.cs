using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;
using PolicyWatch.Fetch;

namespace PolicyWatch.Storage;

/// <summary><see cref="IRobotsStore"/> in PostgreSQL (table <c>robots_txt</c>); a database fault is logged and read as "nothing stored".</summary>
public sealed class RobotsStore(NpgsqlDataSource db, ILogger<RobotsStore> log) : IRobotsStore
{
    public async Task<(string Body, DateTimeOffset Expires)?> GetAsync(string origin, CancellationToken ct)
    {
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var row = await conn.QuerySingleOrDefaultAsync<(string Body, DateTime Expires)?>(new CommandDefinition(
                "SELECT body, expires_at FROM robots_txt WHERE origin = @origin AND expires_at > now()", new { origin }, cancellationToken: ct));
            return row is { } r ? (r.Body, new DateTimeOffset(DateTime.SpecifyKind(r.Expires, DateTimeKind.Utc))) : null;
        }
        // a slow database (the caller's timeout) is as good as none: the caller fetches
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            log.LogWarning("Shared robots.txt cache unavailable ({Error}); fetching {Origin}/robots.txt", e.Message, origin);
            return null;
        }
    }

    public async Task PutAsync(string origin, string body, DateTimeOffset expires, CancellationToken ct)
    {
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO robots_txt (origin, body, fetched_at, expires_at) VALUES (@origin, @body, now(), @expires)
                ON CONFLICT (origin) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at, expires_at = excluded.expires_at
                """, new { origin, body, expires = expires.UtcDateTime }, cancellationToken: ct));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            log.LogWarning("Could not share robots.txt of {Origin} ({Error})", origin, e.Message);
        }
    }
}
