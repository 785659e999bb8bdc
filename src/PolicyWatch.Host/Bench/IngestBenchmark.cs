using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using OpenTelemetry.Metrics;

namespace PolicyWatch.Host.Bench;

/// <summary>
/// `policywatch bench ingest`: N generated articles behind 20 feeds on a loopback server; `policywatch ingest --once`
/// runs as one child process, then as two at once on a fresh database. Reports articles/s and peak memory.
/// </summary>
public static partial class IngestBenchmark
{
    private const int Feeds = 20;

    public static async Task<string> RunAsync(string adminConnectionString, int articles, TextWriter log, CancellationToken ct)
    {
        await using var web = await StartServerAsync(articles);
        var work = Directory.CreateTempSubdirectory("policywatch-bench-").FullName;
        var feedsFile = Path.Combine(work, "feeds.json");
        await File.WriteAllTextAsync(feedsFile, FeedsJson(new Uri(web.Urls.First().TrimEnd('/') + "/")), ct);
        try
        {
            var one = await RunModeAsync(adminConnectionString, feedsFile, processes: 1, articles, log, ct);
            var two = await RunModeAsync(adminConnectionString, feedsFile, processes: 2, articles, log, ct);
            var metricsNs = MetricsNanosecondsPerRecording();
            var perArticleMs = 1000 * one.Seconds / Math.Max(1, one.Stored);
            var metricsShare = MetricsPerArticle * metricsNs / 1e6 / perArticleMs;
            return $"""
                ## Ingestion, end to end

                `policywatch bench ingest --articles {articles}` — {articles} generated articles (about 7 KB of HTML each) listed by {Feeds} RSS
                feeds on a loopback server; `policywatch ingest --once --parallel 8` polls, fetches, extracts, tags and stores them all
                in a fresh database (host delay off for the benchmark host). Measured {DateTime.UtcNow:yyyy-MM-dd} on {BenchmarkReport.Machine()}.

                | mode | articles stored | wall time | articles/s | peak memory per process |
                |---|---|---|---|---|
                | one process | {one.Stored} | {one.Seconds:0.0} s | {one.Stored / one.Seconds:0} | {one.PeakMb} MB |
                | two worker processes | {two.Stored} | {two.Seconds:0.0} s | {two.Stored / two.Seconds:0} | {two.PeakMb} MB |

                Target: at least 50 articles/s end to end.

                Metrics: with OpenTelemetry's SDK collecting PolicyWatch's meter for the Prometheus exporter (as `serve` and a
                `worker` with `Metrics:Port` do), one recording with its tags costs {metricsNs:0} ns (2,000,000 recordings of the
                fetch, article, tag and job-duration instruments, after warm-up). An article makes at most {MetricsPerArticle} (its fetch,
                outcome, extraction method, up to eight tags, its job's duration), {MetricsPerArticle * metricsNs / 1000:0.0} µs against
                {perArticleMs:0.0} ms of wall time per article above: **{metricsShare:0.00%}** of ingestion. Target: under 2%.
                """;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Recordings one article makes at most: fetch, outcome, extraction method, eight tags, job duration.</summary>
    private const int MetricsPerArticle = 12;

    /// <summary>Nanoseconds per recording (with tags) while OpenTelemetry's SDK collects the meter for the Prometheus exporter.</summary>
    private static double MetricsNanosecondsPerRecording()
    {
        using var provider = OpenTelemetry.Sdk.CreateMeterProviderBuilder().AddMeter(Telemetry.MeterName).AddPrometheusExporter().Build();
        var hosts = Enumerable.Range(0, 20).Select(i => $"host{i}.example").ToArray();
        string[] topics = ["ai-sovereignty", "chips-compute", "defense-ai", "export-controls", "model-distillation", "open-weights", "pax-silica", "us-china-ai-race"];
        void Record(int i)
        {
            switch (i & 3)
            {
                case 0: Telemetry.Fetches.Add(1, new("status_class", "2xx"), new("host", hosts[i % hosts.Length])); break;
                case 1: Telemetry.Tags.Add(1, new KeyValuePair<string, object?>("topic", topics[i % topics.Length])); break;
                case 2: Telemetry.Articles.Add(1, new KeyValuePair<string, object?>("outcome", "stored")); break;
                default: Telemetry.JobDuration.Record(0.01 * (i % 50), new KeyValuePair<string, object?>("queue", "fetch")); break;
            }
        }
        for (var i = 0; i < 200_000; i++) Record(i);
        const int n = 2_000_000;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) Record(i);
        return watch.Elapsed.TotalNanoseconds / n;
    }

    private sealed record ModeResult(int Stored, double Seconds, long PeakMb);

    private static async Task<ModeResult> RunModeAsync(string admin, string feedsFile, int processes, int articles, TextWriter log, CancellationToken ct)
    {
        var dbName = $"policywatch_bench_{processes}";
        var cs = await BenchmarkReport.RecreateDatabaseAsync(admin, dbName, ct);
        // schema and sources first, so that the timed runs measure ingestion only
        await RunChildAsync(["db", "migrate"], cs, feedsFile, ct);

        var watch = Stopwatch.StartNew();
        var runs = Enumerable.Range(0, processes).Select(_ => RunChildAsync(["ingest", "--once", "--feeds", feedsFile, "--parallel", "8"], cs, feedsFile, ct)).ToList();
        var outputs = await Task.WhenAll(runs);
        watch.Stop();

        long stored;
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync(ct);
            await using var count = new NpgsqlCommand("SELECT count(*) FROM articles WHERE status = 'processed'", conn);
            stored = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        var peak = outputs.Select(o => PeakMemory().Match(o) is { Success: true } m ? long.Parse(m.Groups[1].Value) : 0).Max();
        await log.WriteLineAsync($"{processes} process(es): {stored}/{articles} stored in {watch.Elapsed.TotalSeconds:0.0} s, peak {peak} MB");
        await BenchmarkReport.DropDatabaseAsync(admin, dbName, ct);
        return new ModeResult((int)stored, watch.Elapsed.TotalSeconds, peak);
    }

    private static ProcessStartInfo ChildStart(string[] args, string connectionString, string feedsFile, TimeSpan? hostDelay = null)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") psi.ArgumentList.Add(typeof(IngestBenchmark).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["ConnectionStrings__PolicyWatch"] = connectionString;
        psi.Environment["Ingest__FeedsFile"] = feedsFile;
        psi.Environment["Fetch__AllowPrivateNetworks"] = "true";
        psi.Environment["Fetch__HostDelay"] = (hostDelay ?? TimeSpan.Zero).ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["Fetch__MaxConcurrentPerHost"] = "16";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        return psi;
    }

