using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using PolicyWatch.Classify;
using PolicyWatch.Digest;
using PolicyWatch.Extract;
using PolicyWatch.Fetch;
using PolicyWatch.Jobs;
using PolicyWatch.Storage;

namespace PolicyWatch;

public static class ServiceCollectionExtensions
{
    /// <summary>The one place the pipeline's stages are registered.</summary>
    public static IServiceCollection AddPolicyWatch(this IServiceCollection services, IConfiguration config)
    {
        var connectionString = config.GetConnectionString("PolicyWatch");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("ConnectionStrings:PolicyWatch is not set (the composition root resolves it, or starts the embedded cluster).");

        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        services.AddSingleton<Store>();
        services.AddSingleton<Migrator>();
        // with a database, politeness is shared by every process on it
        services.AddSingleton<Fetch.IHostSlots, HostSlots>();
        services.AddSingleton<Fetch.IRobotsStore, RobotsStore>();
        services.AddPolicyWatchFetching(config);
        services.AddSingleton<ArticleExtractor>();

        services.AddOptions<IngestOptions>().Bind(config.GetSection("Ingest"))
            .Validate(o => o.MaxAttempts > 0 && o.ClaimLease > TimeSpan.Zero, "Ingest: MaxAttempts and ClaimLease must be positive")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<IngestOptions>>().Value);
        services.AddOptions<ClassifyOptions>().Bind(config.GetSection("Classify"));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ClassifyOptions>>().Value);
        services.AddSingleton<TopicClassifier>();
        services.AddSingleton<Reclassifier>();
        services.AddSingleton<SourcePoller>();
        services.AddSingleton<ArticleProcessor>();
        services.AddSingleton<Ingester>();

        services.AddOptions<DigestOptions>().Bind(config.GetSection("Digest"));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DigestOptions>>().Value);
        services.AddSingleton<DigestMailer>();
        services.AddSingleton<DigestSender>();
        return services;
    }

    /// <summary>The HTTP stack: one named client with the address guard, manual redirects, and in-place retries of transient failures.</summary>
    public static IServiceCollection AddPolicyWatchFetching(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<FetchOptions>().Bind(config.GetSection("Fetch"))
            .Validate(o => o.Timeout > TimeSpan.Zero && o.MaxBodyBytes > 0 && o.MaxRedirects >= 0 && o.MaxConcurrentPerHost > 0,
                "Fetch: Timeout, MaxBodyBytes and MaxConcurrentPerHost must be positive")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<FetchOptions>>().Value);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AddressGuard>();
        services.AddSingleton(sp => new HostThrottle(sp.GetRequiredService<FetchOptions>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IHostSlots>()));
        services.AddSingleton<RobotsCache>();
        services.AddSingleton<PageFetcher>();
        var client = services.AddHttpClient(PageFetcher.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<FetchOptions>();
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    AutomaticDecompression = DecompressionMethods.All,
                    ConnectCallback = sp.GetRequiredService<AddressGuard>().ConnectAsync,
                    ConnectTimeout = options.ConnectTimeout,
                    UseProxy = false,
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    MaxConnectionsPerServer = Math.Max(2, options.MaxConcurrentPerHost),
                };
            });
        client.AddResilienceHandler("fetch", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<FetchOptions>();
            if (options.Retries <= 0) return;
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                Delay = options.RetryDelay,
                BackoffType = Polly.DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(PageFetcher.IsTransient(args.Outcome.Result, args.Outcome.Exception, options)),
            });
        });
        return services;
    }
}
