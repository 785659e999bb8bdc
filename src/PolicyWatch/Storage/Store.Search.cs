using System.Globalization;
using System.Net;
using System.Text;
using Dapper;
using PolicyWatch.Search;

namespace PolicyWatch.Storage;

public sealed partial class Store
{
    private const char MarkStart = '\u0001';
    private const char MarkEnd = '\u0002';

    // One WHERE clause for every step. Every value is a parameter; only this constant text is SQL. The english and
    // simple readings of the text are OR-ed into one tsquery, so a filtered row's tsvector is read back from TOAST once.
    private const string SearchWhere = """
        a.status = 'processed'
          AND (@Text = '' OR a.search @@ (websearch_to_tsquery('english', @Text) || websearch_to_tsquery('simple', @Text)))
          AND (cardinality(@Topics) = 0 OR (
                CASE WHEN @AllTopics
                     THEN (SELECT count(DISTINCT t.topic) FROM article_topics t WHERE t.article_id = a.id AND t.topic = ANY(@Topics) AND t.score >= @MinScore) = cardinality(@Topics)
                     ELSE EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = a.id AND t.topic = ANY(@Topics) AND t.score >= @MinScore)
                END))
          AND (cardinality(@Topics) > 0 OR @MinScore <= 0 OR EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = a.id AND t.score >= @MinScore))
          AND (cardinality(@Sources) = 0 OR s.slug = ANY(@Sources))
          AND (@Category::text IS NULL OR s.category = @Category)
          AND (@Language::text IS NULL OR a.language = @Language)
          AND (@Since::timestamptz IS NULL OR coalesce(a.published_at, a.discovered_at) >= @Since)
          AND (@Until::timestamptz IS NULL OR coalesce(a.published_at, a.discovered_at) < @Until)
          AND (@HasPdf::boolean IS NULL OR (a.content_kind = 'pdf') = @HasPdf)
        """;

    /// <summary>
    /// Relevance ranking, snippets and facets work inside the newest matches, at most this many: ranking each of
    /// hundreds of thousands of matches reads every stored tsvector back from TOAST (see docs/benchmarks.md).
    /// </summary>
    public const int SearchWindow = 500;

    /// <summary>
    /// The newest matches are looked for in these slices of time, newest first, until the window is full: in a slice
    /// the work is bounded by the slice's articles even when the planner misjudges how many match (phrases of common words).
    /// </summary>
    private static readonly TimeSpan[] Slices = [TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromDays(30), TimeSpan.FromDays(365)];

    private const string SliceSql = $"""
        SELECT a.id, s.slug, coalesce(a.published_at, a.discovered_at) AS sort_date
        FROM articles a JOIN sources s ON s.id = a.source_id
        WHERE {SearchWhere}
          AND (@SliceFrom::timestamptz IS NULL OR coalesce(a.published_at, a.discovered_at) >= @SliceFrom)
          AND (@SliceTo::timestamptz IS NULL OR coalesce(a.published_at, a.discovered_at) < @SliceTo)
          AND (@CursorDate::timestamptz IS NULL OR (coalesce(a.published_at, a.discovered_at), a.id) < (@CursorDate::timestamptz, @CursorId::bigint))
        ORDER BY coalesce(a.published_at, a.discovered_at) DESC, a.id DESC
        LIMIT @Need
        """;

    private sealed record WindowRow(long Id, string Slug, DateTime SortDate);