    /// <summary>A `policywatch` child process on the benchmark's settings, its output read and dropped (the caller waits for it or stops it).</summary>
    internal static Process StartChild(string[] args, string connectionString, string feedsFile, TimeSpan? hostDelay = null)
    {
        var p = Process.Start(ChildStart(args, connectionString, feedsFile, hostDelay))!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static async Task<string> RunChildAsync(string[] args, string connectionString, string feedsFile, CancellationToken ct)
    {
        using var p = Process.Start(ChildStart(args, connectionString, feedsFile))!;
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"policywatch {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}");
        return await stdout;
    }

    /// <summary>The catalogue of the served feeds; with <paramref name="half"/> 0 or 1, feeds listing only that half of the articles (alternate runs of 20).</summary>
    internal static string FeedsJson(Uri baseUrl, string slug = "bench", int? half = null)
    {
        var sources = Enumerable.Range(0, Feeds).Select(i =>
            $$"""{"slug":"{{slug}}-{{i}}","name":"Bench feed {{i}}","url":"{{baseUrl}}feed/{{i}}{{(half is { } h ? $"?half={h}" : "")}}","kind":"rss","pollInterval":"1h"}""");
        return "{\"sources\":[" + string.Join(",", sources) + "]}";
    }

    internal static async Task<WebApplication> StartServerAsync(int articles)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/feed/{n:int}", (int n, int? half, HttpContext c) =>
        {
            var sb = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>bench</title>");
            for (var i = n; i < articles; i += Feeds)
                if (half is not { } h || i / Feeds % 2 == h)
                    sb.Append($"<item><title>Bench article {i}</title><link>{c.Request.Scheme}://{c.Request.Host}/a/{i}</link><pubDate>Mon, 16 Nov 2026 10:00:00 GMT</pubDate></item>");
            return Results.Text(sb.Append("</channel></rss>").ToString(), "application/rss+xml");
        });
        app.MapGet("/a/{i:int}", (int i) => Results.Text(ArticleHtml(i), "text/html; charset=utf-8"));
        await app.StartAsync();
        return app;
    }

    private static readonly string[] Words =
        ("export controls chips licence entity list accelerator wafer fabrication allied supply chain model weights open release " +
         "commerce bureau ministry semiconductor memory packaging data centre compute capacity rule guidance industry analysts said " +
         "the of and to in for on with that by as from at policy government officials report week year market demand new").Split(' ');

    /// <summary>A deterministic page with navigation, body and footer, about 7 KB.</summary>
    internal static string ArticleHtml(int i)
    {
        var rng = new Random(i);
        var body = new StringBuilder();
        for (var p = 0; p < 8; p++)
        {
            body.Append("<p>");
            for (var w = 0; w < 90; w++) body.Append(Words[rng.Next(Words.Length)]).Append(w % 15 == 14 ? ". " : " ");
            body.Append("</p>");
        }
        return $"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench article {i} | Bench Wire</title>
            <meta property="article:published_time" content="2026-11-16T10:00:00Z"><meta name="author" content="Bench Writer"></head>
            <body><header><nav><a href="/">Home</a><a href="/world">World</a><a href="/tech">Tech</a></nav></header>
            <main><article><h1>Bench article {i}</h1><div class="article-body">{body}</div></article></main>
            <footer><a href="/about">About</a> © Bench Wire</footer></body></html>
            """;
    }

    [GeneratedRegex(@"peak memory: (\d+) MB")]
    private static partial Regex PeakMemory();
}
