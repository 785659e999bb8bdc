using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using PolicyWatch.Extract;
using PolicyWatch.Feeds;
using PolicyWatch.Model;

namespace PolicyWatch.Storage;

public sealed record DiscoveryResult(IReadOnlyList<long> NewIds, IReadOnlyList<long> UpdatedIds, int Unchanged);

/// <summary>An article taken for processing by one worker.</summary>
/// <summary>An article taken for processing; <paramref name="FeedTitle"/> and <paramref name="PublishedAt"/> (UTC) are what the feed said of it, null when nothing.</summary>
public sealed record ArticleClaim(long Id, long SourceId, string Url, int Attempts, string? FeedTitle, DateTime? PublishedAt);

public enum SaveOutcome { Saved, MergedIntoExisting, NotClaimed }

public sealed record SaveResult(SaveOutcome Outcome, long ArticleId);

public sealed class ArticleFilter
{
    public string? SourceSlug { get; init; }
    public string? Status { get; init; }
    public int Limit { get; init; } = 50;
}

public sealed partial class Store
{
    /// <summary>
    /// Records a source's items: URLs never seen become pending articles; known ones whose entry was updated since
    /// the last fetch go back to pending. Idempotent: a second call with the same items changes nothing.
    /// </summary>
    public async Task<DiscoveryResult> RecordDiscoveredAsync(long sourceId, IReadOnlyList<FeedItem> items, CancellationToken ct = default)
    {
        var unique = items.GroupBy(i => Fetch.UrlNormalizer.Key(i.Url)).Select(g => (Key: g.Key, Item: g.First())).ToList();
        if (unique.Count == 0) return new DiscoveryResult([], [], 0);
        var p = new
        {
            SourceId = sourceId,
            Urls = unique.Select(u => u.Key).ToArray(),
            Titles = unique.Select(u => u.Item.Title).ToArray(),
            Summaries = unique.Select(u => u.Item.Summary).ToArray(),
            Published = unique.Select(u => u.Item.Published?.UtcDateTime).ToArray(),
            Updated = unique.Select(u => u.Item.Updated?.UtcDateTime).ToArray(),
        };
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var newIds = (await conn.QueryAsync<long>(new CommandDefinition("""
            WITH input AS (
                SELECT * FROM unnest(@Urls::text[], @Titles::text[], @Summaries::text[], @Published::timestamptz[]) AS t(url, title, summary, published)
            ), fresh AS (
                INSERT INTO articles (source_id, url, canonical_url, title, description, published_at, feed_title, feed_published_at)
                SELECT @SourceId, i.url, i.url, i.title, i.summary,
                       -- a date more than a day ahead is a mistake or a trick (it would stay "newest" for years): unknown instead
                       CASE WHEN i.published <= now() + interval '1 day' THEN i.published END,
                       i.title, CASE WHEN i.published <= now() + interval '1 day' THEN i.published END
                FROM input i
                WHERE NOT EXISTS (SELECT 1 FROM article_urls u WHERE u.url = i.url)
                ON CONFLICT (canonical_url) DO NOTHING
                RETURNING id, url
            ), aliases AS (
                INSERT INTO article_urls (url, article_id) SELECT url, id FROM fresh ON CONFLICT (url) DO NOTHING
            )
            SELECT id FROM fresh ORDER BY id
            """, p, tx, cancellationToken: ct))).ToList();
        var updatedIds = (await conn.QueryAsync<long>(new CommandDefinition("""
            UPDATE articles a SET status = 'pending', next_attempt_at = now(), attempts = 0, error = NULL, updated_at = now()
            FROM unnest(@Urls::text[], @Updated::timestamptz[]) AS t(url, updated)
            JOIN article_urls u ON u.url = t.url
            WHERE a.id = u.article_id AND t.updated IS NOT NULL AND a.status IN ('processed', 'failed')
              AND a.fetched_at IS NOT NULL AND t.updated > a.fetched_at AND t.updated <= now() + interval '1 day'
            RETURNING a.id
            """, p, tx, cancellationToken: ct))).ToList();
        await tx.CommitAsync(ct);
        return new DiscoveryResult(newIds, updatedIds, unique.Count - newIds.Count - updatedIds.Count);
    }

    /// <summary>Takes a pending article for one worker (a lease, so a crashed worker's article is retaken later). Null when done or held.</summary>
    public async Task<ArticleClaim?> ClaimArticleAsync(long id, TimeSpan lease, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<ArticleClaim>(new CommandDefinition("""
            UPDATE articles SET claimed_until = now() + @lease, attempts = attempts + 1, updated_at = now()
            WHERE id = @id AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < now())
            RETURNING id, source_id AS sourceid, url, attempts,
                      -- what the feed said (older rows, found before it was kept apart: the stored values)
                      CASE WHEN feed_title IS NOT NULL OR metadata_sources IS NULL THEN coalesce(feed_title, title) END AS feedtitle,
                      CASE WHEN feed_published_at IS NOT NULL OR metadata_sources IS NULL THEN coalesce(feed_published_at, published_at) END AS publishedat
            """, new { id, lease }, cancellationToken: ct));
    }

