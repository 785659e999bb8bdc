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
        while (true)
        {
            var batch = await store.ArticleTextsAsync(after, since, batchSize, ct);
            if (batch.Count == 0) break;
            var tagged = new (long, IReadOnlyList<TopicTag>)[batch.Count];
            Parallel.For(0, batch.Count, new ParallelOptions { CancellationToken = ct }, i =>
                tagged[i] = (batch[i].Id, classifier.Tag(batch[i].Title ?? "", batch[i].Body ?? "")));
            await store.ReplaceModelTagsAsync(tagged, ct);
            done += batch.Count;
            after = batch[^1].Id;
            log.LogInformation("Re-tagged {Done} articles", done);
        }
        return done;
    }
}
