using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PolicyWatch.Fetch;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Fetch;

/// <summary>Politeness shared through the database: throttles that share nothing else (as in separate worker processes) keep one host's delay together.</summary>
[Collection("postgres")]
public sealed class SharedPolitenessTests(PostgresFixture pg)
{
    [Fact]
    public async Task ThreeThrottlesOnOneDatabase_NeverStartTwoRequestsToAHostCloserThanItsDelay()
    {
        var db = await pg.CreateDatabaseAsync();
        var delay = TimeSpan.FromMilliseconds(250);
        var options = new FetchOptions { HostDelay = delay, MaxConcurrentPerHost = 2 };
        var throttles = Enumerable.Range(0, 3).Select(_ => new HostThrottle(options, TimeProvider.System, new HostSlots(NpgsqlDataSource.Create(db)))).ToList();
        var starts = new System.Collections.Concurrent.ConcurrentBag<DateTimeOffset>();

        await Task.WhenAll(throttles.SelectMany(t => Enumerable.Range(0, 4).Select(async _ =>
        {
            await using var slot = await t.AcquireAsync("gov.example", default);
            starts.Add(DateTimeOffset.UtcNow);
            await Task.Delay(20);
        })));

        var ordered = starts.Order().ToList();
        Assert.Equal(12, ordered.Count);
        var gaps = ordered.Zip(ordered.Skip(1), (a, b) => b - a).ToList();
        // a few milliseconds of scheduling jitter between the database's clock and ours
        Assert.All(gaps, g => Assert.True(g >= delay - TimeSpan.FromMilliseconds(15), $"gap {g.TotalMilliseconds} ms"));
        // another host is not held up by this one
        var other = DateTimeOffset.UtcNow;
        await using (await throttles[0].AcquireAsync("other.example", default)) Assert.True(DateTimeOffset.UtcNow - other < delay);
    }

    [Fact]
    public async Task AHolderKilledMidRequest_TheNextWaitsTwoDelaysAfterItBegan()
    {
        var db = await pg.CreateDatabaseAsync();
        var delay = TimeSpan.FromMilliseconds(400);
        await using var dying = NpgsqlDataSource.Create(db);
        await using var survivor = NpgsqlDataSource.Create(db);
        var slots = new HostSlots(dying);
        // a first request ends normally, so the host has a recorded slot
        await (await slots.AcquireAsync("gov.example", delay, default)).DisposeAsync();
        await Task.Delay(delay + TimeSpan.FromMilliseconds(50));

        // the second holder's session dies with its process: the lock goes, its end is never written
        var lease = await slots.AcquireAsync("gov.example", delay, default);
        var began = DateTimeOffset.UtcNow;
        await using (var admin = await survivor.OpenConnectionAsync())
        await using (var kill = new NpgsqlCommand(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()", admin))
            await kill.ExecuteNonQueryAsync();

        await using (await new HostSlots(survivor).AcquireAsync("gov.example", delay, default))
            // its request reached the host at some unknown time after it began: two delays cover that
            Assert.True(DateTimeOffset.UtcNow - began >= 2 * delay - TimeSpan.FromMilliseconds(15),
                $"next request {(DateTimeOffset.UtcNow - began).TotalMilliseconds:0} ms after the killed one began");
        try { await lease.DisposeAsync(); } catch (NpgsqlException) { } // its connection is gone
    }
}
