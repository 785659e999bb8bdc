using Dapper;
using Npgsql;
using PolicyWatch.Fetch;

namespace PolicyWatch.Storage;

/// <summary>
/// <see cref="IHostSlots"/> in PostgreSQL: a session advisory lock per host makes requests to it one at a time across
/// every process (a process that dies releases it with its connection), and table <c>host_slots</c> keeps when the
/// next request may start (a delay after the last one ended; two delays after the start of one still in flight), on
/// the database's clock, so machines agree whatever their own clocks say.
/// </summary>
public sealed class HostSlots(NpgsqlDataSource db) : IHostSlots
{
    // timers fire up to a tick early, and a busy server stamps one request's arrival late and the next one's on time;
    // a real host's delay is seconds, so 15 ms more is nothing to it
    private static readonly TimeSpan SafetyMargin = TimeSpan.FromMilliseconds(15);

    public async Task<IAsyncDisposable> AcquireAsync(string host, TimeSpan delay, CancellationToken ct)
    {
        var key = host.ToLowerInvariant();
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(hashtextextended('policywatch-host:' || @key, 0))", new { key }, cancellationToken: ct));
            // seconds until the host's next start, negative once it has passed; the margin applies either way (a
            // holder that read "0" right at the next start used to go with no margin, 21 ms after a 20 ms slot ended)
            var untilNext = await conn.ExecuteScalarAsync<double?>(new CommandDefinition(
                "SELECT extract(epoch FROM (next_start - clock_timestamp()))::float8 FROM host_slots WHERE host = @key",
                new { key }, cancellationToken: ct));
            if (untilNext is { } seconds && TimeSpan.FromSeconds(seconds) + SafetyMargin is { Ticks: > 0 } wait)
                await Task.Delay(wait, ct);
            // reserved at the start as well as at the end: a holder killed mid-request frees the lock with its session
            // and never records its end. Its request reached the host some time after this point (a loaded process
            // took 15 ms), so the next holder waits two delays from here; a live holder's end overwrites this
            await MarkNextStartAsync(conn, key, delay * 2, ct);
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
