using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using PolicyWatch.Feeds;
using PolicyWatch.Fetch;
using PolicyWatch.Model;
using PolicyWatch.Storage;

namespace PolicyWatch.Jobs;

public sealed record PollResult(string Slug, bool Success, bool NotModified, IReadOnlyList<long> NewIds, IReadOnlyList<long> UpdatedIds, int Unchanged, string? Error);

/// <summary>
/// Polls one source: conditional GET, parse, record new items, and write the schedule back. Holds no database
/// connection while it waits on the network.
/// </summary>
public sealed class SourcePoller(Store store, PageFetcher fetcher, IngestOptions options, TimeProvider clock, ILogger<SourcePoller> log)
{
    /// <summary>
    /// Polls the source with this id once. Null when it is missing or disabled. Never throws for a fault of this
    /// source: any exception (a parser bug, a bad configuration, a failed write) is recorded as the source's error,
    /// logged, and returned as a failed <see cref="PollResult"/>, so one source can never stop the others. Only
    /// cancellation through <paramref name="ct"/> propagates.
    /// </summary>
    public async Task<PollResult?> PollAsync(long sourceId, CancellationToken ct)
    {
        Source? source = null;
        try
        {
            source = await DbRetry.RunAsync(() => store.GetSourceAsync(sourceId, ct), ct);
            if (source is null || !source.Enabled) return null;
            return await PollSourceAsync(source, ct);
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            var slug = source?.Slug ?? $"#{sourceId}";
            log.LogError(e, "Polling {Source} failed unexpectedly", slug);
            var error = $"unexpected {e.GetType().Name}: {e.Message}";
            if (source is null) return new PollResult(slug, false, false, [], [], 0, error);
            try
            {
                return await FailAsync(source, source.ToDefinition(), error.Length > 500 ? error[..500] : error, null, ct);
            }
            catch (Exception again) when (!(again is OperationCanceledException && ct.IsCancellationRequested))
            {
                log.LogError(again, "Could not record the failure of {Source}", slug);
                return new PollResult(slug, false, false, [], [], 0, error);
            }
        }
    }

    private async Task<PollResult> PollSourceAsync(Source source, CancellationToken ct)
    {
        var sourceId = source.Id;
        var definition = source.ToDefinition();
        var now = clock.GetUtcNow();

        // a full fetch now and then catches servers that answer 304 while the content changed
        var fullFetch = source.ValidatorsIgnored || source.LastFullFetchAt is null || now - source.LastFullFetchAt.Value >= options.RevalidateEvery;
        var request = new FetchRequest
        {
            ETag = fullFetch ? null : source.Etag,
            LastModified = fullFetch ? null : source.LastModified,
            CheckRobots = definition.Kind is SourceKind.Page or SourceKind.Sitemap,
        };
        var page = await fetcher.FetchAsync(definition.Url, request, ct);
        if (page.Outcome == FetchOutcome.NotModified)
        {
            var interval = PollSchedule.AfterSuccess(definition.PollInterval, source.CurrentInterval, 0, page.MaxAge);
            await DbRetry.RunAsync(() => store.RecordPollAsync(sourceId, Success(source, now, interval) with
            {
                NotModified = true, Etag = source.Etag, LastModified = source.LastModified,
            }, ct), ct);
            log.LogInformation("Polled {Source}: not modified", source.Slug);
            Telemetry.Polls.Add(1, new KeyValuePair<string, object?>("outcome", "not_modified"));
            return new PollResult(source.Slug, true, true, [], [], 0, null);
        }
        if (!page.IsSuccess)
            return await FailAsync(source, definition, page.Error!, page.RetryAfter, ct);

        var parsed = FeedParser.Parse(definition, page.Body, page.Charset, page.MediaType, page.FinalUrl);
        if (parsed.Error is null && parsed.ChildSitemaps.Count > 0)
            parsed = await ReadChildSitemapsAsync(fetcher, definition, parsed, options.MaxChildSitemaps, ct);
        if (parsed.Error is not null)
            return await FailAsync(source, definition, parsed.Error, null, ct);

        var discovered = await DbRetry.RunAsync(() => store.RecordDiscoveredAsync(sourceId, parsed.Items, ct), ct);
        // the Federal Register's own account of each document (type, dates, docket, RIN) fills its artefact record
        if (parsed.FederalRegisterDocuments.Count > 0)
            await DbRetry.RunAsync(() => store.RecordFederalRegisterDocumentsAsync(parsed.FederalRegisterDocuments, ct), ct);
        var hash = Convert.ToHexString(SHA256.HashData(page.Body))[..32];
        // caught lying: the server kept answering 304, and the full fetch shows both a changed feed and new items
        var lying = fullFetch && !source.ValidatorsIgnored && source.NotModifiedStreak > 0 && source.FeedHash is not null
                    && source.FeedHash != hash && discovered.NewIds.Count > 0;
        if (lying)
            log.LogWarning("Source {Source} answered 304 Not Modified for changed content; ignoring its ETag/Last-Modified from now on", source.Slug);

        var newCount = discovered.NewIds.Count;
        var next = PollSchedule.AfterSuccess(definition.PollInterval, source.CurrentInterval, newCount, page.MaxAge);
        var avgGap = newCount > 0 && source.LastNewItemAt is { } last ? PollSchedule.UpdateAverageGap(source.AvgItemGap, now - new DateTimeOffset(last, TimeSpan.Zero)) : source.AvgItemGap;
        var stale = newCount == 0 && PollSchedule.IsStale(now, source.LastNewItemAt is { } l ? new DateTimeOffset(l, TimeSpan.Zero) : null, source.AvgItemGap, new DateTimeOffset(source.CreatedAt, TimeSpan.Zero));
        var outcome = Success(source, now, next) with
        {
            NewItems = newCount,
            NewItemSeen = newCount > 0,
            FullFetch = fullFetch,
            Etag = lying || source.ValidatorsIgnored ? null : page.ETag,
            LastModified = lying || source.ValidatorsIgnored ? null : page.LastModified,
            FeedHash = hash,
            ValidatorsIgnored = lying,
            AvgItemGap = avgGap,
            Healthy = !stale,
            Warning = parsed.Warnings.Count == 0 ? null : Cut(string.Join(" | ", parsed.Warnings), 1000),
            Error = stale ? $"nothing new since {(source.LastNewItemAt?.ToString("yyyy-MM-dd") ?? "it was added")}, far longer than usual" : null,
        };
        await DbRetry.RunAsync(() => store.RecordPollAsync(sourceId, outcome, ct), ct);
        log.LogInformation("Polled {Source}: {Items} items, {New} new, {Updated} updated", source.Slug, parsed.Items.Count, newCount, discovered.UpdatedIds.Count);
        if (parsed.Warnings.Count > 0)
            log.LogWarning("Source {Source} {Warning}", source.Slug, string.Join(" | ", parsed.Warnings));
        Telemetry.Polls.Add(1, new KeyValuePair<string, object?>("outcome", parsed.Warnings.Count > 0 ? "repaired" : "ok"));
        return new PollResult(source.Slug, true, false, discovered.NewIds, discovered.UpdatedIds, discovered.Unchanged, null);
    }

