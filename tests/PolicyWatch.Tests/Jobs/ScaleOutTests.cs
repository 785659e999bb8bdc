using Dapper;
using Npgsql;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Jobs;

/// <summary>
/// Scale-out as deployed: three `policywatch worker` processes and one `serve --no-worker` on one database, ingesting
/// over a thousand articles from three hosts, with a worker killed mid-run. Politeness is measured at the servers.
/// </summary>
[Collection("postgres")]
public sealed class ScaleOutTests(PostgresFixture pg) : IAsyncLifetime
{
    private const int PerHost = 400;
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(20);
    private readonly List<LoopbackServer> _hosts = [];
    private string _dir = "";

    public async Task InitializeAsync()
    {
        _dir = TempDirs.Create("scale");
        foreach (var address in new[] { "127.0.0.1", "127.0.0.2", "127.0.0.3" })
        {
            var web = await LoopbackServer.StartAsync(address);
            var items = Enumerable.Range(1, PerHost).Select(i => ($"/a/{i}", $"Story {i} from {address}")).ToArray();
            web.Serve("/feed", Fixtures.Rss(web.BaseUrl, items), "application/rss+xml");
            foreach (var (path, title) in items) web.Serve(path, Fixtures.ArticlePage(title));
            _hosts.Add(web);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var h in _hosts) await h.DisposeAsync();
        TempDirs.Delete(_dir);
    }

    [Fact]
    public async Task ThreeWorkersAndAWebNode_StoreEachArticleOnce_KeepEachHostsDelay_AndSurviveAKilledWorker()
    {
        var db = await pg.CreateDatabaseAsync();
        var feeds = Path.Combine(_dir, "feeds.json");
        await File.WriteAllTextAsync(feeds, "{\"sources\":[" + string.Join(",", _hosts.Select((h, i) =>
            $$"""{"slug":"host-{{i}}","name":"Host {{i}}","url":"{{h.Url("/feed")}}","kind":"rss","pollInterval":"1h"}""")) + "]}");
        var env = new Dictionary<string, string?>
        {
            ["ConnectionStrings__PolicyWatch"] = db,
            ["Ingest__FeedsFile"] = feeds,
            ["Ingest__PollCron"] = "*/2 * * * * *",
            ["Ingest__SweepCron"] = "*/3 * * * * *",
            ["Ingest__ClaimLease"] = "00:00:03",
            ["Ingest__RetryDelay"] = "00:00:00",
            ["Fetch__AllowPrivateNetworks"] = "true",
            ["Fetch__HostDelay"] = "00:00:00.020",
            ["Fetch__MaxConcurrentPerHost"] = "4",
            ["Hangfire__QueuePollInterval"] = "00:00:00.200",
            ["Hangfire__SchedulePollingInterval"] = "00:00:01",
            ["Hangfire__InvisibilityTimeout"] = "00:00:05",
            ["Hangfire__WorkerCount"] = "6",
        };
        var port = Ports.FreeLoopbackPort();
        // the third worker serves its metrics and probes on a loopback port of its own
        var metricsPort = Ports.FreeLoopbackPort();
        var withMetrics = new Dictionary<string, string?>(env) { ["Metrics__Port"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var processes = new List<PolicyWatchProcess>
        {
            PolicyWatchProcess.Start(["serve", "--urls", $"http://127.0.0.1:{port}", "--no-worker"], env),
            PolicyWatchProcess.Start(["worker"], env), PolicyWatchProcess.Start(["worker"], env), PolicyWatchProcess.Start(["worker"], withMetrics),
        };
        try
        {
            const int total = 3 * PerHost;
            // a worker dies with SIGKILL once a quarter of the work is done
            await WaitForAsync(db, total / 4, processes);
            await processes[1].SignalAsync("KILL");
            await WaitForAsync(db, total, processes.Where((_, i) => i != 1).ToList(), TimeSpan.FromMinutes(4));

            using (var http = new HttpClient())
            {
                var scraped = await http.GetStringAsync($"http://127.0.0.1:{metricsPort}/metrics");
                Assert.Contains("policywatch_articles_total", scraped);
                Assert.Contains("policywatch_job_duration_seconds", scraped);
                Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{metricsPort}/health/live")).StatusCode);
                // the worker's port serves metrics and probes, nothing of the web app
                Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{metricsPort}/api/search?q=x")).StatusCode);
            }

            await using var conn = new NpgsqlConnection(db);
            Assert.Equal((long)total, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM articles"));
            Assert.Equal((long)total, await conn.ExecuteScalarAsync<long>("SELECT count(DISTINCT canonical_url) FROM articles WHERE status = 'processed'"));
            foreach (var host in _hosts)
            {
                var arrivals = host.Arrivals.OrderBy(a => a.At).ToList();
                var gaps = arrivals.Zip(arrivals.Skip(1), (a, b) => System.Diagnostics.Stopwatch.GetElapsedTime(a.At, b.At)).ToList();
                var worst = gaps.Select((g, i) => (g, i)).OrderBy(x => x.g).Take(3).Select(x => $"{x.g.TotalMilliseconds:0.0} ms {arrivals[x.i].Path} -> {arrivals[x.i + 1].Path}");
                Console.WriteLine($"{host.BaseUrl}: {string.Join("; ", worst)}");
                // arrivals are stamped by this process's handler on a thread pool shared with four busy processes: allow
                // the stamps 2 ms of jitter (the slots add 15 ms; a request that skipped the shared slot would be far closer)
                var tooClose = gaps.Count(g => g < Delay - TimeSpan.FromMilliseconds(2));
                Assert.True(tooClose == 0, $"{host.BaseUrl}: {tooClose} of {gaps.Count} gaps under {Delay.TotalMilliseconds} ms (smallest {gaps.Min().TotalMilliseconds:0.0} ms)");
            }
        }
        finally
        {
            foreach (var p in processes) await p.DisposeAsync();
        }
    }

    private static async Task WaitForAsync(string db, int processed, IReadOnlyList<PolicyWatchProcess> alive, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromMinutes(2));
        await using var conn = new NpgsqlConnection(db);
        while (await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM articles WHERE status = 'processed'") < processed)
        {
            foreach (var p in alive) Assert.False(p.HasExited, p.Output);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fewer than {processed} articles processed in time");
            await Task.Delay(250);
        }
    }
}
