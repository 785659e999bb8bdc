using Microsoft.Extensions.Logging;
using PolicyWatch.Storage;

namespace PolicyWatch.Jobs;

public sealed record IngestSummary(int SourcesPolled, int SourcesFailed, int New, int Updated, int Unchanged, int Stored, int Merged, int ArticlesFailed, int Retrying);

/// <summary>
/// `policywatch ingest --once`: polls sources now and processes every discovered item to the end, in this process,
/// with the same poller and processor the Hangfire jobs use.
/// </summary>
public sealed class Ingester(Store store, SourcePoller poller, ArticleProcessor processor, ILogger<Ingester> log)
{
    /// <summary>Polls the enabled sources (only those in <paramref name="onlySlugs"/> when given), then processes what they listed.</summary>
    public async Task<IngestSummary> RunOnceAsync(IReadOnlyCollection<string>? onlySlugs, int parallelism, CancellationToken ct)
    {
        var sources = (await store.ListSourcesAsync(enabledOnly: true, ct)).Where(s => onlySlugs is null || onlySlugs.Contains(s.Slug)).ToList();
        var results = new System.Collections.Concurrent.ConcurrentBag<PollResult>();
        await Parallel.ForEachAsync(sources, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (s, token) =>
        {
            if (await poller.PollAsync(s.Id, token) is { } r) results.Add(r);
        });

        var ids = results.SelectMany(r => r.NewIds.Concat(r.UpdatedIds)).Distinct().ToList();
        // and anything left pending by an earlier run
        ids.AddRange((await store.DuePendingArticlesAsync(10_000, TimeSpan.Zero, ct)).Except(ids));
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<ProcessOutcome>();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (id, token) =>
        {
            outcomes.Add(await processor.ProcessAsync(id, token));
        });
        log.LogInformation("Ingest finished: {Sources} sources, {Articles} articles processed", results.Count, ids.Count);
        return new IngestSummary(
            SourcesPolled: results.Count,
            SourcesFailed: results.Count(r => !r.Success),
            New: results.Sum(r => r.NewIds.Count),
            Updated: results.Sum(r => r.UpdatedIds.Count),
            Unchanged: results.Sum(r => r.Unchanged),
            Stored: outcomes.Count(o => o == ProcessOutcome.Stored),
            Merged: outcomes.Count(o => o == ProcessOutcome.Merged),
            ArticlesFailed: outcomes.Count(o => o == ProcessOutcome.Failed),
            Retrying: outcomes.Count(o => o == ProcessOutcome.TemporaryFailure));
    }
}