    private static string Cut(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";

    private static PollOutcome Success(Source source, DateTimeOffset now, TimeSpan interval) => new()
    {
        Success = true, NextPollAt = now + interval, CurrentInterval = interval, Etag = source.Etag, LastModified = source.LastModified,
    };

    private async Task<PollResult> FailAsync(Source source, SourceDefinition definition, string error, TimeSpan? retryAfter, CancellationToken ct)
    {
        var wait = PollSchedule.AfterFailure(definition.PollInterval, source.ErrorCount + 1, retryAfter);
        var outcome = new PollOutcome
        {
            Success = false, Error = error, NextPollAt = clock.GetUtcNow() + wait, CurrentInterval = source.CurrentInterval,
        };
        await DbRetry.RunAsync(() => store.RecordPollAsync(source.Id, outcome, ct), ct);
        Telemetry.Polls.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
        log.LogWarning("Polling {Source} failed ({Failures} in a row), next try in {Wait}: {Error}", source.Slug, source.ErrorCount + 1, wait, error);
        return new PollResult(source.Slug, false, false, [], [], 0, error);
    }

    /// <summary>
    /// Reads up to <paramref name="max"/> child sitemaps of a sitemap index, newest first, each fetched like a page
    /// (robots.txt checked). Failed when none of them could be read.
    /// </summary>
    public static async Task<FeedParseResult> ReadChildSitemapsAsync(PageFetcher fetcher, SourceDefinition definition, FeedParseResult index, int max, CancellationToken ct)
    {
        var items = new List<FeedItem>();
        var warnings = new List<string>(index.Warnings);
        var failures = new List<string>();
        foreach (var child in index.ChildSitemaps.Take(max))
        {
            var page = await fetcher.FetchAsync(child, new FetchRequest { CheckRobots = true }, ct);
            if (!page.IsSuccess) { failures.Add($"{child}: {page.Error}"); continue; }
            var parsed = FeedParser.Parse(definition, page.Body, page.Charset, page.MediaType, page.FinalUrl);
            if (parsed.Error is not null) failures.Add($"{child}: {parsed.Error}");
            items.AddRange(parsed.Items);
            warnings.AddRange(parsed.Warnings.Select(w => $"{child}: {w}"));
        }
        var error = items.Count == 0 && index.ChildSitemaps.Count > 0
            ? "no readable child sitemap" + (failures.Count > 0 ? $" ({failures[0]})" : "")
            : null;
        if (error is null) warnings.AddRange(failures.Select(f => "child sitemap not read: " + f));
        return new FeedParseResult(items, [], error) { Warnings = warnings };
    }
}