    /// <summary>
    /// Stores a fetched, extracted, tagged article in one transaction. When its canonical URL belongs to another
    /// article already, this one merges into it (its URLs become aliases) instead of being stored twice.
    /// </summary>
    public async Task<SaveResult> SaveProcessedAsync(long id, Uri finalUrl, ExtractedArticle a, IReadOnlyList<TopicTag> tags, CancellationToken ct = default,
        Classify.ReviewPoint? review = null)
    {
        var final = Fetch.UrlNormalizer.Key(finalUrl);
        // a canonical URL on another site is a hint, not a fact: believed, it would let any page take over another
        // site's article (never fetched, shown with the hostile text); copies across sites are merged by title instead
        var canonical = a.CanonicalUrl is { } c && SameSite(c, finalUrl) ? Fetch.UrlNormalizer.Key(c) : final;
        // found before the transaction: the recogniser's work never runs while the article's row is locked, nor again on a retry
        var citations = Artefacts.ArtefactCitations.Of(a.Body);
        var entityChanges = Artefacts.EntityListChanges.Parse(a.Body);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SaveProcessedOnceAsync(id, final, canonical, a, tags, citations, entityChanges, review, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < 3)
            {
                // another worker stored the same canonical URL between our check and our write: merge on the next try
            }
        }
    }

    /// <summary>
    /// The same site: equal hosts once "www." is dropped, or one a subdomain of the other (m.example.org and
    /// example.org). Without a public-suffix list, two sites under one public suffix (a.co.uk, b.co.uk) are different.
    /// </summary>
    public static bool SameSite(Uri a, Uri b)
    {
        static string Host(Uri u) => u.IdnHost.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? u.IdnHost[4..].ToLowerInvariant() : u.IdnHost.ToLowerInvariant();
        var x = Host(a);
        var y = Host(b);
        return x == y || x.EndsWith("." + y, StringComparison.Ordinal) && y.Contains('.') || y.EndsWith("." + x, StringComparison.Ordinal) && x.Contains('.');
    }

    private async Task<SaveResult> SaveProcessedOnceAsync(long id, string final, string canonical, ExtractedArticle a, IReadOnlyList<TopicTag> tags,
        IReadOnlyList<Artefacts.ArtefactCitation> citations, IReadOnlyList<Artefacts.EntityListChange> entityChanges,
        Classify.ReviewPoint? review, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var current = await conn.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT canonical_url FROM articles WHERE id = @id AND status = 'pending' FOR UPDATE", new { id }, tx, cancellationToken: ct));
        if (current is null) return new SaveResult(SaveOutcome.NotClaimed, id);

        var other = await conn.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("""
            SELECT article_id FROM article_urls WHERE url = ANY(@urls) AND article_id <> @id
            UNION SELECT id FROM articles WHERE canonical_url = ANY(@urls) AND id <> @id
            LIMIT 1
            """, new { id, urls = new[] { canonical, final } }, tx, cancellationToken: ct));
        if (other is { } existing)
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                UPDATE article_urls SET article_id = @existing WHERE article_id = @id;
                INSERT INTO article_urls (url, article_id) VALUES (@final, @existing), (@canonical, @existing) ON CONFLICT (url) DO NOTHING;
                DELETE FROM articles WHERE id = @id;
                """, new { id, existing, final, canonical }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            return new SaveResult(SaveOutcome.MergedIntoExisting, existing);
        }

        await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE articles SET
                canonical_url = @canonical, content_hash = @hash, title = coalesce(@Title, title), authors = @Authors,
                description = coalesce(@Description, description), published_at = coalesce(CASE WHEN @Published <= now() + interval '1 day' THEN @Published END,
                                                                 CASE WHEN published_at <= now() + interval '1 day' THEN published_at END),
                modified_at = @Modified, fetched_at = now(), language = @Language, site_name = @SiteName,
                content_kind = @ContentKind, page_count = @PageCount, image_url = @Image, body = @Body,
                extraction_method = @Method, metadata_sources = @Sources::jsonb,
                review_uncertainty = @ReviewDistance, review_topic = @ReviewTopic, review_score = @ReviewScore, status = 'processed', error = NULL, claimed_until = NULL, updated_at = now()
            WHERE id = @id;
            INSERT INTO article_urls (url, article_id) VALUES (@final, @id), (@canonical, @id) ON CONFLICT (url) DO NOTHING;
            DELETE FROM article_topics WHERE article_id = @id AND model_version <> 'analyst';
            """, new
        {
            id, canonical, final, hash = Hash(a.Body), a.Title, Authors = a.Authors.ToArray(), a.Description,
            Published = a.Published?.UtcDateTime, Modified = a.Modified?.UtcDateTime, a.Language, a.SiteName, a.ContentKind,
            a.PageCount, Image = a.ImageUrl?.AbsoluteUri, a.Body, a.Method,
            Sources = System.Text.Json.JsonSerializer.Serialize(a.Sources.ToDictionary(kv => kv.Key, kv => new { source = kv.Value.Source, strength = kv.Value.Strength.ToString() })),
            ReviewDistance = review?.Distance, ReviewTopic = review?.Topic, ReviewScore = review?.Score,
        }, tx, cancellationToken: ct));
        if (tags.Count > 0)
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO article_topics (article_id, topic, score, model_version, explanation)
                SELECT @id, t.topic, t.score, t.model_version, t.explanation::jsonb
                FROM unnest(@Topics::text[], @Scores::real[], @Versions::text[], @Explanations::text[]) AS t(topic, score, model_version, explanation)
                WHERE NOT EXISTS (SELECT 1 FROM topic_feedback f WHERE f.article_id = @id AND f.topic = t.topic AND f.verdict = 'reject'
                                  AND f.id = (SELECT max(id) FROM topic_feedback g WHERE g.article_id = @id AND g.topic = t.topic))
                ON CONFLICT (article_id, topic) DO NOTHING
                """, new
            {
                id, Topics = tags.Select(t => t.Topic).ToArray(), Scores = tags.Select(t => t.Score).ToArray(),
                Versions = tags.Select(t => t.ModelVersion).ToArray(), Explanations = tags.Select(t => t.ExplanationJson).ToArray(),
            }, tx, cancellationToken: ct));
        }
        // what the article cites (rules, orders, ECCNs, lists), found in its body, replaced on each store
        await WriteCitationsAsync(conn, tx, id, citations, ct);
        await WriteEntityChangesAsync(conn, tx, id, entityChanges, ct);
        await tx.CommitAsync(ct);
        return new SaveResult(SaveOutcome.Saved, id);
    }

    /// <summary>Records a failed attempt: permanent failures end the article; temporary ones schedule the next try.</summary>
    public async Task RecordArticleFailureAsync(long id, string error, bool permanent, DateTimeOffset nextAttempt, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE articles SET status = CASE WHEN @permanent THEN 'failed' ELSE 'pending' END, error = @error,
                claimed_until = NULL, next_attempt_at = @nextAttempt, updated_at = now()
            WHERE id = @id AND status = 'pending'
            """, new { id, error, permanent, nextAttempt = nextAttempt.UtcDateTime }, cancellationToken: ct));
    }

    /// <summary>Pending articles whose next attempt is due and that no worker holds: the sweep re-enqueues them.</summary>
    public async Task<IReadOnlyList<long>> DuePendingArticlesAsync(int limit, TimeSpan minimumAge, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var ids = await conn.QueryAsync<long>(new CommandDefinition("""
            SELECT id FROM articles
            WHERE status = 'pending' AND next_attempt_at <= now() AND (claimed_until IS NULL OR claimed_until < now())
              AND updated_at <= now() - @minimumAge
            ORDER BY next_attempt_at LIMIT @limit
            """, new { limit, minimumAge }, cancellationToken: ct));
        return ids.ToList();
    }

    public async Task<Article?> GetArticleAsync(long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Article>(new CommandDefinition("""
            SELECT a.*, s.slug AS source_slug FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = @id
            """, new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Article>> ListArticlesAsync(ArticleFilter filter, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<Article>(new CommandDefinition("""
            SELECT a.id, a.source_id, s.slug AS source_slug, a.url, a.canonical_url, a.title, a.authors, a.published_at, a.fetched_at,
                   a.language, a.content_kind, a.status, a.error, a.attempts, a.discovered_at, a.extraction_method
            FROM articles a JOIN sources s ON s.id = a.source_id
            WHERE (@SourceSlug::text IS NULL OR s.slug = @SourceSlug) AND (@Status::text IS NULL OR a.status = @Status)
            ORDER BY coalesce(a.published_at, a.discovered_at) DESC, a.id DESC
            LIMIT @Limit
            """, filter, cancellationToken: ct));
        return rows.ToList();
    }

    public async Task<IReadOnlyList<TopicTag>> GetTopicsAsync(long articleId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Topic, float Score, string ModelVersion, string? Explanation)>(new CommandDefinition(
            "SELECT topic, score, model_version, explanation::text FROM article_topics WHERE article_id = @articleId ORDER BY score DESC",
            new { articleId }, cancellationToken: ct));
        return rows.Select(r => new TopicTag(r.Topic, r.Score, r.ModelVersion, r.Explanation)).ToList();
    }

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32].ToLowerInvariant();
}
