using System.Diagnostics;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using PolicyWatch.Search;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Bench;

/// <summary>
/// `policywatch bench search`: a generated corpus (Zipf vocabulary with policy terms, topics, 500 sources, two years of
/// dates) loaded with COPY into a fresh database, then 30 typical analyst queries with facets through the same
/// search code the API uses.
/// </summary>
public static class SearchBenchmark
{
    private static readonly string[] Head = ("the of and to in a is that for on said with as by at from it was its be are has have an this will not but " +
        "which government officials china united states policy year new market companies industry report week chips export controls " +
        "model models technology data security trade ministry commerce department rules license supply chain semiconductor").Split(' ');
    private static readonly string[] Domain = ("entity list nvidia huawei ascend tsmc asml smic hbm lithography wafer foundry gallium germanium " +
        "open-weight deepseek qwen llama mistral weights distillation sovereignty pax silica declaration summit allies defense pentagon " +
        "classified procurement taiwan beijing washington brussels gulf india accelerator datacenter compute gigawatt tariff sanction").Split(' ');
    // collocations written as units, as real text has them; their words also occur on their own through Head and Domain
    private static readonly string[] Phrases = ["export controls", "supply chain", "entity list", "pax silica", "open-weight models",
        "department of commerce", "united states", "government officials said", "huawei ascend", "national security", "chip export"];
    internal static readonly string[] Topics = ["export-controls", "open-weights", "pax-silica", "chips-compute", "model-distillation", "ai-sovereignty", "defense-ai", "us-china-ai-race"];

    public static readonly string[] Queries =
    [
        "huawei ascend", "entity list", "gallium germanium", "pax silica", "hbm supply", "asml lithography", "china", "model", "government officials said",
        "\"export controls\"", "\"open-weight\" models", "\"supply chain\" taiwan", "\"pax silica\" summit", "deepseek or qwen", "china -taiwan",
        "nvidia -huawei", "tariff or sanction", "topic:export-controls chips", "topic:open-weights", "topic:defense-ai pentagon", "topic:us-china-ai-race",
        "since:7d nvidia", "since:30d export", "since:365d sovereignty", "tsmc foundry", "datacenter gigawatt", "distillation weights", "brussels sovereignty",
        "classified procurement", "accelerator license",
    ];

    public static async Task<string> RunAsync(string adminConnectionString, int articles, bool rebuild, TextWriter log, CancellationToken ct)
    {
        var corpus = await BenchCorpus.OpenAsync(adminConnectionString, articles, rebuild, log, ct);
        await using var db = NpgsqlDataSource.Create(corpus.ConnectionString);
        return await MeasureAsync(db, corpus, ct);
    }

