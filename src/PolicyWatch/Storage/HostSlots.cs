using Dapper;
using Npgsql;
using PolicyWatch.Fetch;

namespace PolicyWatch.Storage;

/// <summary>
/// <see cref="IHostSlots"/> in PostgreSQL: a session advisory lock per host makes requests to it one at a time across
/// every process (a process that dies releases it with its connection), and table <c>host_slots</c> keeps when the
/// last request ended, on the database's clock, so machines agree whatever their own clocks say.
/// </summary>
public sealed class HostSlots(NpgsqlDataSource db) : IHostSlots
{
    // timers fire up to a tick early, and a busy server stamps one request's arrival late and the next one's on time:
    // a 20 ms delay once showed as 19.8 ms between arrivals with 5 ms here; a real host's delay is seconds
    private static readonly TimeSpan SafetyMargin = TimeSpan.FromMilliseconds(15);

    public async Task<IAsyncDisposable> AcquireAsync(string host, TimeSpan delay, CancellationToken ct)
    {
        var key = host.ToLowerInvariant();
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(hashtextextended('policywatch-host:' || @key, 0))", new { key }, cancellationToken: ct));
            var wait = await conn.ExecuteScalarAsync<double?>(new CommandDefinition(
                "SELECT greatest(extract(epoch FROM (next_start - clock_timestamp())), 0)::float8 FROM host_slots WHERE host = @key",
                new { key }, cancellationToken: ct)) ?? 0;
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(wait) + SafetyMargin, ct);
            // reserved at the start as well as at the end: a holder killed mid-request frees the lock with its session
            // and never records its end, and the next holder must still wait a delay after this request began
            await MarkNextStartAsync(conn, key, delay, ct);
            return new Lease(conn, key, delay);
        }
        catch
        {
            await conn.DisposeAsync(); // closing the session frees the lock
            throw;
        }
    }

    // autocommitted, so it is visible to the next holder before the lock is let go
    private static Task MarkNextStartAsync(NpgsqlConnection conn, string key, TimeSpan delay, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO host_slots (host, next_start) VALUES (@key, clock_timestamp() + @delay)
            ON CONFLICT (host) DO UPDATE SET next_start = excluded.next_start
            """, new { key, delay }, cancellationToken: ct));

    private sealed class Lease(NpgsqlConnection conn, string key, TimeSpan delay) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                // the next request may start a delay after this one ended; committed before the lock is let go (one
                // batch would be one transaction, and the next holder would read the old time)
                await MarkNextStartAsync(conn, key, delay, CancellationToken.None);
                await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(hashtextextended('policywatch-host:' || @key, 0))", new { key }));
            }
            catch (NpgsqlException)
            {
                // the database is away: closing the connection below releases the lock anyway
            }
            finally
            {
                await conn.DisposeAsync();
            }
        }
    }
}
