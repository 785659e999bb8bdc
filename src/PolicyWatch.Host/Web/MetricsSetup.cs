using System.Diagnostics.Metrics;
using Dapper;
using Hangfire.Server;
using Npgsql;
using OpenTelemetry.Metrics;
using PolicyWatch.Host.Auth;

namespace PolicyWatch.Host.Web;

/// <summary>Section <c>Metrics</c>: where <c>/metrics</c> (Prometheus text format) is served.</summary>
public sealed class MetricsOptions
{
    /// <summary>
    /// 0 (the default): <c>GET /metrics</c> on the main port, for admins only (an admin's API key). A port: served there
    /// instead, on 127.0.0.1 only and without sign-in, for a Prometheus on the same machine.
    /// </summary>
    public int Port { get; set; }
}

/// <summary>
/// Metrics through OpenTelemetry's .NET SDK and its Prometheus exporter: PolicyWatch's own meter
/// (<see cref="Telemetry"/>), sources by health state and Hangfire queue lengths (read from the database when
/// scraped), and job durations per queue.
/// </summary>
public static class MetricsSetup
{
    private static readonly Meter Gauges = new("PolicyWatch.State");

    public static IServiceCollection AddPolicyWatchMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(Telemetry.MeterName, Gauges.Name)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>/metrics</c> as configured, and starts the gauges that read the database on each scrape.</summary>
    public static WebApplication MapPolicyWatchMetrics(this WebApplication app, MetricsOptions options)
    {
        var db = app.Services.GetRequiredService<NpgsqlDataSource>();
        Gauges.CreateObservableGauge("policywatch_sources", () => SourceStates(db), description: "Sources by health state");
        Gauges.CreateObservableGauge("policywatch_queue_length", () => QueueLengths(), description: "Hangfire jobs waiting per queue");
        Hangfire.GlobalJobFilters.Filters.Add(new JobDurationFilter());
        if (options.Port > 0)
            app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"127.0.0.1:{options.Port}").AllowAnonymous();
        else
            app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(AuthSetup.AdminPolicy);
        return app;
    }

    /// <summary>
    /// A worker's <c>/metrics</c>, on the loopback metrics port its host listens on, without sign-in: its own fetches,
    /// articles, tags and job durations. The catalogue-wide gauges (sources by state, queue lengths) are left to
    /// <c>serve</c>, so N workers do not report them N times.
    /// </summary>
    public static WebApplication MapWorkerMetrics(this WebApplication app)
    {
        Hangfire.GlobalJobFilters.Filters.Add(new JobDurationFilter());
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        return app;
    }

    private static IEnumerable<Measurement<long>> SourceStates(NpgsqlDataSource db)
    {
        List<(string State, long Count)> rows;
        try
        {
            using var conn = db.OpenConnection();
            rows = conn.Query<(string, long)>("""
                SELECT CASE WHEN NOT enabled THEN 'disabled' WHEN NOT healthy THEN 'unhealthy' WHEN last_warning IS NOT NULL THEN 'warning' ELSE 'healthy' END, count(*)
                FROM sources GROUP BY 1
                """).AsList();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            yield break; // a scrape during a database outage reports nothing rather than failing
        }
        foreach (var (state, count) in rows)
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("state", state));
    }

    private static IEnumerable<Measurement<long>> QueueLengths()
    {
        var result = new List<Measurement<long>>();
        try
        {
            var monitor = Hangfire.JobStorage.Current.GetMonitoringApi();
            foreach (var q in monitor.Queues())
                result.Add(new Measurement<long>(q.Length, new KeyValuePair<string, object?>("queue", q.Name)));
        }
        catch (Exception e) when (e is InvalidOperationException or NpgsqlException or TimeoutException)
        {
            // no Hangfire storage yet, or the database is away: nothing to report
        }
        return result;
    }

    /// <summary>Times every Hangfire job, by the queue it ran from.</summary>
    private sealed class JobDurationFilter : Hangfire.Common.JobFilterAttribute, IServerFilter
    {
        private const string StartedKey = "policywatch-started";

        public void OnPerforming(PerformingContext context) => context.Items[StartedKey] = System.Diagnostics.Stopwatch.GetTimestamp();

        public void OnPerformed(PerformedContext context)
        {
            if (context.Items.TryGetValue(StartedKey, out var started) && started is long t)
            {
                var queue = context.BackgroundJob.Job.Queue ?? context.GetJobParameter<string>("CurrentQueue") ?? "default";
                Telemetry.JobDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(t).TotalSeconds, new KeyValuePair<string, object?>("queue", queue));
            }
        }
    }
}