    /// <summary>500 sources and the generated articles with topics, loaded with COPY and analysed.</summary>
    internal static async Task BuildCorpusAsync(NpgsqlDataSource db, int articles, DateTimeOffset now, CancellationToken ct, TextWriter? log = null)
    {
        var progress = new ProgressReport("corpus articles", articles, line => log?.WriteLine(line));
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand("INSERT INTO sources (slug, name, url, kind) SELECT 'src-' || g, 'Source ' || g, 'https://src' || g || '.example/rss', 'rss' FROM generate_series(1, 500) g", conn))
            await cmd.ExecuteNonQueryAsync(ct);
        var streams = Math.Max(1, Environment.ProcessorCount);
        await Task.WhenAll(Enumerable.Range(0, streams).Select(s => CopyArticlesAsync(db, s, streams, articles, now, ct, progress)));
        log?.WriteLine("corpus: tagging articles and analysing tables (the last steps)");
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            await using (var topics = new NpgsqlCommand("""
                INSERT INTO article_topics (article_id, topic, score, model_version)
                SELECT a.id, (@topics::text[])[1 + (hashint4(a.id::int) & 2147483647) % 8], 0.5 + ((hashint4(a.id::int + 7) & 1023) / 2100.0), 'bench'
                FROM articles a WHERE (hashint4(a.id::int + 3) & 1023) < 700
                ON CONFLICT DO NOTHING
                """, conn))
            {
                topics.Parameters.AddWithValue("topics", Topics);
                topics.CommandTimeout = 0;
                await topics.ExecuteNonQueryAsync(ct);
            }
            foreach (var table in new[] { "articles", "article_topics" })
            {
                await using var analyze = new NpgsqlCommand($"VACUUM ANALYZE {table}", conn) { CommandTimeout = 0 };
                await analyze.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private static async Task<string> MeasureAsync(NpgsqlDataSource db, BenchCorpus corpus, CancellationToken ct)
    {
        // the corpus's dates are relative to its build, so queries are too
        var now = corpus.BuiltAt;
        var articles = corpus.Articles;
        var buildTime = corpus.BuildTime;
        var store = new Store(db);
        var timings = new List<(string Query, double Ms)>();
        var totals = new Dictionary<string, string>();
        // one warm-up pass over every query, then five timed passes, the queries interleaved as analysts' would be
        foreach (var raw in Queries)
        {
            var first = await store.SearchAsync(Parse(raw, now), now, ct);
            totals[raw] = (first.TotalIsEstimate ? "≈ " : "") + first.Total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        }
        for (var run = 0; run < 5; run++)
        {
            foreach (var raw in Queries)
            {
                var query = Parse(raw, now);
                var watch = Stopwatch.StartNew();
                await store.SearchAsync(query, now, ct);
                timings.Add((raw, watch.Elapsed.TotalMilliseconds));
            }
        }
        var sorted = timings.Select(t => t.Ms).Order().ToList();
        double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        var perQuery = timings.GroupBy(t => t.Query).Select(g => (Query: g.Key, Ms: g.Average(t => t.Ms), Total: totals[g.Key])).ToList();
        var slowest = timings.GroupBy(t => t.Query).Select(g => (Query: g.Key, Ms: g.Average(t => t.Ms))).OrderByDescending(t => t.Ms).Take(3).ToList();

        string sizes, plan;
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            await using (var cmd = new NpgsqlCommand("SELECT pg_size_pretty(pg_relation_size('articles_search_idx')), pg_size_pretty(pg_total_relation_size('articles'))", conn))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                sizes = $"GIN index {r.GetString(0)}, articles with TOAST and indexes {r.GetString(1)}";
            }
            var worst = Parse(slowest[0].Query, now);
            var plans = new List<string>();
            await store.SearchAsync(worst, now, ct, plans);
            plan = string.Join("\n\n", plans);
        }

