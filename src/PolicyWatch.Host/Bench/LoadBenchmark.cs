using System.Diagnostics;
using Npgsql;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Bench;

/// <summary>
/// `policywatch bench load`: search latency and ingest throughput when both run at once, against each alone. On a copy
/// of the generated search corpus (the kept corpus stays as built): analysts search for a while with nothing else
/// running; ingestion runs alone for a while; then `ingest --once` runs for the stated minutes while the analysts
/// keep searching. Each analyst runs the search benchmark's queries in a random order with a think time between them.
/// </summary>
public static class LoadBenchmark
{
    private const string LoadDb = "policywatch_bench_load";

    /// <summary>Think time between one analyst's searches: uniform in [1 s, 5 s], so 20 analysts send about 7 searches a second.</summary>
    private static TimeSpan Think(Random r) => TimeSpan.FromMilliseconds(1000 + r.Next(4000));

    /// <summary>
    /// Runs the benchmark and returns its markdown section. <paramref name="hosts"/> &gt; 0 paces ingestion as that many
    /// sites polled with the default 1 s per-host delay would (the loopback server is one host, given 1 s / hosts);
    /// 0 lets it run flat out, a backlog being caught up.
    /// </summary>
    public static async Task<string> RunAsync(string adminConnectionString, int corpusArticles, bool rebuild, TimeSpan duration, int analysts, int hosts,
        TextWriter log, CancellationToken ct)
    {
        TimeSpan? hostDelay = hosts > 0 ? TimeSpan.FromSeconds(1.0 / hosts) : null;
        var corpus = await BenchCorpus.OpenAsync(adminConnectionString, corpusArticles, rebuild, log, ct);
        await BenchmarkReport.DropDatabaseAsync(adminConnectionString, LoadDb, ct);
        await log.WriteLineAsync($"copying the corpus into {LoadDb}");
        await using (var conn = new NpgsqlConnection(adminConnectionString))
        {
            await conn.OpenAsync(ct);
            await using var copy = new NpgsqlCommand($"CREATE DATABASE {LoadDb} TEMPLATE {BenchCorpus.DbName}", conn) { CommandTimeout = 0 };
            await copy.ExecuteNonQueryAsync(ct);
        }
        var cs = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = LoadDb }.ConnectionString;
        var alone = TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 5, 30, 120));
        // enough articles that ingestion never runs dry: 400 a second at most on this kind of machine
        var pool = (int)Math.Ceiling((duration + alone).TotalSeconds * 400);
        await using var web = await IngestBenchmark.StartServerAsync(pool);
        var work = Directory.CreateTempSubdirectory("policywatch-load-").FullName;
        try
        {
            var baseUrl = new Uri(web.Urls.First().TrimEnd('/') + "/");
            await using var db = NpgsqlDataSource.Create(cs);

            await log.WriteLineAsync($"{analysts} analysts searching, nothing else, for {alone.TotalSeconds:0} s");
            var idle = await SearchLoadAsync(db, corpus.BuiltAt, analysts, alone, ct);

            // two halves of the served articles, so the loaded run finds nothing the first one stored
            var firstFeeds = Path.Combine(work, "first.json");
            var secondFeeds = Path.Combine(work, "second.json");
            await File.WriteAllTextAsync(firstFeeds, IngestBenchmark.FeedsJson(baseUrl, "load-a", half: 0), ct);
            await File.WriteAllTextAsync(secondFeeds, IngestBenchmark.FeedsJson(baseUrl, "load-b", half: 1), ct);
            await log.WriteLineAsync($"ingestion alone for {alone.TotalSeconds:0} s");
            var ingestAlone = await IngestForAsync(db, cs, firstFeeds, alone, hostDelay, ct);

            await log.WriteLineAsync($"ingestion and {analysts} analysts at once for {duration.TotalMinutes:0.#} min");
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var ingesting = IngestForAsync(db, cs, secondFeeds, duration, hostDelay, abort.Token);
            List<double> loaded;
            try { loaded = await SearchLoadAsync(db, corpus.BuiltAt, analysts, duration, ct); }
            catch
            {
                // the ingest child must not outlive a failed run (its database is dropped below)
                await abort.CancelAsync();
                try { await ingesting; } catch (OperationCanceledException) { }
                throw;
            }
            var ingestLoaded = await ingesting;

            static double P(List<double> sorted, double q) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
            var ratio = P(loaded, 0.95) / Math.Max(0.001, P(idle, 0.95));
            return $"""
                ## Search under ingestion load

                `policywatch bench load --minutes {duration.TotalMinutes:0.#} --analysts {analysts} --hosts {hosts}` — on a copy of the {corpus.Articles:N0}-article search corpus
                (`bench search`): {analysts} analysts search with nothing else running for {alone.TotalSeconds:0} s; `ingest --once --parallel 8`
                runs alone for {alone.TotalSeconds:0} s; then it runs for {duration.TotalMinutes:0.#} min while the analysts keep searching. Each analyst runs the
                search benchmark's {SearchBenchmark.Queries.Length} queries (facets on, 20 hits) in a random order with 1–5 s of thought between them;
                the articles are those of `bench ingest` (about 7 KB of HTML each, 20 RSS feeds on a loopback server).
                Measured {DateTime.UtcNow:yyyy-MM-dd} on {BenchmarkReport.Machine()}.

                Ingestion {(hosts > 0 ? $"is paced as {hosts} sites polled with the default 1 s per-host delay would be (the loopback server, one host, is given 1 s / {hosts})" : "runs flat out, as when a backlog is caught up (`--hosts 0`)")};
                its rates count from the first stored article (after the child's start and first polls) to the end; the
                `ingest` child runs below normal CPU priority, as `deploy/systemd/policywatch-worker.service` runs workers (`Nice=10`).

                | | searches | search p50 | search p95 | search max | articles stored | articles/s |
                |---|---|---|---|---|---|---|
                | searching alone | {idle.Count} | {P(idle, 0.5):0} ms | {P(idle, 0.95):0} ms | {(idle.Count == 0 ? 0 : idle[^1]):0} ms | | |
                | ingesting alone | | | | | {ingestAlone.Stored} | {ingestAlone.Stored / ingestAlone.Seconds:0} |
                | both at once | {loaded.Count} | {P(loaded, 0.5):0} ms | {P(loaded, 0.95):0} ms | {(loaded.Count == 0 ? 0 : loaded[^1]):0} ms | {ingestLoaded.Stored} | {ingestLoaded.Stored / ingestLoaded.Seconds:0} |

                Search p95 under load is **{ratio:0.0}×** its idle value. Target: within 2×.
                """;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            await BenchmarkReport.DropDatabaseAsync(adminConnectionString, LoadDb, ct);
        }
    }

    /// <summary>Search latencies in ms, sorted, of <paramref name="analysts"/> concurrent analysts over <paramref name="duration"/>.</summary>
    private static async Task<List<double>> SearchLoadAsync(NpgsqlDataSource db, DateTimeOffset now, int analysts, TimeSpan duration, CancellationToken ct)
    {
        var store = new Store(db);
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, analysts).Select(a => Task.Run(async () =>
        {
            var random = new Random(a);
            // analysts do not all start in the same instant
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(3000)), ct);
            while (Stopwatch.GetTimestamp() < until)
            {
                var query = SearchBenchmark.Parse(SearchBenchmark.Queries[random.Next(SearchBenchmark.Queries.Length)], now);
                var watch = Stopwatch.StartNew();
                await store.SearchAsync(query, now, ct);
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                await Task.Delay(Think(random), ct);
            }
        }, ct)));
        return latencies.Order().ToList();
    }

    private sealed record IngestRun(long Stored, double Seconds);

    /// <summary>
    /// Runs `ingest --once` on <paramref name="feedsFile"/> for <paramref name="duration"/>, then stops it; counts what
    /// it stored from its first stored article on (its start and its first polls, which list tens of thousands of
    /// items, are not the steady rate). The child runs below normal CPU priority, as the worker unit ships (Nice=10).
    /// </summary>
    private static async Task<IngestRun> IngestForAsync(NpgsqlDataSource db, string connectionString, string feedsFile, TimeSpan duration, TimeSpan? hostDelay,
        CancellationToken ct)
    {
        var before = await ProcessedAsync(db, ct);
        var watch = Stopwatch.StartNew();
        using var child = IngestBenchmark.StartChild(["ingest", "--once", "--feeds", feedsFile, "--parallel", "8"], connectionString, feedsFile, hostDelay);
        try
        {
            try { child.PriorityClass = ProcessPriorityClass.BelowNormal; }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException) { }
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            stop.CancelAfter(duration);
            var first = before;
            var firstAt = duration.TotalSeconds;
            while (!stop.IsCancellationRequested && !child.HasExited && (first = await ProcessedAsync(db, ct)) == before)
                await Task.Delay(500, ct);
            if (first > before) firstAt = watch.Elapsed.TotalSeconds;
            try { await child.WaitForExitAsync(stop.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
            var seconds = watch.Elapsed.TotalSeconds - firstAt;
            var stored = await ProcessedAsync(db, ct) - first;
            if (child.HasExited && child.ExitCode != 0) throw new InvalidOperationException($"policywatch ingest failed ({child.ExitCode})");
            return new IngestRun(stored, seconds);
        }
        finally
        {
            // stopped at the end of its time, or when the run fails: never left running against a database about to be dropped
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    private static async Task<long> ProcessedAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM articles WHERE status = 'processed'", conn);
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }
}
