using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Options;
using PolicyWatch.Feeds;
using PolicyWatch.Jobs;
using PolicyWatch.Storage;

namespace PolicyWatch.Host;

public static class JobsSetup
{
    public const string HangfireSchema = "hangfire";

    /// <summary>Hangfire on the same PostgreSQL database, in its own schema; the server only where workers run.</summary>
    public static IServiceCollection AddPolicyWatchJobs(this IServiceCollection services, IConfiguration config, bool runWorkers)
    {
        var connectionString = config.GetConnectionString("PolicyWatch")!;
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = config["Hangfire:Schema"] ?? HangfireSchema,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = config.GetValue("Hangfire:QueuePollInterval", TimeSpan.FromSeconds(5)),
            // a job whose server died is picked up again after this long
            InvisibilityTimeout = config.GetValue("Hangfire:InvisibilityTimeout", TimeSpan.FromMinutes(10)),
            UseSlidingInvisibilityTimeout = true,
            EnableLongPolling = true,
        };
        services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), storageOptions));
        services.AddTransient<PollDueSourcesJob>();
        services.AddTransient<PollSourceJob>();
        services.AddTransient<ProcessArticleJob>();
        services.AddTransient<SweepPendingArticlesJob>();
        services.AddTransient<SendDigestsJob>();
        services.AddTransient<SendDigestJob>();
        services.AddHostedService<StartupTasks>();
        if (runWorkers)
        {
            services.AddHangfireServer(o =>
            {
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                o.Queues = config.GetSection("Hangfire:Queues").Get<string[]>() ?? JobQueues.All;
                o.WorkerCount = config.GetValue("Hangfire:WorkerCount", Math.Max(4, Environment.ProcessorCount * 2));
                o.SchedulePollingInterval = config.GetValue("Hangfire:SchedulePollingInterval", TimeSpan.FromSeconds(5));
                o.ShutdownTimeout = TimeSpan.FromSeconds(20);
            });
        }
        return services;
    }

    /// <summary>Resolves the feeds file: as given if absolute or present in the working directory, else beside the executable.</summary>
    public static string ResolveFeedsFile(string path) => AppPaths.Resolve(path);
}

/// <summary>At start: migrate, sync feeds.json into `sources`, and register the recurring jobs (in this one place).</summary>
internal sealed class StartupTasks(Migrator migrator, Store store, IRecurringJobManager recurring, IOptions<IngestOptions> ingest, IOptions<PolicyWatch.Digest.DigestOptions> digest, ILogger<StartupTasks> log) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await migrator.MigrateAsync(ct);
        var file = JobsSetup.ResolveFeedsFile(ingest.Value.FeedsFile);
        var sources = FeedCatalog.Load(file);
        var sync = await store.SyncSourcesAsync(sources, ct);
        log.LogInformation("Sources from {File}: {Count} defined, {Added} added, {Updated} updated, {Disabled} disabled",
            file, sources.Count, sync.Added, sync.Updated, sync.Disabled);

        recurring.AddOrUpdate<PollDueSourcesJob>("poll-due-sources", j => j.RunAsync(CancellationToken.None), ingest.Value.PollCron);
        recurring.AddOrUpdate<SweepPendingArticlesJob>("sweep-pending", j => j.RunAsync(CancellationToken.None), ingest.Value.SweepCron);
        recurring.AddOrUpdate<SendDigestsJob>("send-digests", j => j.RunAsync(CancellationToken.None), digest.Value.Cron);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
