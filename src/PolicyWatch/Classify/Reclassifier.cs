using Microsoft.Extensions.Logging;
using PolicyWatch.Model;
using PolicyWatch.Storage;

namespace PolicyWatch.Classify;

/// <summary>Re-tags stored articles in bulk with the current model, in batches, keeping analysts' verdicts.</summary>
public sealed class Reclassifier(Store store, TopicClassifier classifier, ILogger<Reclassifier> log)
{
    /// <summary>
    /// Re-tags every processed article published (else found) at or after <paramref name="since"/> (all when null);
    /// returns how many. Progress (count, rate, time left) goes to the log at most every 5 s, and to
    /// <paramref name="progress"/> when given (a terminal). Throws <see cref="ConfigurationException"/> without a model.
    /// </summary>
    public async Task<int> RunAsync(DateTimeOffset? since, CancellationToken ct, int batchSize = 500, Action<string>? progress = null)
    {
        if (classifier.Model is null) throw new ConfigurationException("no trained topic model to re-tag with (run `policywatch train`)");
        var done = 0;
        long after = 0;
        var report = new ProgressReport("re-tagged articles", await store.CountArticleTextsAsync(since, ct), line =>
        {
            log.LogInformation("{Progress}", line);
            progress?.Invoke(line);
        });
        while (true)
        {
            var batch = await store.ArticleTextsAsync(after, since, batchSize, ct);
            if (batch.Count == 0) break;
            var assessed = new TopicAssessment[batch.Count];
            Parallel.For(0, batch.Count, new ParallelOptions { CancellationToken = ct }, i =>
                assessed[i] = classifier.Assess(batch[i].Title ?? "", batch[i].Body ?? ""));
            await store.ReplaceModelTagsAsync(batch.Select((b, i) => (b.Id, assessed[i].Tags)).ToList(), ct,
                batch.Select((b, i) => (b.Id, assessed[i].Review)).ToList());
            done += batch.Count;
            after = batch[^1].Id;
            report.Advance(batch.Count);
        }
        return done;
    }
}
