using Dapper;
using Microsoft.AspNetCore.Http;
using Npgsql;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Cli;

[Collection("postgres")]
public sealed class IngestCliTests(PostgresFixture pg) : IAsyncLifetime
{
    private LoopbackServer _web = null!;
    private string _dir = "";

    public async Task InitializeAsync()
    {
        _web = await LoopbackServer.StartAsync();
        _dir = TempDirs.Create("cli");
    }

    public async Task DisposeAsync()
    {
        await _web.DisposeAsync();
        TempDirs.Delete(_dir);
    }

    private string FeedsFile(string json)
    {
        var path = Path.Combine(_dir, "feeds.json");
        File.WriteAllText(path, json);
        return path;
    }

    private Dictionary<string, string?> Env(string db) => new()
    {
        ["ConnectionStrings__PolicyWatch"] = db,
        ["Fetch__AllowPrivateNetworks"] = "true",
        ["Fetch__HostDelay"] = "00:00:00",
        ["Ingest__ClaimLease"] = "00:00:02",
        ["Ingest__RetryDelay"] = "00:00:00",
    };

    [Fact]
    public async Task WorkerKilledMidJob_NextRunFinishesWithNothingLostOrDuplicated()
    {
        var db = await pg.CreateDatabaseAsync();
        var release = new TaskCompletionSource();
        _web.Serve("/feed", Fixtures.Rss(_web.BaseUrl, ("/k/1", "Quick"), ("/k/2", "Stuck")), "application/rss+xml");
        _web.Serve("/k/1", Fixtures.ArticlePage("Quick article"));
        _web.Map("/k/2", async c => { await release.Task; await c.Response.WriteAsync(Fixtures.ArticlePage("Stuck article")); });
        var feeds = FeedsFile($$"""{"sources":[{"slug":"k","name":"K","url":"{{_web.Url("/feed")}}","kind":"rss"}]}""");

        await using (var first = PolicyWatchProcess.Start(["ingest", "--once", "--feeds", feeds], Env(db)))
        {
            while (_web.Hits("/k/2") == 0 || await CountAsync(db, "processed") < 1)
            {
                Assert.False(first.HasExited, first.Output);
                await Task.Delay(50);
            }
            await first.SignalAsync("KILL");
            await first.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
        release.SetResult();
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // the dead worker's lease runs out

        var (exit, output) = await PolicyWatchProcess.RunAsync(["ingest", "--once", "--feeds", feeds], Env(db));

        Assert.Equal(0, exit);
        Assert.Contains("items: 0 new", output);
        Assert.Contains("articles: 1 stored", output);
        Assert.Equal(2L, await CountAsync(db, "processed"));
        Assert.Equal(2L, await CountAsync(db, null));
        Assert.Equal(1, _web.Hits("/k/1"));
    }

    [Fact]
    public async Task SomeItemsFail_ExitsZeroAndRecordsThem()
    {
        var db = await pg.CreateDatabaseAsync();
        _web.Serve("/feed", Fixtures.Rss(_web.BaseUrl, ("/ok", "Fine"), ("/gone", "Gone")), "application/rss+xml");
        _web.Serve("/ok", Fixtures.ArticlePage("Fine article"));
        _web.Status("/gone", 410);
        var feeds = FeedsFile($$"""{"sources":[{"slug":"s","name":"S","url":"{{_web.Url("/feed")}}","kind":"rss"}]}""");

        var (exit, output) = await PolicyWatchProcess.RunAsync(["ingest", "--once", "--feeds", feeds], Env(db));
        var (listExit, list) = await PolicyWatchProcess.RunAsync(["articles", "--status", "failed", "--format", "json"], Env(db));

        Assert.Equal(0, exit);
        Assert.Contains("sources polled: 1 (0 failed)", output);
        Assert.Contains("articles: 1 stored, 0 merged into existing, 1 failed", output);
        Assert.Equal(0, listExit);
        var line = Assert.Single(list.Split('\n'), l => l.StartsWith('{'));
        Assert.Contains("\"error\":\"HTTP 410", line);
    }

    [Fact]
    public async Task InvalidFeedsFile_ExitsNonZeroNamingFileSourceAndField()
    {
        var db = await pg.CreateDatabaseAsync();
        var feeds = FeedsFile("""{"sources":[{"slug":"x","name":"X","url":"https://example.invalid/","kind":"page"}]}""");
        var (exit, output) = await PolicyWatchProcess.RunAsync(["ingest", "--once", "--feeds", feeds], Env(db));
        Assert.Equal(1, exit);
        Assert.Contains($"{feeds}: source #1 ('x'): field \"linkSelector\": required for kind 'page'", output);
    }

    private static async Task<long> CountAsync(string db, string? status)
    {
        await using var conn = new NpgsqlConnection(db);
        return await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM articles WHERE @status::text IS NULL OR status = @status", new { status });
    }
}
