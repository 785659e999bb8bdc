namespace PolicyWatch.Jobs;

/// <summary>Section <c>Ingest</c>.</summary>
public sealed class IngestOptions
{
    /// <summary>The source catalogue; relative paths are taken from the working directory, then the executable's folder.</summary>
    public string FeedsFile { get; set; } = "feeds.json";
    /// <summary>Attempts per article before it is marked failed.</summary>
    public int MaxAttempts { get; set; } = 5;
    /// <summary>First delay after a temporary failure; doubles with each attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(2);
    /// <summary>How long a worker may hold an article before another may take it over.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>How often a full, unconditional fetch checks that a source's 304 answers are honest.</summary>
    public TimeSpan RevalidateEvery { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Child sitemaps read per poll of a sitemap index (the newest first).</summary>
    public int MaxChildSitemaps { get; set; } = 3;
    /// <summary>Sources taken per run of the recurring sweep.</summary>
    public int PollBatch { get; set; } = 100;
    /// <summary>Cron of the recurring jobs.</summary>
    public string PollCron { get; set; } = "* * * * *";
    public string SweepCron { get; set; } = "*/5 * * * *";
}