        return $"""
            ## Search

            `policywatch bench search --articles {articles}` — {articles:N0} generated articles (Zipf vocabulary with policy terms and
            collocations such as "export controls" written as units, 300–1,500 words, 500 sources, dates spread at random over two
            years, topics on 70 %) loaded with COPY in {buildTime.TotalSeconds:0} s (kept between runs; `--rebuild` builds afresh);
            {sizes}. 30 analyst queries (terms, phrases, or/-exclusion, topic and date filters), each with all facets, through the
            API's search code on the embedded cluster; a warm-up pass, then 5 timed passes over all queries. Relevance is ranked among the newest
            {Store.SearchWindow} matches (found slice by slice in time); totals above that are the planner's estimate.
            Measured {DateTime.UtcNow:yyyy-MM-dd} on {BenchmarkReport.Machine()}.

            | p50 | p95 | p99 | slowest (mean of 5) |
            |---|---|---|---|
            | {P(0.5):0} ms | {P(0.95):0} ms | {P(0.99):0} ms | {string.Join("; ", slowest.Select(s => $"`{s.Query}` {s.Ms:0} ms"))} |

            Target at 1,000,000 articles: p95 ≤ 100 ms, p50 ≤ 30 ms.

            <details><summary>Each query (mean of 5 runs, ms; total matches)</summary>

            | query | ms | total |
            |---|---|---|
            {string.Join("\n", perQuery.Select(q => $"| `{q.Query.Replace("|", "\\|")}` | {q.Ms:0} | {q.Total} |"))}

            </details>

            The slowest query's matching steps (`{slowest[0].Query}`: the newest matches, read slice by slice in time), `EXPLAIN (ANALYZE, BUFFERS)`:

            ```
            {plan}
            ```
            """;
    }

    internal static SearchQuery Parse(string raw, DateTimeOffset now)
    {
        var words = raw.Split(' ').ToList();
        var topics = words.Where(w => w.StartsWith("topic:")).Select(w => w[6..]).ToList();
        var since = words.Where(w => w.StartsWith("since:")).Select(w => SearchQuery.ParseWhen(w[6..], now)).FirstOrDefault();
        var text = string.Join(' ', words.Where(w => !w.StartsWith("topic:") && !w.StartsWith("since:")));
        return new SearchQuery { Text = text, Topics = topics, Since = since, Limit = 20, Facets = true };
    }

    internal static async Task CopyArticlesAsync(NpgsqlDataSource db, int stream, int streams, int total, DateTimeOffset now, CancellationToken ct, ProgressReport? progress = null)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var writer = await conn.BeginBinaryImportAsync(
            "COPY articles (source_id, url, canonical_url, title, description, body, published_at, discovered_at, language, status) FROM STDIN (FORMAT BINARY)", ct);
        var rng = new Random(1000 + stream);
        for (var i = stream; i < total; i += streams)
        {
            if ((i / streams) % 1000 == 0) progress?.Advance(Math.Min(1000, (total - i + streams - 1) / streams));
            var url = $"https://news{i % 500}.example/{i}";
            var title = Sentence(rng, 8 + rng.Next(8));
            var body = Body(rng);
            await writer.StartRowAsync(ct);
            await writer.WriteAsync((long)(1 + i % 500), NpgsqlDbType.Bigint, ct);
            await writer.WriteAsync(url, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(url, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(title, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(body[..Math.Min(200, body.Length)], NpgsqlDbType.Text, ct);
            await writer.WriteAsync(body, NpgsqlDbType.Text, ct);
            var published = now.AddMinutes(-rng.Next(730 * 24 * 60)).UtcDateTime;
            await writer.WriteAsync(published, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(published, NpgsqlDbType.TimestampTz, ct); // found when published, as a polled feed finds it
            await writer.WriteAsync("en", NpgsqlDbType.Text, ct);
            await writer.WriteAsync("processed", NpgsqlDbType.Text, ct);
        }
        await writer.CompleteAsync(ct);
    }

    private static string Body(Random rng)
    {
        var words = rng.NextDouble() < 0.7 ? 300 + rng.Next(500) : 800 + rng.Next(700);
        var sb = new StringBuilder(words * 7);
        while (words > 0)
        {
            var n = Math.Min(words, 12 + rng.Next(14));
            sb.Append(Sentence(rng, n)).Append(rng.Next(5) == 0 ? "\n\n" : " ");
            words -= n;
        }
        return sb.ToString();
    }

    private static string Sentence(Random rng, int words)
    {
        var sb = new StringBuilder();
        for (var w = 0; w < words; w++)
        {
            if (w > 0) sb.Append(' ');
            sb.Append(Word(rng));
        }
        return sb.Append('.').ToString();
    }

    /// <summary>Zipf-like: a few words very often, a long tail of rare pseudo-words, domain terms in between.</summary>
    private static string Word(Random rng)
    {
        var u = rng.NextDouble();
        if (u < 0.45) return Head[(int)(Head.Length * Math.Pow(rng.NextDouble(), 2))];
        if (u < 0.50) return Domain[rng.Next(Domain.Length)];
        if (u < 0.51) return Phrases[rng.Next(Phrases.Length)];
        var rank = (int)Math.Pow(50_000, rng.NextDouble());
        return "w" + rank.ToString("x");
    }
}
