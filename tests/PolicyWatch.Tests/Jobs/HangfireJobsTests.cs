using Dapper;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using PolicyWatch.Host;
using PolicyWatch.Jobs;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Jobs;

/// <summary>The Hangfire jobs on real Hangfire.PostgreSql storage, with two servers sharing the work.</summary>
[Collection("postgres")]
public sealed class HangfireJobsTests(PostgresFixture pg) : IAsyncLifetime
{
    private LoopbackServer _web = null!;
    private ServiceProvider _services = null!;
    private string _db = "";
    private readonly List<BackgroundJobServer> _servers = [];

    public async Task InitializeAsync()
    {
        _web = await LoopbackServer.StartAsync();
        _db = await pg.CreateDatabaseAsync();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:PolicyWatch"] = _db,
            ["Fetch:AllowPrivateNetworks"] = "true",
            ["Fetch:HostDelay"] = "00:00:00",
            ["Fetch:MaxConcurrentPerHost"] = "8",
            ["Hangfire:QueuePollInterval"] = "00:00:00.200",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IConfiguration>(config);
        services.AddPolicyWatch(config);
        services.AddPolicyWatchJobs(config, runWorkers: false);
        _services = services.BuildServiceProvider();
    }

    private void StartServers(int count)
    {
        var storage = _services.GetRequiredService<JobStorage>();
        var activator = new Hangfire.AspNetCore.AspNetCoreJobActivator(_services.GetRequiredService<IServiceScopeFactory>());
        for (var i = 0; i < count; i++)
            _servers.Add(new BackgroundJobServer(new BackgroundJobServerOptions
            {
                ServerName = $"test-{i}", WorkerCount = 3, Queues = JobQueues.All, Activator = activator,
                SchedulePollingInterval = TimeSpan.FromMilliseconds(500), ShutdownTimeout = TimeSpan.FromSeconds(5),
            }, storage));
    }

    public async Task DisposeAsync()
    {
        foreach (var s in _servers) s.Dispose();
        await _services.DisposeAsync();
        await _web.DisposeAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(_db);
        return await conn.ExecuteScalarAsync<long>(sql);
    }

    private async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task TwoServers_ShareThePolledItems_EachArticleFetchedOnce()
    {
        var items = Enumerable.Range(1, 20).Select(i => ($"/hf/{i}", $"Article {i}")).ToArray();
        _web.Serve("/feed", Fixtures.Rss(_web.BaseUrl, items), "application/rss+xml");
        foreach (var (path, title) in items) _web.Serve(path, Fixtures.ArticlePage(title));
        var sourceId = await _services.AddSourceAsync(Pipeline.Source("hf", _web.Url("/feed")));
        StartServers(2);

        var jobs = _services.GetRequiredService<IBackgroundJobClient>();
        jobs.Enqueue<PollSourceJob>(j => j.RunAsync(sourceId, CancellationToken.None));
        // a duplicate poll job (a retry, a second sweep) must not duplicate anything
        jobs.Enqueue<PollSourceJob>(j => j.RunAsync(sourceId, CancellationToken.None));
        await WaitForAsync(async () => await CountAsync("SELECT count(*) FROM articles WHERE status = 'processed'") == 20, TimeSpan.FromSeconds(60));

        Assert.Equal(20L, await CountAsync("SELECT count(*) FROM articles"));
        Assert.All(items, i => Assert.Equal(1, _web.Hits(i.Item1)));
    }

    [Fact]
    public async Task SameArticleJobTwiceAtOnce_ProcessedOnce()
    {
        var gate = new TaskCompletionSource();
        _web.Serve("/feed", Fixtures.Rss(_web.BaseUrl, ("/once", "Once")), "application/rss+xml");
        _web.Map("/once", async c => { await gate.Task.WaitAsync(TimeSpan.FromSeconds(20)); await c.Response.WriteAsync(Fixtures.ArticlePage("Once")); });
        var sourceId = await _services.AddSourceAsync(Pipeline.Source("once", _web.Url("/feed")));
        var poll = await _services.GetRequiredService<SourcePoller>().PollAsync(sourceId, default);
        var id = Assert.Single(poll!.NewIds);
        StartServers(2);

        var jobs = _services.GetRequiredService<IBackgroundJobClient>();
        var a = jobs.Enqueue<ProcessArticleJob>(j => j.RunAsync(id, CancellationToken.None));
        var b = jobs.Enqueue<ProcessArticleJob>(j => j.RunAsync(id, CancellationToken.None));
        var monitor = _services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await WaitForAsync(() => Task.FromResult(State(monitor, a) == "Succeeded" || State(monitor, b) == "Succeeded"), TimeSpan.FromSeconds(30));
        gate.SetResult();
        await WaitForAsync(() => Task.FromResult(State(monitor, a) == "Succeeded" && State(monitor, b) == "Succeeded"), TimeSpan.FromSeconds(30));

        Assert.Equal(1, _web.Hits("/once"));
        Assert.Equal(1L, await CountAsync("SELECT count(*) FROM articles WHERE status = 'processed'"));
    }

    private static string? State(IMonitoringApi monitor, string jobId) => monitor.JobDetails(jobId)?.History.FirstOrDefault()?.StateName;

    [Fact]
    public async Task RecurringSweep_PicksUpPendingArticlesWhoseJobWasLost()
    {
        _web.Serve("/feed", Fixtures.Rss(_web.BaseUrl, ("/lost", "Lost")), "application/rss+xml");
        _web.Serve("/lost", Fixtures.ArticlePage("Lost job"));
        var sourceId = await _services.AddSourceAsync(Pipeline.Source("lost", _web.Url("/feed")));
        // recorded, but the process died before enqueueing the article's job
        await _services.GetRequiredService<SourcePoller>().PollAsync(sourceId, default);
        await using (var conn = new NpgsqlConnection(_db))
            await conn.ExecuteAsync("UPDATE articles SET updated_at = now() - interval '10 minutes'");
        StartServers(1);

        _services.GetRequiredService<IBackgroundJobClient>().Enqueue<SweepPendingArticlesJob>(j => j.RunAsync(CancellationToken.None));
        await WaitForAsync(async () => await CountAsync("SELECT count(*) FROM articles WHERE status = 'processed'") == 1, TimeSpan.FromSeconds(30));
    }
}