    /// <summary>
    /// Full-text search with filters, ranking (text rank × topic score × recency, or date), keyset pagination that is
    /// stable while articles arrive (the cursor pins the clock used for recency), highlighted snippets and facets.
    /// </summary>
    public async Task<SearchResult> SearchAsync(SearchQuery query, DateTimeOffset now, CancellationToken ct = default)
    {
        query = query.Validated();
        var cursor = Cursor.Parse(query.After, query.Sort) ?? new Cursor(now, null, null, null);
        var byDate = query.Sort == SearchSort.Date;
        var p = new DynamicParameters(new
        {
            Text = (query.Text ?? "").Trim(),
            Topics = query.Topics.ToArray(),
            query.AllTopics,
            MinScore = query.MinTopicScore,
            Sources = query.Sources.ToArray(),
            query.Category,
            query.Language,
            Since = query.Since?.UtcDateTime,
            Until = query.Until?.UtcDateTime,
            query.HasPdf,
            Now = cursor.Now.UtcDateTime,
            AfterRank = cursor.Rank,
            AfterId = cursor.Id,
            Limit = query.Limit + 1,
            Headline = $"StartSel={MarkStart}, StopSel={MarkEnd}, MaxFragments=2, MinWords=12, MaxWords=30, FragmentDelimiter=\" … \"",
        });

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // the planner does not charge for reading each stored tsvector back from TOAST, so for common terms it picks a
        // sequential scan that reads them all; the GIN index answers those matches without touching them
        await conn.ExecuteAsync(new CommandDefinition("SET LOCAL enable_seqscan = off", transaction: tx, cancellationToken: ct));

        // by date the window is simply the next page after the cursor, so date-sorted results page through every match
        var windowSize = byDate ? query.Limit + 1 : SearchWindow;
        var anchor = byDate && cursor.Date is { } d ? new DateTimeOffset(d, TimeSpan.Zero) : cursor.Now;
        p.Add("CursorDate", byDate ? cursor.Date : null);
        p.Add("CursorId", byDate ? cursor.Id : null);
        var window = await MatchWindowAsync(conn, tx, p, windowSize, anchor, query.Since, ct);
        var exhaustive = window.Count < windowSize;

        var order = byDate
            ? "ORDER BY x.sort_date DESC, x.id DESC"
            : "AND (@AfterId::bigint IS NULL OR (x.rank, x.id) < (@AfterRank::float8, @AfterId::bigint)) ORDER BY x.rank DESC, x.id DESC";
        p.Add("Ids", window.Select(w => w.Id).ToArray());
        // copies of one story (same normalised title) are folded into the best-placed one, "also published by" the rest
        var sql = $"""
            WITH page AS (
                SELECT x.* FROM (
                    SELECT y.*,
                           row_number() OVER (PARTITION BY y.story ORDER BY {(byDate ? "y.sort_date DESC" : "y.rank DESC")}, y.id DESC) AS nth,
                           array_agg(y.source_name) OVER (PARTITION BY y.story) AS story_sources
                    FROM (
                        SELECT a.id, a.canonical_url AS url, a.title, s.slug AS source, s.name AS source_name, a.published_at, a.language,
                               a.content_kind, a.description, a.body, coalesce(a.published_at, a.discovered_at) AS sort_date,
                               coalesce(nullif(trim(regexp_replace(lower(a.title), '[^[:alnum:]]+', ' ', 'g')), ''), a.id::text) AS story,
                               (CASE WHEN @Text = '' THEN 1.0
                                     ELSE ts_rank_cd(a.search, websearch_to_tsquery('english', @Text) || websearch_to_tsquery('simple', @Text), 32) END)
                               * (1 + 0.5 * coalesce((SELECT max(t.score) FROM article_topics t WHERE t.article_id = a.id
                                                      AND (cardinality(@Topics) = 0 OR t.topic = ANY(@Topics))), 0))
                               * power(0.5, greatest(date_part('epoch', @Now::timestamptz - coalesce(a.published_at, a.discovered_at)), 0) / 86400.0 / 90.0)
                                 AS rank
                        FROM unnest(@Ids::bigint[]) AS w(id) JOIN articles a ON a.id = w.id JOIN sources s ON s.id = a.source_id
                    ) y
                ) x
                WHERE x.nth = 1 {order}
                LIMIT @Limit)
            SELECT x.id, x.url, x.title, x.source, x.source_name, x.published_at, x.language, x.content_kind, x.sort_date, x.rank, x.story_sources AS storysources,
                   CASE WHEN @Text = '' THEN left(coalesce(x.description, x.body), 300)
                        ELSE ts_headline(CASE WHEN x.language IS NULL OR x.language = 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END,
                                         left(coalesce(x.body, ''), 20000),
                                         websearch_to_tsquery(CASE WHEN x.language IS NULL OR x.language = 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END, @Text),
                                         @Headline)
                   END AS snippet,
                   (SELECT coalesce(jsonb_object_agg(t.topic, t.score), jsonb_build_object())::text FROM article_topics t WHERE t.article_id = x.id) AS topics_json
            FROM page x
            {(byDate ? "ORDER BY x.sort_date DESC, x.id DESC" : "ORDER BY x.rank DESC, x.id DESC")}
            """;
        var rows = window.Count == 0 ? [] : (await conn.QueryAsync<HitRow>(new CommandDefinition(sql, p, tx, cancellationToken: ct))).ToList();
        var more = byDate ? !exhaustive : rows.Count > query.Limit;
        if (rows.Count > query.Limit) rows.RemoveAt(rows.Count - 1);
        var hits = rows.Select(ToHit).ToList();
        string? next = null;
        if (more && rows.Count > 0)
        {
            var last = rows[^1];
            next = new Cursor(cursor.Now, last.Rank, last.SortDate, last.Id).ToString(query.Sort);
        }

        IReadOnlyList<FacetCount> topics = [], sources = [], days = [];
        long total = hits.Count;
        var estimated = false;
        if (query.Facets)
        {
            // facets describe the window the ranking saw (by date: the one it would see); the total is exact when the
            // window holds every match
            var facetWindow = window;
            if (byDate && !(query.After is null && exhaustive))
            {
                p.Add("CursorDate", null);
                p.Add("CursorId", null);
                facetWindow = await MatchWindowAsync(conn, tx, p, SearchWindow, cursor.Now, query.Since, ct);
            }
            if (facetWindow.Count > 0)
            {
                var ids = facetWindow.Select(w => w.Id).ToArray();
                topics = (await conn.QueryAsync<(string Key, long Count)>(new CommandDefinition("""
                    SELECT t.topic, count(*) FROM article_topics t WHERE t.article_id = ANY(@ids) GROUP BY t.topic ORDER BY count(*) DESC, t.topic LIMIT 50
                    """, new { ids }, tx, cancellationToken: ct))).Select(f => new FacetCount(f.Key, f.Count)).ToList();
                sources = facetWindow.GroupBy(w => w.Slug).Select(g => new FacetCount(g.Key, g.Count()))
                    .OrderByDescending(f => f.Count).ThenBy(f => f.Key, StringComparer.Ordinal).Take(20).ToList();
                var from = cursor.Now.UtcDateTime.AddDays(-30);
                days = facetWindow.Where(w => w.SortDate >= from).GroupBy(w => w.SortDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                    .Select(g => new FacetCount(g.Key, g.Count())).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
            }
            if (facetWindow.Count < (facetWindow == window ? windowSize : SearchWindow))
            {
                total = facetWindow.Count;
            }
            else
            {
                total = Math.Max(await EstimateMatchesAsync(conn, tx, p, ct), facetWindow.Count);
                estimated = true;
            }
        }
        await tx.CommitAsync(ct);
        return new SearchResult(hits, total, next, topics, sources, days)
        {
            TotalIsEstimate = estimated,
            WindowFrom = exhaustive || byDate ? null : new DateTimeOffset(window[^1].SortDate, TimeSpan.Zero),
            WindowSize = window.Count,
        };
    }

    /// <summary>The newest matches (at most <paramref name="size"/>) before <paramref name="anchor"/>, read slice by slice.</summary>
    private static async Task<List<WindowRow>> MatchWindowAsync(
        System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, DynamicParameters p, int size,
        DateTimeOffset anchor, DateTimeOffset? since, CancellationToken ct)
    {
        var rows = new List<WindowRow>();
        DateTimeOffset? to = null;
        foreach (var slice in Slices.Select(s => (DateTimeOffset?)(anchor - s)).Append(null))
        {
            var from = since is { } sinceDate && (slice is null || slice < sinceDate) ? sinceDate : slice;
            p.Add("SliceFrom", from?.UtcDateTime);
            p.Add("SliceTo", to?.UtcDateTime);
            p.Add("Need", size - rows.Count);
            rows.AddRange(await conn.QueryAsync<WindowRow>(new CommandDefinition(SliceSql, p, tx, cancellationToken: ct)));
            if (rows.Count >= size || from is null || from == since) break;
            to = from;
        }
        return rows;
    }

    /// <summary>The planner's estimate of all matches: counting hundreds of thousands exactly costs more than the search.</summary>
    private static async Task<long> EstimateMatchesAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, DynamicParameters p, CancellationToken ct)
    {
        var plan = await conn.ExecuteScalarAsync<string>(new CommandDefinition(
            $"EXPLAIN (FORMAT JSON) SELECT 1 FROM articles a JOIN sources s ON s.id = a.source_id WHERE {SearchWhere}", p, tx, cancellationToken: ct));
        using var json = System.Text.Json.JsonDocument.Parse(plan ?? "[]");
        return json.RootElement.GetArrayLength() > 0 && json.RootElement[0].GetProperty("Plan").TryGetProperty("Plan Rows", out var r)
            ? (long)r.GetDouble() : 0;
    }

