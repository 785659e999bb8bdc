using Dapper;
using Npgsql;
using PolicyWatch.Fetch;

namespace PolicyWatch.Storage;

/// <summary>
/// <see cref="IHostSlots"/> in PostgreSQL (table <c>host_slots</c>): one atomic upsert per request reserves the next
/// start, measured on the database's clock, so processes on different machines agree whatever their own clocks say.
/// </summary>
public sealed class HostSlots(NpgsqlDataSource db) : IHostSlots
{
    public async Task<TimeSpan> ReserveAsync(string host, TimeSpan delay, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var seconds = await conn.ExecuteScalarAsync<double>(new CommandDefinition("""
            INSERT INTO host_slots AS h (host, next_start) VALUES (@host, clock_timestamp() + @delay)
            ON CONFLICT (host) DO UPDATE SET next_start = greatest(h.next_start, clock_timestamp()) + @delay
            RETURNING greatest(extract(epoch FROM (next_start - @delay - clock_timestamp())), 0)::float8
            """, new { host = host.ToLowerInvariant(), delay }, cancellationToken: ct));
        return TimeSpan.FromSeconds(seconds);
    }
}
