using Microsoft.Extensions.Logging;
using PolicyWatch.Model;
using PolicyWatch.Storage;

namespace PolicyWatch.Classify;

/// <summary>Re-tags stored articles in bulk with the current model, in batches, keeping analysts' verdicts.</summary>
public sealed class Reclassifier(Store store, TopicClassifier classifier, ILogger<Reclassifier> log)
{
    public async Task<int> RunAsync(DateTimeOffset? since, CancellationToken ct, int batchSize = 500)
    {
        if (classifier.Model is null) throw new ConfigurationException("no trained topic model to re-tag with (run `policywatch train`)");
        var done = 0;
        long after = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
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
            log.LogInformation("Re-tagged {Done} articles ({Rate:0} a second)", done, done / Math.Max(0.001, watch.Elapsed.TotalSeconds));
        }
        return done;
    }
}