    /// <summary>Articles that share the most title terms and topics with this one.</summary>
    public async Task<IReadOnlyList<SearchHit>> SimilarArticlesAsync(long id, int limit = 5, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<HitRow>(new CommandDefinition("""
            WITH me AS (SELECT id, title, language FROM articles WHERE id = @id),
                 q AS (SELECT to_tsquery('simple', coalesce(nullif(array_to_string(ARRAY(
                           SELECT quote_literal(l) FROM unnest(tsvector_to_array(to_tsvector('english', coalesce(me.title, '')))) l), ' | '), ''), 'zzzznothing')) AS q
                       FROM me),
                 mine AS (SELECT topic FROM article_topics WHERE article_id = @id)
            SELECT a.id, a.canonical_url AS url, a.title, s.slug AS source, s.name AS source_name, a.published_at, a.language, a.content_kind,
                   left(coalesce(a.description, a.body, ''), 200) AS snippet, coalesce(a.published_at, a.discovered_at) AS sort_date,
                   ts_rank(a.search, q.q) + 0.1 * (SELECT count(*) FROM article_topics t WHERE t.article_id = a.id AND t.topic IN (SELECT topic FROM mine)) AS rank,
                   (SELECT coalesce(jsonb_object_agg(t.topic, t.score), '{}'::jsonb)::text FROM article_topics t WHERE t.article_id = a.id) AS topics_json
            FROM articles a JOIN sources s ON s.id = a.source_id, q
            WHERE a.id <> @id AND a.status = 'processed' AND a.search @@ q.q
            ORDER BY rank DESC, a.id DESC LIMIT @limit
            """, new { id, limit }, cancellationToken: ct));
        return rows.Select(ToHit).ToList();
    }

