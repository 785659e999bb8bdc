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

    [Fact]
    public async Task DamagedFeed_IsReadWithRepairs_AndTheSourceShowsAWarningNotAnError_AndOtherSourcesStillRun()
    {
        var db = await pg.CreateDatabaseAsync();
        // an HTML entity and an undeclared prefix: a strict parse rejects the whole feed
        _web.Serve("/damaged", $"<rss version=\"2.0\"><channel><item><title>Zoll&uuml;bersicht</title><content:encoded>x</content:encoded><link>{_web.Url("/d/1")}</link></item></channel></rss>", "application/rss+xml");
        _web.Serve("/d/1", Fixtures.ArticlePage("Damaged feed article"));
        _web.Serve("/garbage", "\u0001\u0002 not xml at all", "application/rss+xml");
        _web.Serve("/fine", Fixtures.Rss(_web.BaseUrl, ("/f/1", "Fine")), "application/rss+xml");
        _web.Serve("/f/1", Fixtures.ArticlePage("Fine article"));
        var feeds = FeedsFile($$"""
            {"sources":[{"slug":"a-damaged","name":"D","url":"{{_web.Url("/damaged")}}","kind":"rss"},
                        {"slug":"b-garbage","name":"G","url":"{{_web.Url("/garbage")}}","kind":"rss"},
                        {"slug":"c-fine","name":"F","url":"{{_web.Url("/fine")}}","kind":"rss"}]}
            """);

        var (exit, output) = await PolicyWatchProcess.RunAsync(["ingest", "--once", "--feeds", feeds], Env(db));
        var (_, sources) = await PolicyWatchProcess.RunAsync(["sources", "--format", "json"], Env(db));

        Assert.Equal(0, exit);
        Assert.Contains("sources polled: 3 (1 failed)", output);
        Assert.Contains("articles: 2 stored", output);
        var damaged = Assert.Single(sources.Split('\n'), l => l.Contains("\"slug\":\"a-damaged\""));
        Assert.Contains("\"healthy\":true", damaged);
        Assert.Contains("\"warning\":\"read with repairs: HTML entities (&uuml;)", damaged);
        Assert.DoesNotContain("\"lastError\":\"", damaged);
        var garbage = Assert.Single(sources.Split('\n'), l => l.Contains("\"slug\":\"b-garbage\""));
        Assert.Contains("\"lastError\":\"malformed feed", garbage);
    }

    [Fact]
    public async Task OneOffFeedsFile_DoesNotDisableTheMainCatalogue()
    {
        var db = await pg.CreateDatabaseAsync();
        _web.Serve("/main", Fixtures.Rss(_web.BaseUrl), "application/rss+xml");
        _web.Serve("/other", Fixtures.Rss(_web.BaseUrl), "application/rss+xml");
        var main = FeedsFile($$"""{"sources":[{"slug":"main-source","name":"M","url":"{{_web.Url("/main")}}","kind":"rss"}]}""");
        var env = Env(db);
        env["Ingest__FeedsFile"] = main;
        Assert.Equal(0, (await PolicyWatchProcess.RunAsync(["ingest", "--once"], env)).ExitCode);
        var other = Path.Combine(_dir, "other.json");
        File.WriteAllText(other, $$"""{"sources":[{"slug":"one-off","name":"O","url":"{{_web.Url("/other")}}","kind":"rss"}]}""");

        var (exit, output) = await PolicyWatchProcess.RunAsync(["ingest", "--once", "--feeds", other], env);
        var (_, sources) = await PolicyWatchProcess.RunAsync(["sources", "--format", "json"], env);

        Assert.Equal(0, exit);
        Assert.Contains("sources polled: 1 (0 failed)", output);
        Assert.Equal(1, _web.Hits("/main"));
        Assert.Contains(sources.Split('\n'), l => l.Contains("\"slug\":\"main-source\"") && l.Contains("\"enabled\":true"));
    }

    [Fact]
    public async Task FeedVerb_ReadsAUrlAsAPollWould_AndAFile_WithWarningsOnStderr()
    {
        _web.Serve("/listing", $"<!-- cms -->\n<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>A&nbsp;B</title><link>{_web.Url("/x/1")}</link><pubDate>Mo, 25 Nov 2026 10:00:00 +0100</pubDate></item></channel></rss>", "application/rss+xml");
        var env = new Dictionary<string, string?> { ["Fetch__AllowPrivateNetworks"] = "true" };

        var (exit, output) = await PolicyWatchProcess.RunAsync(["feed", "--format", "json", _web.Url("/listing").AbsoluteUri], env);

        Assert.Equal(0, exit);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith('{'));
        using var json = System.Text.Json.JsonDocument.Parse(line);
        Assert.Equal(_web.Url("/x/1").AbsoluteUri, json.RootElement.GetProperty("url").GetString());
        Assert.Equal("2026-11-25T10:00:00.0000000+01:00", json.RootElement.GetProperty("published").GetString());
        Assert.Contains("warning: read with repairs", output);

        var notFeed = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(notFeed, "meeting notes, not a feed");
        var (badExit, badOutput) = await PolicyWatchProcess.RunAsync(["feed", notFeed], env);
        Assert.Equal(1, badExit);
        Assert.Single(badOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var empty = Path.Combine(_dir, "empty.xml");
        File.WriteAllText(empty, "<rss version=\"2.0\"><channel><title>Quiet</title></channel></rss>");
        Assert.Equal(0, (await PolicyWatchProcess.RunAsync(["feed", empty], env)).ExitCode);
    }

    private static async Task<long> CountAsync(string db, string? status)
    {
        await using var conn = new NpgsqlConnection(db);
        return await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM articles WHERE @status::text IS NULL OR status = @status", new { status });
    }
}
