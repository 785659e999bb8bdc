using Microsoft.Extensions.Logging;
using PolicyWatch.Classify;
using PolicyWatch.Extract;
using PolicyWatch.Fetch;
using PolicyWatch.Model;
using PolicyWatch.Storage;

namespace PolicyWatch.Jobs;

public enum ProcessOutcome { Stored, Merged, Skipped, TemporaryFailure, Failed }

/// <summary>Fetches, extracts, tags and stores one article. Reentrant: a second run of a finished article does nothing.</summary>
public sealed class ArticleProcessor(Store store, PageFetcher fetcher, ArticleExtractor extractor, TopicClassifier tagger, IngestOptions options, TimeProvider clock, ILogger<ArticleProcessor> log)
{
    public async Task<ProcessOutcome> ProcessAsync(long articleId, CancellationToken ct)
    {
        var claim = await DbRetry.RunAsync(() => store.ClaimArticleAsync(articleId, options.ClaimLease, ct), ct);
        if (claim is null) return ProcessOutcome.Skipped; // done already, or another worker has it

        var page = await fetcher.FetchAsync(new Uri(claim.Url), new FetchRequest(), ct);
        if (!page.IsSuccess)
            return await FailAsync(claim, page.Error ?? "fetch failed", page.Outcome == FetchOutcome.PermanentFailure, page.RetryAfter, ct);

        var article = extractor.Extract(page.Body, page.FinalUrl, page.MediaType, page.Charset);
        if (article.Status != ExtractionStatus.Ok)
            return await FailAsync(claim, $"{article.Status}: {article.Error}", permanent: true, null, ct);

        // the feed's date and title stand unless the page has something stronger
        article = MetadataPrecedence.Merge(article, claim.FeedTitle,
            claim.PublishedAt is { } fp ? new DateTimeOffset(DateTime.SpecifyKind(fp, DateTimeKind.Utc)) : null);
        var assessment = tagger.Assess(article.Title ?? "", article.Body);
        var tags = assessment.Tags;
        var saved = await DbRetry.RunAsync(() => store.SaveProcessedAsync(articleId, page.FinalUrl, article, tags, ct, assessment.Review), ct);
        if (saved.Outcome == SaveOutcome.Saved)
        {
            Telemetry.Articles.Add(1, new KeyValuePair<string, object?>("outcome", "stored"));
            Telemetry.Extractions.Add(1, new KeyValuePair<string, object?>("method", article.Method));
            foreach (var t in tags) Telemetry.Tags.Add(1, new KeyValuePair<string, object?>("topic", t.Topic));
        }
        else if (saved.Outcome == SaveOutcome.MergedIntoExisting) Telemetry.Articles.Add(1, new KeyValuePair<string, object?>("outcome", "merged"));
        switch (saved.Outcome)
        {
            case SaveOutcome.MergedIntoExisting:
                log.LogInformation("Article {ArticleId} ({Url}) is article {ExistingId}; merged", articleId, claim.Url, saved.ArticleId);
                return ProcessOutcome.Merged;
            case SaveOutcome.NotClaimed:
                return ProcessOutcome.Skipped;
            default:
                log.LogInformation("Stored article {ArticleId} from source {SourceId}: {Title} ({Chars} chars, {Method}, {Tags} tags)",
                    articleId, claim.SourceId, article.Title, article.Body.Length, article.Method, tags.Count);
                return ProcessOutcome.Stored;
        }
    }

    private async Task<ProcessOutcome> FailAsync(ArticleClaim claim, string error, bool permanent, TimeSpan? retryAfter, CancellationToken ct)
    {
        var final = permanent || claim.Attempts >= options.MaxAttempts;
        Telemetry.Articles.Add(1, new KeyValuePair<string, object?>("outcome", final ? "failed" : "retry"));
        var delay = options.RetryDelay * Math.Pow(2, claim.Attempts - 1);
        if (retryAfter is { } wait && wait > delay) delay = wait;
        await DbRetry.RunAsync(() => store.RecordArticleFailureAsync(claim.Id, error, final, clock.GetUtcNow() + delay, ct), ct);
        if (final)
            log.LogWarning("Article {ArticleId} failed after {Attempts} attempt(s): {Url}: {Error}", claim.Id, claim.Attempts, claim.Url, error);
        else
            log.LogInformation("Article {ArticleId} attempt {Attempts} failed, retrying in {Delay}: {Url}: {Error}", claim.Id, claim.Attempts, delay, claim.Url, error);
        return final ? ProcessOutcome.Failed : ProcessOutcome.TemporaryFailure;
    }
}
