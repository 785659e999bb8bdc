using Hangfire;
using Hangfire.PostgreSql;

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
        if (runWorkers)
        {
            services.AddHangfireServer(o =>
            {
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                o.Queues = config.GetSection("Hangfire:Queues").Get<string[]>() ?? Queues.All;
                o.WorkerCount = config.GetValue("Hangfire:WorkerCount", Math.Max(4, Environment.ProcessorCount * 2));
                o.SchedulePollingInterval = config.GetValue("Hangfire:SchedulePollingInterval", TimeSpan.FromSeconds(5));
                o.ShutdownTimeout = TimeSpan.FromSeconds(20);
            });
        }
        return services;
    }
}

/// <summary>Hangfire queues, in priority order: feed polling must not wait behind a backlog of article fetches.</summary>
public static class Queues
{
    public const string Poll = "poll";
    public const string Fetch = "fetch";
    public const string Digest = "digest";
    public const string Default = "default";
    public static readonly string[] All = [Digest, Poll, Fetch, Default];
}