    private static SearchHit ToHit(HitRow r) => new(r.Id, r.Url, r.Title, r.Source, r.SourceName, r.PublishedAt, r.Language,
        System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, float>>(r.TopicsJson ?? "{}") ?? [],
        Snippet(r.Snippet), HighlightHtml(r.Snippet), r.Rank, r.ContentKind == "pdf")
    {
        AlsoPublishedBy = (r.StorySources ?? []).Where(name => name != r.SourceName).Distinct().Order(StringComparer.Ordinal).ToList(),
    };

    /// <summary>Snippet as plain text, the highlight markers removed: callers encode it themselves.</summary>
    private static string Snippet(string? raw) => Text(raw).Replace(MarkStart.ToString(), "").Replace(MarkEnd.ToString(), "");

    private static string Text(string? raw) => string.Join(' ', (raw ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The highlighted snippet as safe HTML: the text HTML-encoded, matched words in &lt;mark&gt;.</summary>
    public static string HighlightHtml(string? rawHeadline)
    {
        var encoded = WebUtility.HtmlEncode(Text(rawHeadline));
        return encoded.Replace(MarkStart.ToString(), "<mark>").Replace(MarkEnd.ToString(), "</mark>");
    }

    private sealed class HitRow
    {
        public long Id { get; init; }
        public string Url { get; init; } = "";
        public string? Title { get; init; }
        public string Source { get; init; } = "";
        public string SourceName { get; init; } = "";
        public DateTime? PublishedAt { get; init; }
        public string? Language { get; init; }
        public string? ContentKind { get; init; }
        public string? Snippet { get; init; }
        public DateTime SortDate { get; init; }
        public double Rank { get; init; }
        public string? TopicsJson { get; init; }
        public string[]? StorySources { get; init; }
        public string? Description { get; init; }
        public string? Body { get; init; }
    }

    private sealed record Cursor(DateTimeOffset Now, double? Rank, DateTime? Date, long? Id)
    {
        public string ToString(SearchSort sort)
        {
            var text = string.Join('|', Now.UtcTicks.ToString(CultureInfo.InvariantCulture),
                sort == SearchSort.Date ? Date!.Value.Ticks.ToString(CultureInfo.InvariantCulture) : Rank!.Value.ToString("R", CultureInfo.InvariantCulture),
                Id!.Value.ToString(CultureInfo.InvariantCulture));
            return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        public static Cursor? Parse(string? after, SearchSort sort)
        {
            if (string.IsNullOrEmpty(after)) return null;
            try
            {
                var b64 = after.Replace('-', '+').Replace('_', '/');
                b64 += new string('=', (4 - b64.Length % 4) % 4);
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split('|');
                var now = new DateTimeOffset(long.Parse(parts[0], CultureInfo.InvariantCulture), TimeSpan.Zero);
                var id = long.Parse(parts[2], CultureInfo.InvariantCulture);
                return sort == SearchSort.Date
                    ? new Cursor(now, null, new DateTime(long.Parse(parts[1], CultureInfo.InvariantCulture), DateTimeKind.Utc), id)
                    : new Cursor(now, double.Parse(parts[1], CultureInfo.InvariantCulture), null, id);
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException or ArgumentException)
            {
                throw new ArgumentException("'after' is not a cursor from a previous page");
            }
        }
    }
}
