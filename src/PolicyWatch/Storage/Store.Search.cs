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

    // One WHERE clause for every step, in two shapes chosen by code: with a topic filter, the tags are a top-level
    // EXISTS the planner may drive from (article_topics has each tag's date, so the newest tagged articles are one
    // index range); without, no subplan at all. Every value is a parameter; only this constant text is SQL. The
    // english and simple readings of the text are OR-ed into one tsquery, so a filtered row's tsvector is read once.
    private static string SearchWhere(bool topics, bool sliced) => $"""
        a.status = 'processed'
          AND coalesce(a.fetched_at, a.discovered_at) <= @Now
          AND (@Text = '' OR a.search @@ (websearch_to_tsquery('english', @Text) || websearch_to_tsquery('simple', @Text)))
          {(topics ? $"""
          AND EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = a.id AND t.topic = ANY(@Topics) AND t.score >= @MinScore
                      {(sliced ? "AND (@SliceFrom::timestamptz IS NULL OR t.sort_date >= @SliceFrom) AND (@SliceTo::timestamptz IS NULL OR t.sort_date < @SliceTo)" : "")})
          AND (NOT @AllTopics OR (SELECT count(DISTINCT t.topic) FROM article_topics t
                                  WHERE t.article_id = a.id AND t.topic = ANY(@Topics) AND t.score >= @MinScore) = cardinality(@Topics))
          """ : """
          AND (@MinScore <= 0 OR EXISTS (SELECT 1 FROM article_topics t WHERE t.article_id = a.id AND t.score >= @MinScore))
          """)}
          AND (cardinality(@Sources) = 0 OR s.slug = ANY(@Sources))
          AND (@Category::text IS NULL OR s.category = @Category)
          AND (@Language::text IS NULL OR a.language = @Language)
          AND (@Since::timestamptz IS NULL OR coalesce(a.published_at, a.discovered_at) >= @Since)
          AND (@Until::timestamptz IS NULL OR coalesce(a.published_at, a.discovered_at) < @Until)
          AND (@HasPdf::boolean IS NULL OR (a.content_kind = 'pdf') = @HasPdf)
          AND (cardinality(@Artefacts) = 0 OR EXISTS (SELECT 1 FROM article_artefacts x WHERE x.article_id = a.id AND x.artefact_id = ANY(@Artefacts)))
        """;

    /// <summary>
    /// Relevance ranking, snippets and facets work inside the newest matches, at most this many: ranking each of
    /// hundreds of thousands of matches reads every stored tsvector back from TOAST (see docs/benchmarks.md).
    /// </summary>
    public const int SearchWindow = 200;

    /// <summary>
    /// The newest matches are looked for in these slices of time, newest first, until the window is full: in a slice
    /// the work is bounded by the slice's articles even when the planner misjudges how many match (phrases of common words).
    /// </summary>
    private static readonly TimeSpan[] Slices = [TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromDays(30), TimeSpan.FromDays(365)];

    private static readonly string[] SliceSql = [SliceQuery(topics: false), SliceQuery(topics: true)];

    private static string SliceQuery(bool topics) => $"""
        SELECT a.id, s.slug, a.title, coalesce(a.published_at, a.discovered_at) AS sort_date
        FROM articles a JOIN sources s ON s.id = a.source_id
        WHERE {SearchWhere(topics, sliced: true)}
          AND (@SliceFrom::timestamptz IS NULL OR coalesce(a.published_at, a.discovered_at) >= @SliceFrom)
          AND (@SliceTo::timestamptz IS NULL OR coalesce(a.published_at, a.discovered_at) < @SliceTo)
          AND (@CursorDate::timestamptz IS NULL OR (coalesce(a.published_at, a.discovered_at), a.id) < (@CursorDate::timestamptz, @CursorId::bigint))
        ORDER BY coalesce(a.published_at, a.discovered_at) DESC, a.id DESC
        LIMIT @Need
        """;

    private sealed record WindowRow(long Id, string Slug, string? Title, DateTime SortDate);

    /// <summary>Copies remembered in a date cursor, at most: it bounds the cursor's length.</summary>
    private const int MaxShown = 200;

    private sealed class RankedRow
    {
        public long Id { get; init; }
        public string? Title { get; init; }
        public string SourceName { get; init; } = "";
        public DateTime SortDate { get; init; }
        public double Rank { get; init; }
        public string[]? Topics { get; init; }
    }

    /// <summary>
    /// Full-text search with filters, ranking (text rank × topic score × recency, or date), keyset pagination that is
    /// stable while articles arrive (the cursor pins the clock used for recency), highlighted snippets and facets.
    /// </summary>
    /// <param name="plans">When given, receives <c>EXPLAIN (ANALYZE, BUFFERS)</c> of each step that finds matches (benchmarks, diagnosis).</param>
    public async Task<SearchResult> SearchAsync(SearchQuery query, DateTimeOffset now, CancellationToken ct = default, List<string>? plans = null)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await SearchCoreAsync(query, now, ct, plans);
        }
        finally
        {
            Telemetry.SearchDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<SearchResult> SearchCoreAsync(SearchQuery query, DateTimeOffset now, CancellationToken ct, List<string>? plans)
    {
        query = query.Validated();
        var cursor = Cursor.Parse(query.After, query.Sort, now) ?? new Cursor(now, null, null, null);
        var byDate = query.Sort == SearchSort.Date;
        var p = Parameters(query, cursor);

        var (conn, tx) = await OpenSearchAsync(ct);
        await using var _ = conn;
        await using var __ = tx;

        // by date the window is the rows after the cursor, twice a page so that copies folding into one story still fill it
        var windowSize = byDate ? 2 * query.Limit + 1 : SearchWindow;
        var anchor = byDate && cursor.Date is { } d ? new DateTimeOffset(d, TimeSpan.Zero) : cursor.Now;
        p.Add("CursorDate", byDate ? cursor.Date : null);
        p.Add("CursorId", byDate ? cursor.Id : null);
        var window = await MatchWindowAsync(conn, tx, p, query.Topics.Count > 0, windowSize, anchor, query.Since, ct, plans);
        var exhaustive = window.Count < windowSize;

        // rank the window; copies of one story fold into the best-placed one, "also published by" the rest; the cursor
        // and the page are applied here, so snippets are made for the page's articles only
        p.Add("Ids", window.Select(w => w.Id).ToArray());
        var ranked = window.Count == 0 ? [] : (await conn.QueryAsync<RankedRow>(new CommandDefinition("""
            SELECT a.id, a.title, s.name AS sourcename, coalesce(a.published_at, a.discovered_at) AS sortdate,
                   ((CASE WHEN @Text = '' THEN 1.0
                          ELSE ts_rank_cd(a.search, websearch_to_tsquery('english', @Text) || websearch_to_tsquery('simple', @Text), 32) END)
                    * (1 + 0.5 * coalesce(tags.best, 0))
                    * power(0.5, greatest(date_part('epoch', @Now::timestamptz - coalesce(a.published_at, a.discovered_at)), 0) / 86400.0 / 90.0))::float8
                     AS rank,
                   tags.topics
            FROM unnest(@Ids::bigint[]) AS w(id) JOIN articles a ON a.id = w.id JOIN sources s ON s.id = a.source_id
            LEFT JOIN LATERAL (SELECT array_agg(t.topic) AS topics,
                                      max(t.score) FILTER (WHERE cardinality(@Topics) = 0 OR t.topic = ANY(@Topics)) AS best
                               FROM article_topics t WHERE t.article_id = a.id) tags ON true
            """, p, tx, cancellationToken: ct))).ToList();
        // by date, copies already shown on an earlier page (folded into a story there) are left out here
        var shownBefore = (cursor.Shown ?? []).ToHashSet();
        var inOrder = byDate
            ? ranked.Where(r => !shownBefore.Contains(r.Id)).OrderByDescending(r => r.SortDate).ThenByDescending(r => r.Id).ToList()
            : ranked.OrderByDescending(r => r.Rank).ThenByDescending(r => r.Id).ToList();
        var stories = Stories.Group(inOrder, r => r.Title, r => r.SortDate);
        List<List<RankedRow>> page;
        bool more;
        RankedRow? last;
        IReadOnlyList<long>? shownAhead = null;
        if (byDate)
        {
            // whole stories up to a page, in date order; the cursor is the last row of the unbroken run taken, and the
            // page's copies beyond it travel in the cursor so that they are not shown again
            var taken = stories.Take(query.Limit).ToList();
            var shown = taken.SelectMany(story => story).ToHashSet();
            var consumed = 0;
            while (consumed < inOrder.Count && shown.Contains(inOrder[consumed])) consumed++;
            page = taken;
            // a window of nothing but copies shown before still moves the cursor past them
            last = consumed > 0 ? inOrder[consumed - 1]
                : ranked.OrderBy(r => r.SortDate).ThenBy(r => r.Id).FirstOrDefault();
            more = consumed < inOrder.Count || !exhaustive;
            var passed = ranked.Where(r => last is not null && (r.SortDate > last.SortDate || (r.SortDate == last.SortDate && r.Id >= last.Id))).Select(r => r.Id).ToHashSet();
            shownAhead = shownBefore.Where(id => !passed.Contains(id)).Concat(inOrder.Skip(consumed).Where(shown.Contains).Select(r => r.Id))
                .Distinct().Take(MaxShown).ToList();
        }
        else
        {
            page = stories.Where(x => cursor.Id is not { } afterId || x[0].Rank < cursor.Rank || (x[0].Rank == cursor.Rank && x[0].Id < afterId))
                .Take(query.Limit + 1).ToList();
            more = page.Count > query.Limit;
            if (more) page.RemoveAt(page.Count - 1);
            last = page.Count > 0 ? page[^1][0] : null;
        }

        p.Add("PageIds", page.Select(x => x[0].Id).ToArray());
        var details = page.Count == 0 ? [] : (await conn.QueryAsync<HitRow>(new CommandDefinition("""
            SELECT a.id, a.canonical_url AS url, a.title, s.slug AS source, s.name AS source_name, a.published_at, a.language, a.content_kind,
                   CASE WHEN @Text = '' THEN left(coalesce(a.description, a.body), 300)
                        ELSE ts_headline(CASE WHEN a.language IS NULL OR a.language = 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END,
                                         left(coalesce(a.body, ''), 3000),
                                         websearch_to_tsquery(CASE WHEN a.language IS NULL OR a.language = 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END, @Text),
                                         @Headline)
                   END AS snippet,
                   (SELECT coalesce(jsonb_object_agg(t.topic, t.score), jsonb_build_object())::text FROM article_topics t WHERE t.article_id = a.id) AS topics_json
            FROM unnest(@PageIds::bigint[]) AS w(id) JOIN articles a ON a.id = w.id JOIN sources s ON s.id = a.source_id
            """, p, tx, cancellationToken: ct))).ToDictionary(r => r.Id);
        var hits = page.Where(x => details.ContainsKey(x[0].Id))
            .Select(x => ToHit(details[x[0].Id]) with
            {
                Rank = x[0].Rank,
                AlsoPublishedBy = x.Skip(1).Select(r => r.SourceName).Where(n => n != x[0].SourceName).Distinct().Order(StringComparer.Ordinal).ToList(),
            }).ToList();
        var next = more && last is not null ? new Cursor(cursor.Now, last.Rank, last.SortDate, last.Id, shownAhead).ToString(query.Sort) : null;

        IReadOnlyList<FacetCount> topics = [], sources = [], days = [], artefacts = [];
        long total = hits.Count;
        var estimated = false;
        if (query.Facets)
        {
            // facets describe the window the ranking saw (by date: the one it would see); the total is exact, in
            // stories, when the window holds every match
            var facetWindow = window;
            var facetExhaustive = exhaustive;
            if (byDate && !(query.After is null && exhaustive))
            {
                p.Add("CursorDate", null);
                p.Add("CursorId", null);
                facetWindow = await MatchWindowAsync(conn, tx, p, query.Topics.Count > 0, SearchWindow, cursor.Now, query.Since, ct);
                facetExhaustive = facetWindow.Count < SearchWindow;
            }
            if (facetWindow.Count > 0)
            {
                // the ranked window already carries its tags; a separate window (by date, later pages) is counted in SQL
                var counts = facetWindow == window
                    ? ranked.SelectMany(r => r.Topics ?? []).GroupBy(t => t).Select(g => (Key: g.Key, Count: (long)g.Count()))
                    : await conn.QueryAsync<(string Key, long Count)>(new CommandDefinition(
                        "SELECT t.topic, count(*) FROM article_topics t WHERE t.article_id = ANY(@ids) GROUP BY t.topic",
                        new { ids = facetWindow.Select(w => w.Id).ToArray() }, tx, cancellationToken: ct));
                topics = counts.OrderByDescending(f => f.Count).ThenBy(f => f.Key, StringComparer.Ordinal).Take(50).Select(f => new FacetCount(f.Key, f.Count)).ToList();
                sources = facetWindow.GroupBy(w => w.Slug).Select(g => new FacetCount(g.Key, g.Count()))
                    .OrderByDescending(f => f.Count).ThenBy(f => f.Key, StringComparer.Ordinal).Take(20).ToList();
                artefacts = (await conn.QueryAsync<(string Key, long Count)>(new CommandDefinition("""
                    SELECT artefact_id, count(*) AS n FROM article_artefacts WHERE article_id = ANY(@ids)
                    GROUP BY artefact_id ORDER BY n DESC, artefact_id LIMIT 20
                    """, new { ids = facetWindow.Select(w => w.Id).ToArray() }, tx, cancellationToken: ct)))
                    .Select(f => new FacetCount(f.Key, f.Count)).ToList();
                // per day over the last 30 days; a full window reaches back only part of its oldest day, which is left out
                var from = cursor.Now.UtcDateTime.Date.AddDays(-29);
                if (!facetExhaustive) from = new[] { from, facetWindow.Min(w => w.SortDate).Date.AddDays(1) }.Max();
                days = facetWindow.Where(w => w.SortDate >= from).GroupBy(w => w.SortDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                    .Select(g => new FacetCount(g.Key, g.Count())).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
            }
            if (facetExhaustive)
            {
                total = facetWindow == window ? stories.Count : Stories.Group(facetWindow, w => w.Title, w => w.SortDate).Count;
            }
            else
            {
                total = Math.Max(await EstimateMatchesAsync(conn, tx, p, query.Topics.Count > 0, ct), facetWindow.Count);
                estimated = true;
            }
        }
        await tx.CommitAsync(ct);
        return new SearchResult(hits, total, next, topics, sources, days)
        {
            TotalIsEstimate = estimated,
            ArtefactFacets = artefacts,
            WindowFrom = exhaustive || byDate ? null : new DateTimeOffset(window[^1].SortDate, TimeSpan.Zero),
            WindowSize = window.Count,
        };
    }

    /// <summary>A connection and transaction with the planner settings every search step runs under.</summary>
    private async Task<(System.Data.Common.DbConnection Conn, System.Data.Common.DbTransaction Tx)> OpenSearchAsync(CancellationToken ct)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            var tx = await conn.BeginTransactionAsync(ct);
            // the planner does not charge for reading each stored tsvector back from TOAST, so for common terms it picks a
            // sequential scan that reads them all; the GIN index answers those matches without touching them. Parallel
            // workers cost more to start than these short, LIMITed scans take on two cores.
            await conn.ExecuteAsync(new CommandDefinition("SET LOCAL enable_seqscan = off; SET LOCAL max_parallel_workers_per_gather = 0", transaction: tx, cancellationToken: ct));
            return (conn, tx);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private static DynamicParameters Parameters(SearchQuery query, Cursor cursor) => new(new
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
        Artefacts = query.Artefacts.ToArray(),
        Now = cursor.Now.UtcDateTime,
        Headline = $"StartSel={MarkStart}, StopSel={MarkEnd}, MaxFragments=2, MinWords=12, MaxWords=30, FragmentDelimiter=\" … \"",
    });

    /// <summary>
    /// Articles matching the query, counted exactly up to <paramref name="cap"/> (digests' per-section counts; a search
    /// page shows the planner's estimate instead, as counting hundreds of thousands costs more than the search).
    /// </summary>
    /// <param name="foundSince">Only articles stored (fetched) since then: what is new to someone who last looked at that time.</param>
    public async Task<(long Count, bool Capped)> CountMatchesAsync(SearchQuery query, DateTimeOffset now, int cap = 10_000, DateTimeOffset? foundSince = null,
        CancellationToken ct = default)
    {
        query = query.Validated();
        var p = Parameters(query, new Cursor(now, null, null, null));
        p.Add("Cap", cap + 1);
        p.Add("FoundSince", foundSince?.UtcDateTime);
        var (conn, tx) = await OpenSearchAsync(ct);
        await using var _ = conn;
        await using var __ = tx;
        var count = await conn.ExecuteScalarAsync<long>(new CommandDefinition(
            $"""
            SELECT count(*) FROM (
                SELECT 1 FROM articles a JOIN sources s ON s.id = a.source_id
                WHERE {SearchWhere(query.Topics.Count > 0, sliced: false)} AND (@FoundSince::timestamptz IS NULL OR coalesce(a.fetched_at, a.discovered_at) > @FoundSince)
                LIMIT @Cap) m
            """,
            p, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (Math.Min(count, cap), count > cap);
    }

    /// <summary>The newest matches (at most <paramref name="size"/>) before <paramref name="anchor"/>, read slice by slice.</summary>
    private static async Task<List<WindowRow>> MatchWindowAsync(
        System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, DynamicParameters p, bool topics, int size,
        DateTimeOffset anchor, DateTimeOffset? since, CancellationToken ct, List<string>? plans = null)
    {
        var rows = new List<WindowRow>();
        DateTimeOffset? to = null;
        foreach (var slice in Slices.Select(s => (DateTimeOffset?)(anchor - s)).Append(null))
        {
            var from = since is { } sinceDate && (slice is null || slice < sinceDate) ? sinceDate : slice;
            p.Add("SliceFrom", from?.UtcDateTime);
            p.Add("SliceTo", to?.UtcDateTime);
            p.Add("Need", size - rows.Count);
            if (plans is not null)
                plans.Add($"-- slice from {from?.ToString("u", CultureInfo.InvariantCulture) ?? "the start"} to {to?.ToString("u", CultureInfo.InvariantCulture) ?? "now"}, {size - rows.Count} wanted\n" +
                    string.Join('\n', await conn.QueryAsync<string>(new CommandDefinition("EXPLAIN (ANALYZE, BUFFERS) " + SliceSql[topics ? 1 : 0], p, tx, cancellationToken: ct))));
            rows.AddRange(await conn.QueryAsync<WindowRow>(new CommandDefinition(SliceSql[topics ? 1 : 0], p, tx, cancellationToken: ct)));
            if (rows.Count >= size || from is null || from == since) break;
            to = from;
        }
        return rows;
    }

    /// <summary>The planner's estimate of all matches: counting hundreds of thousands exactly costs more than the search.</summary>
    private static async Task<long> EstimateMatchesAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, DynamicParameters p, bool topics, CancellationToken ct)
    {
        var plan = await conn.ExecuteScalarAsync<string>(new CommandDefinition(
            $"EXPLAIN (FORMAT JSON) SELECT 1 FROM articles a JOIN sources s ON s.id = a.source_id WHERE {SearchWhere(topics, sliced: false)}", p, tx, cancellationToken: ct));
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
        Snippet(r.Snippet), HighlightHtml(r.Snippet), r.Rank, r.ContentKind == "pdf");

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
        public string? Description { get; init; }
        public string? Body { get; init; }
    }

    /// <param name="Shown">By date: copies already shown, folded into a story on an earlier page, still ahead of the cursor.</param>
    private sealed record Cursor(DateTimeOffset Now, double? Rank, DateTime? Date, long? Id, IReadOnlyList<long>? Shown = null)
    {
        public string ToString(SearchSort sort)
        {
            var text = string.Join('|', Now.UtcTicks.ToString(CultureInfo.InvariantCulture),
                sort == SearchSort.Date ? Date!.Value.Ticks.ToString(CultureInfo.InvariantCulture) : Rank!.Value.ToString("R", CultureInfo.InvariantCulture),
                Id!.Value.ToString(CultureInfo.InvariantCulture),
                string.Join(',', (Shown ?? []).Select(i => i.ToString(CultureInfo.InvariantCulture))));
            return System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
        }

        /// <summary>Reads a cursor; an edited one (a clock or date outside 1990 to tomorrow, a rank that is no number) is refused.</summary>
        public static Cursor? Parse(string? after, SearchSort sort, DateTimeOffset realNow)
        {
            if (string.IsNullOrEmpty(after)) return null;
            try
            {
                var parts = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(after)).Split('|');
                var now = new DateTimeOffset(long.Parse(parts[0], CultureInfo.InvariantCulture), TimeSpan.Zero);
                var id = long.Parse(parts[2], CultureInfo.InvariantCulture);
                var shown = parts.Length > 3 && parts[3].Length > 0 ? parts[3].Split(',').Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToList() : [];
                if (shown.Count > MaxShown) throw new FormatException();
                var earliest = new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);
                if (now < earliest || now > realNow.AddDays(1)) throw new FormatException();
                if (sort == SearchSort.Date)
                {
                    var date = new DateTime(long.Parse(parts[1], CultureInfo.InvariantCulture), DateTimeKind.Utc);
                    if (date < earliest.UtcDateTime.AddYears(-100) || date > realNow.UtcDateTime.AddYears(1)) throw new FormatException();
                    return new Cursor(now, null, date, id, shown);
                }
                var rank = double.Parse(parts[1], CultureInfo.InvariantCulture);
                if (!double.IsFinite(rank)) throw new FormatException();
                return new Cursor(now, rank, null, id);
            }
            catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException or ArgumentException)
            {
                throw new ArgumentException("'after' is not a cursor from a previous page");
            }
        }
    }
}
