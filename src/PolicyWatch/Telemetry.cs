using System.Diagnostics.Metrics;

namespace PolicyWatch;

/// <summary>
/// PolicyWatch's own metrics (System.Diagnostics.Metrics, exported by the host through OpenTelemetry's Prometheus
/// exporter, which adds <c>_total</c> to counters and the unit to histograms): names start with <c>policywatch_</c>.
/// Recording costs nothing measurable when no exporter listens (one-shot CLI verbs).
/// </summary>
public static class Telemetry
{
    public const string MeterName = "PolicyWatch";
    private static readonly Meter Meter = new(MeterName);

    /// <summary>Source polls, tag <c>outcome</c>: ok, repaired (read with repairs), not_modified, failed.</summary>
    public static readonly Counter<long> Polls = Meter.CreateCounter<long>("policywatch_polls", description: "Source polls by outcome");

    /// <summary>HTTP responses, tags <c>status_class</c> (2xx … 5xx) and <c>host</c>.</summary>
    public static readonly Counter<long> Fetches = Meter.CreateCounter<long>("policywatch_fetches", description: "HTTP fetches by status class and host");

    /// <summary>Processed articles, tag <c>outcome</c>: stored, merged, failed, retry.</summary>
    public static readonly Counter<long> Articles = Meter.CreateCounter<long>("policywatch_articles", description: "Articles processed by outcome");

    /// <summary>Bodies extracted, tag <c>method</c> (article-body, article-element, scored, json-ld, pdf, …).</summary>
    public static readonly Counter<long> Extractions = Meter.CreateCounter<long>("policywatch_extractions", description: "Article bodies by extraction method");

    /// <summary>Topic tags written by the model, tag <c>topic</c>.</summary>
    public static readonly Counter<long> Tags = Meter.CreateCounter<long>("policywatch_tags", description: "Topic tags by topic");

    /// <summary>Digest deliveries, tag <c>outcome</c>: sent, skipped, failed, retry.</summary>
    public static readonly Counter<long> Digests = Meter.CreateCounter<long>("policywatch_digests", description: "Digest sends by outcome");

    /// <summary>Search latency in seconds, the whole search (matches, ranking, facets, snippets).</summary>
    public static readonly Histogram<double> SearchDuration = Meter.CreateHistogram<double>("policywatch_search_duration", unit: "s", description: "Search latency");

    /// <summary>Hangfire job duration in seconds, tag <c>queue</c>.</summary>
    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>("policywatch_job_duration", unit: "s", description: "Background job duration by queue");

    /// <summary>"2xx", "3xx", … for an HTTP status code.</summary>
    public static string StatusClass(int status) => status is >= 100 and < 600 ? $"{status / 100}xx" : "other";
}
