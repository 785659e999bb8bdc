using Hangfire;
using Microsoft.Extensions.Logging;
using PolicyWatch.Storage;

namespace PolicyWatch.Jobs;

/// <summary>Hangfire queue names, in the priority order workers serve them.</summary>
public static class JobQueues
{
    public const string Digest = "digest";
    public const string Poll = "poll";
    public const string Fetch = "fetch";
    public const string Default = "default";
    public static readonly string[] All = [Digest, Poll, Fetch, Default];
}

/// <summary>Recurring (`poll-due-sources`): hands each due source to a poll job.</summary>
public sealed class PollDueSourcesJob(Store store, IBackgroundJobClient jobs, IngestOptions options, ILogger<PollDueSourcesJob> log)
{
    [Queue(JobQueues.Poll), AutomaticRetry(Attempts = 0), DisableConcurrentExecution(60)]
    public async Task RunAsync(CancellationToken ct)
    {
        // the claim pushes next_poll_at out by the lease; the poll job writes the real next time
        var due = await store.ClaimDueSourcesAsync(options.PollBatch, TimeSpan.FromMinutes(15), ct);
        foreach (var id in due) jobs.Enqueue<PollSourceJob>(j => j.RunAsync(id, CancellationToken.None));
        if (due.Count > 0) log.LogInformation("Enqueued polls of {Count} due source(s)", due.Count);
    }
}

/// <summary>Polls one source and enqueues one job per new or updated item.</summary>
public sealed class PollSourceJob(SourcePoller poller, IBackgroundJobClient jobs)
{
    // a failed poll is already rescheduled with back-off by the poller; Hangfire retries only crashes (database down)
    [Queue(JobQueues.Poll), AutomaticRetry(Attempts = 3, DelaysInSeconds = [30, 120, 600])]
    public async Task RunAsync(long sourceId, CancellationToken ct)
    {
        var result = await poller.PollAsync(sourceId, ct);
        if (result is null) return;
        foreach (var id in result.NewIds.Concat(result.UpdatedIds))
            jobs.Enqueue<ProcessArticleJob>(j => j.RunAsync(id, CancellationToken.None));
    }
}

/// <summary>Fetches, extracts, tags and stores one article.</summary>
public sealed class ProcessArticleJob(ArticleProcessor processor)
{
    [Queue(JobQueues.Fetch), AutomaticRetry(Attempts = 3, DelaysInSeconds = [30, 120, 600])]
    public Task RunAsync(long articleId, CancellationToken ct) => processor.ProcessAsync(articleId, ct);
}

/// <summary>
/// Recurring (`sweep-pending`): re-enqueues pending articles that are due, covering retries after temporary failures
/// and items whose job was lost (a crash between recording an item and enqueueing it).
/// </summary>
public sealed class SweepPendingArticlesJob(Store store, IBackgroundJobClient jobs, ILogger<SweepPendingArticlesJob> log)
{
    [Queue(JobQueues.Fetch), AutomaticRetry(Attempts = 0), DisableConcurrentExecution(60)]
    public async Task RunAsync(CancellationToken ct)
    {
        var due = await store.DuePendingArticlesAsync(1000, TimeSpan.FromMinutes(2), ct);
        foreach (var id in due) jobs.Enqueue<ProcessArticleJob>(j => j.RunAsync(id, CancellationToken.None));
        if (due.Count > 0) log.LogInformation("Re-enqueued {Count} pending article(s)", due.Count);
    }
}
