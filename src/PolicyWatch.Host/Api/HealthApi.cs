using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace PolicyWatch.Host.Api;

public static class HealthApi
{
    /// <summary>
    /// The only endpoints open without authentication, each a JSON answer (<c>{"status","checks":{name:{status,description}}}</c>,
    /// 200 when healthy, 503 when not): <c>/health</c> (the database answers, as before), <c>/health/live</c> (the
    /// process serves requests: no checks, for restarts) and <c>/health/ready</c> (database reachable, migrations current,
    /// topic model loaded, Hangfire storage reachable: for load balancers).
    /// </summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", Options(c => c.Name == "database")).AllowAnonymous();
        app.MapHealthChecks("/health/live", Options(_ => false)).AllowAnonymous();
        app.MapHealthChecks("/health/ready", Options(c => c.Tags.Contains("ready"))).AllowAnonymous();
        return app;
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = async (context, report) =>
        {
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            });
        },
    };

    /// <summary>Registers the checks behind <c>/health</c> and <c>/health/ready</c>.</summary>
    public static IHealthChecksBuilder AddPolicyWatchHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"])
            .AddCheck<MigrationsHealthCheck>("migrations", tags: ["ready"])
            .AddCheck<TopicModelHealthCheck>("topic-model", tags: ["ready"])
            .AddCheck<HangfireStorageHealthCheck>("hangfire", tags: ["ready"]);
}

public sealed class DatabaseHealthCheck(NpgsqlDataSource db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var cmd = db.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy("database answers");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // the message only; exception details could carry connection details
            return HealthCheckResult.Unhealthy("database unreachable: " + e.GetType().Name);
        }
    }
}

/// <summary>Every embedded migration applied, none changed since.</summary>
public sealed class MigrationsHealthCheck(PolicyWatch.Storage.Migrator migrator) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var status = await migrator.StatusAsync(ct);
            var pending = status.Count(s => s.AppliedAt is null);
            var changed = status.Count(s => !s.ChecksumMatches);
            return pending == 0 && changed == 0
                ? HealthCheckResult.Healthy($"{status.Count} migrations applied")
                : HealthCheckResult.Unhealthy($"{pending} migration(s) pending, {changed} changed since applied");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("migrations unknown: " + e.GetType().Name);
        }
    }
}

/// <summary>The taxonomy and its trained model load (articles would otherwise be stored untagged).</summary>
public sealed class TopicModelHealthCheck(PolicyWatch.Classify.TopicClassifier classifier) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            return Task.FromResult(classifier.Model is { } m
                ? HealthCheckResult.Healthy($"model {m.Version} ({m.Labels.Count} topics)")
                : HealthCheckResult.Unhealthy("no topic model loaded (see models/topics.json; run `policywatch train`)"));
        }
        catch (Exception e) when (e is ConfigurationException or IOException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("topic model unreadable: " + e.Message));
        }
    }
}

/// <summary>Hangfire's job storage answers (its schema in the same database).</summary>
public sealed class HangfireStorageHealthCheck(Hangfire.JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var stats = storage.GetMonitoringApi().GetStatistics();
            return Task.FromResult(HealthCheckResult.Healthy($"{stats.Servers} server(s), {stats.Enqueued} job(s) enqueued"));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("hangfire storage unreachable: " + e.GetType().Name));
        }
    }
}
