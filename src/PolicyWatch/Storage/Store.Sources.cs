using Dapper;
using PolicyWatch.Feeds;
using PolicyWatch.Model;

namespace PolicyWatch.Storage;

public sealed record SourceSyncResult(int Added, int Updated, int Disabled);

/// <summary>What one poll of a source learned, to be written back in one statement.</summary>
public sealed record PollOutcome
{
    public required bool Success { get; init; }
    public required DateTimeOffset NextPollAt { get; init; }
    public required TimeSpan CurrentInterval { get; init; }
    public int NewItems { get; init; }
    public bool NotModified { get; init; }
    public bool FullFetch { get; init; }
    public string? Etag { get; init; }
    public string? LastModified { get; init; }
    public string? FeedHash { get; init; }
    public bool ValidatorsIgnored { get; init; }
    public TimeSpan? AvgItemGap { get; init; }
    public bool NewItemSeen { get; init; }
    public string? Error { get; init; }
    /// <summary>Repairs needed to read the listing; kept apart from <see cref="Error"/>.</summary>
    public string? Warning { get; init; }
    public bool Healthy { get; init; } = true;
}

public sealed partial class Store
{
    /// <summary>
    /// Makes the table match the catalogue: new slugs added, changed ones updated, and, when
    /// <paramref name="disableMissing"/> (the main catalogue), missing ones disabled (never deleted: their articles
    /// stay). A one-off file passes false, so it cannot switch off the analysts' sources.
    /// </summary>
    public async Task<SourceSyncResult> SyncSourcesAsync(IReadOnlyList<SourceDefinition> sources, CancellationToken ct = default, bool disableMissing = true)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        int added = 0, updated = 0;
        foreach (var s in sources)
        {
            var inserted = await conn.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition("""
                INSERT INTO sources (slug, name, url, kind, category, region, language, enabled, poll_interval, weight, config, current_interval)
                VALUES (@Slug, @Name, @Url, @Kind, @Category, @Region, @Language, @Enabled, @PollInterval, @Weight, @Config::jsonb, @PollInterval)
                ON CONFLICT (slug) DO UPDATE SET
                    name = excluded.name, url = excluded.url, kind = excluded.kind, category = excluded.category,
                    region = excluded.region, language = excluded.language, enabled = excluded.enabled,
                    poll_interval = excluded.poll_interval, weight = excluded.weight, config = excluded.config,
                    -- a new interval or URL restarts the adaptive schedule and conditional GET state
                    current_interval = CASE WHEN sources.poll_interval <> excluded.poll_interval THEN excluded.poll_interval ELSE sources.current_interval END,
                    etag = CASE WHEN sources.url <> excluded.url THEN NULL ELSE sources.etag END,
                    last_modified = CASE WHEN sources.url <> excluded.url THEN NULL ELSE sources.last_modified END,
                    next_poll_at = CASE WHEN sources.url <> excluded.url OR (excluded.enabled AND NOT sources.enabled) THEN now() ELSE sources.next_poll_at END,
                    updated_at = now()
                WHERE (sources.name, sources.url, sources.kind, sources.category, sources.region, sources.language, sources.enabled, sources.poll_interval, sources.weight, sources.config)
                      IS DISTINCT FROM (excluded.name, excluded.url, excluded.kind, excluded.category, excluded.region, excluded.language, excluded.enabled, excluded.poll_interval, excluded.weight, excluded.config)
                RETURNING (xmax = 0) AS inserted
                """, new
            {
                s.Slug, s.Name, Url = s.Url.AbsoluteUri, Kind = SourceConfig.KindName(s.Kind), s.Category, s.Region, s.Language, s.Enabled,
                s.PollInterval, Weight = (float)s.Weight, Config = SourceConfig.From(s),
            }, tx, cancellationToken: ct));
            // no row back: the definition did not change
            if (inserted == true) added++;
            else if (inserted == false) updated++;
        }
        var disabled = !disableMissing ? 0 : await conn.ExecuteAsync(new CommandDefinition(
            "UPDATE sources SET enabled = false, updated_at = now() WHERE enabled AND NOT (slug = ANY(@Slugs))",
            new { Slugs = sources.Select(s => s.Slug).ToArray() }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return new SourceSyncResult(added, updated, disabled);
    }

    /// <summary>Takes due sources for polling, pushing their next poll out by a lease so a second sweep does not take them too.</summary>
    public async Task<IReadOnlyList<long>> ClaimDueSourcesAsync(int limit, TimeSpan lease, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var ids = await conn.QueryAsync<long>(new CommandDefinition("""
            UPDATE sources SET next_poll_at = now() + @Lease
            WHERE id IN (SELECT id FROM sources WHERE enabled AND next_poll_at <= now()
                         ORDER BY next_poll_at LIMIT @Limit FOR UPDATE SKIP LOCKED)
            RETURNING id
            """, new { Limit = limit, Lease = lease }, cancellationToken: ct));
        return ids.ToList();
    }

    public async Task<Source?> GetSourceAsync(long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Source>(new CommandDefinition("SELECT * FROM sources WHERE id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Source>> ListSourcesAsync(bool enabledOnly = false, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Source>(new CommandDefinition(
            "SELECT * FROM sources WHERE (NOT @enabledOnly OR enabled) ORDER BY slug", new { enabledOnly }, cancellationToken: ct));
        return rows.ToList();
    }

    public async Task RecordPollAsync(long sourceId, PollOutcome o, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (o.Success)
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                UPDATE sources SET
                    last_polled_at = now(), last_success_at = now(), next_poll_at = @NextPollAt, current_interval = @CurrentInterval,
                    etag = @Etag, last_modified = @LastModified,
                    feed_hash = coalesce(@FeedHash, feed_hash),
                    not_modified_streak = CASE WHEN @NotModified THEN not_modified_streak + 1 ELSE 0 END,
                    last_full_fetch_at = CASE WHEN @FullFetch THEN now() ELSE last_full_fetch_at END,
                    validators_ignored = validators_ignored OR @ValidatorsIgnored,
                    items_total = items_total + @NewItems,
                    last_new_item_at = CASE WHEN @NewItemSeen THEN now() ELSE last_new_item_at END,
                    avg_item_gap = coalesce(@AvgItemGap, avg_item_gap),
                    error_count = 0, last_error = @Error, last_warning = CASE WHEN @NotModified THEN last_warning ELSE @Warning END, healthy = @Healthy, updated_at = now()
                WHERE id = @sourceId
                """, new
            {
                sourceId, o.NextPollAt, o.CurrentInterval, o.Etag, o.LastModified, o.FeedHash, o.NotModified, o.FullFetch,
                o.ValidatorsIgnored, o.NewItems, o.NewItemSeen, o.AvgItemGap, o.Error, o.Warning, o.Healthy,
            }, cancellationToken: ct));
        }
        else
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                UPDATE sources SET
                    last_polled_at = now(), next_poll_at = @NextPollAt, error_count = error_count + 1, last_error = @Error,
                    healthy = error_count + 1 < @Threshold, updated_at = now()
                WHERE id = @sourceId
                """, new { sourceId, o.NextPollAt, o.Error, Threshold = PollSchedule.UnhealthyAfterFailures }, cancellationToken: ct));
        }
    }
}

public sealed partial class Store
{
    /// <summary>Makes a source due now (an admin's "poll now"); the next sweep takes it.</summary>
    public async Task<bool> PollNowAsync(string slug, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "UPDATE sources SET next_poll_at = now(), updated_at = now() WHERE slug = @slug AND enabled", new { slug }, cancellationToken: ct)) > 0;
    }
}
