using Dapper;
using PolicyWatch.Classify;
using PolicyWatch.Model;

namespace PolicyWatch.Storage;

public static class Verdicts
{
    public const string Confirm = "confirm";
    public const string Reject = "reject";
    public const string Add = "add";
    public static readonly string[] All = [Confirm, Reject, Add];
    /// <summary>The model version recorded on tags an analyst added.</summary>
    public const string AnalystVersion = "analyst";
}

public sealed record ArticleText(long Id, string? Title, string? Body);

public sealed partial class Store
{
    /// <summary>Records an analyst's verdict and applies it to the article's tags at once.</summary>
    public async Task RecordFeedbackAsync(long articleId, string topic, string verdict, string username, CancellationToken ct = default)
    {
        if (!Verdicts.All.Contains(verdict)) throw new ArgumentException($"verdict must be one of {string.Join(", ", Verdicts.All)}", nameof(verdict));
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "INSERT INTO topic_feedback (article_id, topic, verdict, username) VALUES (@articleId, @topic, @verdict, @username)",
            new { articleId, topic, verdict, username }, tx, cancellationToken: ct));
        var sql = verdict switch
        {
            Verdicts.Reject => "DELETE FROM article_topics WHERE article_id = @articleId AND topic = @topic",
            Verdicts.Add => """
                INSERT INTO article_topics (article_id, topic, score, model_version) VALUES (@articleId, @topic, 1, @analyst)
                ON CONFLICT (article_id, topic) DO UPDATE SET score = 1, model_version = @analyst, tagged_at = now()
                """,
            _ => "SELECT 1",
        };
        await conn.ExecuteAsync(new CommandDefinition(sql, new { articleId, topic, analyst = Verdicts.AnalystVersion }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Every article with analyst feedback as a training example: its current tags, plus topics added or confirmed,
    /// minus topics rejected (the latest verdict per topic wins).
    /// </summary>
    public async Task<IReadOnlyList<LabeledDocument>> FeedbackExamplesAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(long Id, string? Title, string? Body, string[] Topics)>(new CommandDefinition("""
            WITH latest AS (
                SELECT DISTINCT ON (article_id, topic) article_id, topic, verdict
                FROM topic_feedback ORDER BY article_id, topic, created_at DESC, id DESC
            )
            SELECT a.id, a.title, a.body,
                   ARRAY(
                       SELECT t.topic FROM article_topics t WHERE t.article_id = a.id
                         AND NOT EXISTS (SELECT 1 FROM latest l WHERE l.article_id = a.id AND l.topic = t.topic AND l.verdict = 'reject')
                       UNION
                       SELECT l.topic FROM latest l WHERE l.article_id = a.id AND l.verdict IN ('add', 'confirm')
                   ) AS topics
            FROM articles a
            WHERE a.id IN (SELECT article_id FROM latest) AND a.body IS NOT NULL
            ORDER BY a.id
            """, cancellationToken: ct));
        return rows.Select(r => new LabeledDocument($"article-{r.Id}", r.Title, r.Body, r.Topics)).ToList();
    }

    /// <summary>Processed articles in id order after <paramref name="afterId"/>, for bulk re-tagging.</summary>
    public async Task<IReadOnlyList<ArticleText>> ArticleTextsAsync(long afterId, DateTimeOffset? since, int limit, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<ArticleText>(new CommandDefinition("""
            SELECT id, title, body FROM articles
            WHERE status = 'processed' AND id > @afterId AND (@since::timestamptz IS NULL OR coalesce(published_at, discovered_at) >= @since)
            ORDER BY id LIMIT @limit
            """, new { afterId, since = since?.UtcDateTime, limit }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>How many processed articles <see cref="ArticleTextsAsync"/> would page through for <paramref name="since"/> (published, else found, at or after it; null for all).</summary>
    public async Task<long> CountArticleTextsAsync(DateTimeOffset? since, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
            SELECT count(*) FROM articles WHERE status = 'processed' AND (@since::timestamptz IS NULL OR coalesce(published_at, discovered_at) >= @since)
            """, new { since = since?.UtcDateTime }, cancellationToken: ct));
    }

    /// <summary>Replaces the model's tags of a batch of articles in one transaction, keeping analysts' verdicts.</summary>
    public async Task ReplaceModelTagsAsync(IReadOnlyList<(long ArticleId, IReadOnlyList<TopicTag> Tags)> batch, CancellationToken ct = default,
        IReadOnlyList<(long ArticleId, Classify.ReviewPoint? Review)>? reviews = null)
    {
        var flat = batch.SelectMany(b => b.Tags.Select(t => (b.ArticleId, Tag: t))).ToList();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(
            "DELETE FROM article_topics WHERE article_id = ANY(@ids) AND model_version <> @analyst",
            new { ids = batch.Select(b => b.ArticleId).ToArray(), analyst = Verdicts.AnalystVersion }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("""
            WITH latest AS (
                SELECT DISTINCT ON (article_id, topic) article_id, topic, verdict
                FROM topic_feedback WHERE article_id = ANY(@ids) ORDER BY article_id, topic, created_at DESC, id DESC
            )
            INSERT INTO article_topics (article_id, topic, score, model_version, explanation)
            SELECT t.article_id, t.topic, t.score, t.model_version, t.explanation::jsonb
            FROM unnest(@articleIds::bigint[], @topics::text[], @scores::real[], @versions::text[], @explanations::text[])
                 AS t(article_id, topic, score, model_version, explanation)
            WHERE NOT EXISTS (SELECT 1 FROM latest l WHERE l.article_id = t.article_id AND l.topic = t.topic AND l.verdict = 'reject')
            ON CONFLICT (article_id, topic) DO NOTHING
            """, new
        {
            ids = batch.Select(b => b.ArticleId).ToArray(),
            articleIds = flat.Select(f => f.ArticleId).ToArray(), topics = flat.Select(f => f.Tag.Topic).ToArray(),
            scores = flat.Select(f => f.Tag.Score).ToArray(), versions = flat.Select(f => f.Tag.ModelVersion).ToArray(),
            explanations = flat.Select(f => f.Tag.ExplanationJson).ToArray(),
        }, tx, cancellationToken: ct));
        if (reviews is { Count: > 0 })
            await conn.ExecuteAsync(new CommandDefinition("""
                UPDATE articles a SET review_uncertainty = r.distance, review_topic = r.topic, review_score = r.score
                FROM unnest(@ids::bigint[], @distances::real[], @topics::text[], @scores::real[]) AS r(id, distance, topic, score)
                WHERE a.id = r.id
                """, new
            {
                ids = reviews.Select(r => r.ArticleId).ToArray(), distances = reviews.Select(r => r.Review?.Distance).ToArray(),
                topics = reviews.Select(r => r.Review?.Topic).ToArray(), scores = reviews.Select(r => r.Review?.Score).ToArray(),
            }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The review queue: processed articles of the last <paramref name="days"/> days that no analyst has judged yet,
    /// least sure first (the topic score closest to its threshold), optionally for one topic only.
    /// </summary>
    public async Task<IReadOnlyList<ReviewItem>> ReviewQueueAsync(int limit, string? topic = null, int days = 60, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<ReviewItem>(new CommandDefinition("""
            SELECT a.id, a.title, a.canonical_url AS url, s.name AS source, a.published_at AS published,
                   a.review_topic AS topic, a.review_score AS score, a.review_uncertainty AS uncertainty,
                   EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = a.id AND t.topic = a.review_topic) AS tagged
            FROM articles a JOIN sources s ON s.id = a.source_id
            WHERE a.review_uncertainty IS NOT NULL AND a.status = 'processed'
              AND coalesce(a.fetched_at, a.discovered_at) >= now() - make_interval(days => @days)
              AND (@topic::text IS NULL OR a.review_topic = @topic)
              AND NOT EXISTS (SELECT 1 FROM topic_feedback f WHERE f.article_id = a.id)
            ORDER BY a.review_uncertainty, a.id DESC
            LIMIT @limit
            """, new { limit, topic, days }, cancellationToken: ct));
        return rows.ToList();
    }
}

/// <summary>One article in the review queue: the topic the model was least sure about, its score, the distance to the threshold, and whether it was tagged.</summary>
public sealed record ReviewItem(long Id, string? Title, string Url, string Source, DateTime? Published, string Topic, float Score, float Uncertainty, bool Tagged);
