using Microsoft.Extensions.Logging;
using PolicyWatch.Classify;
using PolicyWatch.Search;
using PolicyWatch.Storage;

namespace PolicyWatch.Digest;

public enum DigestOutcome { Sent, Skipped, Failed, AlreadyHandled }

/// <summary>A delivery failed for now (SMTP down, 4xx): the job is retried, the delivery row stays claimable.</summary>
public sealed class DigestRetryException(string message) : Exception(message);

/// <summary>
/// Builds and sends one subscriber's digest for one local day, exactly once: the (subscriber, day) row is claimed before
/// anything is built, marked sent right after the SMTP server accepts the message. What remains is the instant between
/// the server's acceptance and that update: a crash there sends the digest again on retry, with the same Message-ID.
/// </summary>
public sealed class DigestSender(Store store, DigestMailer mailer, DigestOptions options, TopicClassifier classifier, TimeProvider clock, ILogger<DigestSender> log)
{
    public static string MessageId(long subscriberId, DateOnly day) => $"digest-{subscriberId}-{day:yyyyMMdd}@policywatch";

    /// <summary>
    /// The digest of <paramref name="s"/> for the local <paramref name="day"/>: topic sections of the articles stored in
    /// the period not carried by another of their digests, then saved-search sections. Throws
    /// <see cref="ConfigurationException"/> without a signing key and <see cref="TimeZoneNotFoundException"/> for an
    /// unknown zone.
    /// </summary>
    public async Task<DigestModel> BuildAsync(Subscriber s, DateOnly day, CancellationToken ct)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(s.TimeZone);
        var (start, end) = DigestSchedule.Period(day, s.SendTime, s.Frequency, zone);
        var key = options.SigningKey ?? throw new ConfigurationException("Digest:SigningKey is not set");
        var sections = new List<DigestSection>();
        var articleIds = new HashSet<long>();
        // no topics means every topic, unless the subscriber follows saved searches only
        if (s.Topics.Length > 0 || s.SavedSearches.Length == 0)
        {
            // periods are on the time an article was stored, so one published before the last send but found after it
            // comes in this digest; the lookback catches tags added late (a first digest covers its period only)
            // the lookback starts once this subscriber's digests record what they carry (not on the first one after an upgrade)
            var since = await store.HasDigestItemsAsync(s.Id, ct) ? start - options.Lookback : start;
            var subscribed = new DateTimeOffset(DateTime.SpecifyKind(s.CreatedAt, DateTimeKind.Utc));
            if (s.CreatedAt != default && subscribed > since)
                since = subscribed < start ? subscribed : start;
            var candidates = await store.DigestCandidatesAsync(s.Id, day, s.Topics, s.MinScore, since, end, ct);
            var weekly = await WeeklyAsync(end, ct);
            var names = (classifier.Taxonomy?.Topics ?? []).ToDictionary(t => t.Slug, t => t.Name);
            sections.AddRange(DigestBuilder.Sections(candidates, names, end, weekly, options.LateAfter));
            articleIds.UnionWith(candidates.Select(c => c.ArticleId));
        }
        foreach (var id in s.SavedSearches)
            if (await SearchSectionAsync(id, start, end, ct) is { } section) sections.Add(section);
        IReadOnlyList<DigestDeadline> deadlines = [];
        if (s.Topics.Length > 0 || s.SavedSearches.Length == 0)
        {
            var candidates = await store.DeadlineCandidatesAsync(day, day.AddDays(DigestBuilder.DeadlineDays), start, end, s.Topics, ct);
            deadlines = DigestBuilder.Deadlines(candidates, s.Topics, day);
        }
        var unsubscribe = $"{options.BaseUrl.TrimEnd('/')}/unsubscribe?s={s.Id}&t={UnsubscribeToken.Create(s.Id, key)}";
        return new DigestModel(s.Email, s.Name, day, start, end, sections, unsubscribe) { ArticleIds = articleIds, LateAfter = options.LateAfter, Deadlines = deadlines };
    }

    // subscribers following one saved search over the same period share its section
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long, DateTimeOffset, DateTimeOffset), Lazy<Task<DigestSection?>>> _searchSections = new();

    private async Task<DigestSection?> SearchSectionAsync(long id, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        if (_searchSections.Count > 1024) _searchSections.Clear();
        var key = (id, start, end);
        var section = _searchSections.GetOrAdd(key, k => new Lazy<Task<DigestSection?>>(() => BuildSearchSectionAsync(k.Item1, k.Item2, k.Item3)));
        try
        {
            return await section.Value.WaitAsync(ct);
        }
        catch when (section.Value.IsFaulted)
        {
            // a failure is not kept: the next subscriber or the job's retry builds the section again
            _searchSections.TryRemove(new KeyValuePair<(long, DateTimeOffset, DateTimeOffset), Lazy<Task<DigestSection?>>>(key, section));
            throw;
        }
    }

    /// <summary>The saved search run over the period (its own date bounds narrowed to it), with counts for this week and the one before.</summary>
    private async Task<DigestSection?> BuildSearchSectionAsync(long id, DateTimeOffset start, DateTimeOffset end)
    {
        try
        {
            return await SearchSectionCoreAsync(id, start, end);
        }
        catch (Npgsql.PostgresException e) when (!e.IsTransient)
        {
            // a query the database refuses must cost its own section, never the digest
            log.LogWarning("Saved search {SavedSearchId} failed in the database, left out of digests: {Error}", id, e.MessageText);
            return null;
        }
    }

    private async Task<DigestSection?> SearchSectionCoreAsync(long id, DateTimeOffset start, DateTimeOffset end)
    {
        var saved = await store.GetSavedSearchAsync(id, CancellationToken.None);
        if (saved is null) return null;
        SearchQuery query;
        try
        {
            query = SearchQuery.FromQueryString(saved.Query, end);
        }
        catch (Exception e) when (e is ArgumentException or System.Text.Json.JsonException or InvalidOperationException)
        {
            log.LogWarning("Saved search {SavedSearchId} cannot be read, left out of digests: {Error}", id, e.Message);
            return null;
        }
        (DateTimeOffset Since, DateTimeOffset Until)? Within(DateTimeOffset from, DateTimeOffset to)
        {
            var since = query.Since is { } qs && qs > from ? qs : from;
            var until = query.Until is { } qu && qu < to ? qu : to;
            return since < until ? (since, until) : null;
        }
        // the clock, not the period's end, bounds what has been found so far: an article published in the period but
        // found after its end still belongs to it
        var now = clock.GetUtcNow();
        async Task<(long Count, bool Capped)> CountAsync(DateTimeOffset from, DateTimeOffset to) =>
            Within(from, to) is { } w ? await store.CountMatchesAsync(query with { Since = w.Since, Until = w.Until, After = null }, now) : (0, false);
        SearchResult? period = null;
        if (Within(start, end) is { } p)
            period = await store.SearchAsync(query with { Since = p.Since, Until = p.Until, Sort = SearchSort.Relevance, Limit = DigestBuilder.ItemsPerTopic, After = null, Facets = false }, now);
        var inPeriod = await CountAsync(start, end);
        var thisWeek = await CountAsync(end.AddDays(-7), end);
        var previousWeek = await CountAsync(end.AddDays(-14), end.AddDays(-7));
        var key = DigestSection.SearchPrefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var hits = (period?.Hits ?? []).Select(h => new DigestCandidate(h.Id, key, h.Topics.Values.DefaultIfEmpty(0f).Max(), h.Title, h.Url, h.SourceName, 1f,
            h.Published, h.Snippet) { AlsoIn = h.AlsoPublishedBy }).ToList();
        return DigestBuilder.SearchSection(key, $"Saved search: {saved.Name}", hits, (int)inPeriod.Count, (int)thisWeek.Count, (int)previousWeek.Count)
            with { CountsAtLeast = inPeriod.Capped || thisWeek.Capped || previousWeek.Capped };
    }

    // the week-on-week counts depend only on the period's end, which most subscribers share: one query, not one each
    private readonly System.Collections.Concurrent.ConcurrentDictionary<DateTimeOffset, Lazy<Task<IReadOnlyDictionary<string, (int ThisWeek, int PreviousWeek)>>>> _weekly = new();

    private async Task<IReadOnlyDictionary<string, (int ThisWeek, int PreviousWeek)>> WeeklyAsync(DateTimeOffset end, CancellationToken ct)
    {
        if (_weekly.Count > 256) _weekly.Clear();
        var counts = _weekly.GetOrAdd(end, e => new Lazy<Task<IReadOnlyDictionary<string, (int, int)>>>(() => store.WeeklyTopicCountsAsync(e, CancellationToken.None)));
        try
        {
            return await counts.Value.WaitAsync(ct);
        }
        catch when (counts.Value.IsFaulted)
        {
            _weekly.TryRemove(new KeyValuePair<DateTimeOffset, Lazy<Task<IReadOnlyDictionary<string, (int, int)>>>>(end, counts));
            throw;
        }
    }

    public async Task<DigestOutcome> SendAsync(long subscriberId, DateOnly day, CancellationToken ct)
    {
        var subscriber = await store.GetSubscriberAsync(subscriberId, ct);
        if (subscriber is null || !subscriber.Active) return DigestOutcome.AlreadyHandled;
        var claim = await store.ClaimDeliveryAsync(subscriberId, day, TimeSpan.FromMinutes(10), ct);
        if (claim is null) return DigestOutcome.AlreadyHandled;

        DigestModel digest;
        try
        {
            digest = await BuildAsync(subscriber, day, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // free the claim at once, so the job's retry builds it again rather than finding it taken
            await store.ReleaseDeliveryAsync(subscriberId, day, $"building failed: {e.Message}", CancellationToken.None);
            throw;
        }
        if (digest.IsEmpty && !subscriber.SendEmpty)
        {
            await store.FinishDeliveryAsync(subscriberId, day, "skipped", 0, null, null, digest.PeriodStart, digest.PeriodEnd, ct);
            Telemetry.Digests.Add(1, new KeyValuePair<string, object?>("outcome", "skipped"));
            return DigestOutcome.Skipped;
        }
        var messageId = MessageId(subscriberId, day);
        var (outcome, error) = await mailer.SendAsync(mailer.Compose(digest, messageId), ct);
        switch (outcome)
        {
            case SendOutcome.Sent:
                await DbRetry.RunAsync(() => store.FinishSentDeliveryAsync(subscriberId, day, digest.Total, messageId, digest.PeriodStart, digest.PeriodEnd,
                    digest.ArticleIds, CancellationToken.None), CancellationToken.None);
                log.LogInformation("Sent digest {Day} to subscriber {SubscriberId} ({Articles} articles)", day, subscriberId, digest.Total);
                Telemetry.Digests.Add(1, new KeyValuePair<string, object?>("outcome", "sent"));
                return DigestOutcome.Sent;
            case SendOutcome.PermanentFailure:
                await store.FinishDeliveryAsync(subscriberId, day, "failed", 0, null, error, digest.PeriodStart, digest.PeriodEnd, ct);
                log.LogWarning("Digest {Day} to subscriber {SubscriberId} refused for good: {Error}", day, subscriberId, error);
                Telemetry.Digests.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
                return DigestOutcome.Failed;
            default:
                await store.ReleaseDeliveryAsync(subscriberId, day, error!, ct);
                Telemetry.Digests.Add(1, new KeyValuePair<string, object?>("outcome", "retry"));
                log.LogWarning("Digest {Day} to subscriber {SubscriberId} failed for now (attempt {Attempt}): {Error}", day, subscriberId, claim.Attempts, error);
                throw new DigestRetryException($"digest {day} for subscriber {subscriberId}: {error}");
        }
    }

    /// <summary>(subscriber, local day) pairs whose digest is due now and not yet recorded.</summary>
    public async Task<IReadOnlyList<(long SubscriberId, DateOnly Day)>> DueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = new List<(long, DateOnly)>();
        foreach (var s in await store.ListSubscribersAsync(activeOnly: true, ct))
        {
            TimeZoneInfo zone;
            try { zone = TimeZoneInfo.FindSystemTimeZoneById(s.TimeZone); }
            catch (TimeZoneNotFoundException) { log.LogWarning("Subscriber {SubscriberId} has an unknown time zone {Zone}", s.Id, s.TimeZone); continue; }
            if (DigestSchedule.DueDate(now, s.SendTime, s.Frequency, zone) is { } day && !await store.DeliveryExistsAsync(s.Id, day, ct))
                due.Add((s.Id, day));
        }
        return due;
    }
}
