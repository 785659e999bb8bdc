using System.CommandLine;
using Npgsql;
using PolicyWatch.Host.Bench;

namespace PolicyWatch.Host.Cli;

/// <summary>`policywatch bench ingest|extraction|…`: measurements written to docs/benchmarks.md.</summary>
public static class BenchCommand
{
    public static Command Build()
    {
        var bench = new Command("bench", "Run a benchmark and record it in docs/benchmarks.md");
        var output = new Option<string?>("--out") { Description = "Markdown file to update (default: docs/benchmarks.md of the checkout)", Recursive = true };
        bench.Options.Add(output);

        var articles = new Option<int>("--articles") { Description = "Articles to serve and ingest", DefaultValueFactory = _ => 2000 };
        articles.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 1_000_000) r.AddError("--articles must be between 1 and 1000000"); });
        var ingest = new Command("ingest", "End-to-end ingestion speed from a loopback server, one process and two");
        ingest.Options.Add(articles);
        ingest.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            var admin = runtime.Configuration.GetConnectionString("PolicyWatch")!;
            var markdown = await IngestBenchmark.RunAsync(admin, parse.GetValue(articles), parse.InvocationConfiguration.Error, ct);
            Write(parse, output, "ingest", markdown);
            return 0;
        });
        bench.Subcommands.Add(ingest);

        var pages = new Option<string>("--pages") { Description = "Benchmark folder with html/, ground-truth.json and score.py", DefaultValueFactory = _ => SharedPath("benchmarks/extraction") };
        var passes = new Option<int>("--passes") { Description = "Timed passes over the pages", DefaultValueFactory = _ => 5 };
        var multi = new Option<string>("--multi") { Description = "The many-sites, many-languages benchmark folder (html/, spec.json, score.py, meta_score.py)", DefaultValueFactory = _ => SharedPath("benchmarks/extraction-multi") };
        var keep = new Option<string?>("--keep-predictions")
        {
            Description = "Folder to keep the many-sites predictions in (multi-policywatch.json, multi-smartreader.json), for meta_score.py --show N",
        };
        var extraction = new Command("extraction", "Extraction quality (body F1, metadata) and speed on the shared benchmark pages, beside SmartReader");
        extraction.Options.Add(pages);
        extraction.Options.Add(multi);
        extraction.Options.Add(passes);
        extraction.Options.Add(keep);
        extraction.SetAction(async (parse, ct) =>
        {
            var markdown = await ExtractionBenchmark.RunAsync(parse.GetValue(pages)!, Math.Max(1, parse.GetValue(passes)), parse.InvocationConfiguration.Error, ct);
            if (Directory.Exists(parse.GetValue(multi)))
                markdown += "\n\n" + await ExtractionBenchmark.RunMultiAsync(parse.GetValue(multi)!, parse.InvocationConfiguration.Error, ct, parse.GetValue(keep));
            Write(parse, output, "extraction", markdown);
            return 0;
        });
        bench.Subcommands.Add(extraction);

        var reuters = new Option<string>("--reuters") { Description = "Reuters-21578 folder with train.jsonl, test.jsonl and score.py", DefaultValueFactory = _ => SharedPath("benchmarks/reuters21578") };
        var trainer = new Option<string>("--trainer") { Description = "linear-svm, sdca-lr or averaged-perceptron", DefaultValueFactory = _ => "linear-svm" };
        trainer.AcceptOnlyFromAmong(Classify.TrainOptions.Trainers);
        var devset = new Option<string?>("--dev") { Description = "The real-article development set, joined (models/devset/check.py --join), for real-text figures" };
        var heldOut = new Option<string[]>("--held-out")
        {
            Description = "Joined held-out sets of real articles (models/devset/check.py --join), each scored by the shipped recipe (seed 1)",
            AllowMultipleArgumentsPerToken = true,
        };
        var classify = new Command("classify", "Classifier quality on Reuters-21578, on the taxonomy and on real articles, training time and throughput");
        classify.Options.Add(reuters);
        classify.Options.Add(devset);
        classify.Options.Add(heldOut);
        classify.Options.Add(trainer);
        classify.SetAction(async (parse, ct) =>
        {
            var markdown = await ClassifyBenchmark.RunAsync(parse.GetValue(reuters)!, parse.GetValue(trainer)!, parse.GetValue(devset),
                parse.GetValue(heldOut) ?? [], parse.InvocationConfiguration.Error, ct);
            Write(parse, output, "classify", markdown);
            return 0;
        });
        bench.Subcommands.Add(classify);

        var labelled = new Option<string>("--labelled") { Description = "Labelled passages (JSON Lines: id, text, artefacts)", DefaultValueFactory = _ => Path.Combine(ClassifyCommands.ModelsRoot(), "artefacts", "labelled.jsonl") };
        var artefacts = new Command("artefacts", "Reference recogniser: precision and recall per kind on our labelled passages, and speed");
        artefacts.Options.Add(labelled);
        artefacts.SetAction(async (parse, ct) =>
        {
            var markdown = await ArtefactBenchmark.RunAsync(parse.GetValue(labelled)!, parse.InvocationConfiguration.Error, ct);
            Write(parse, output, "artefacts", markdown);
            return 0;
        });
        bench.Subcommands.Add(artefacts);

        var corpus = new Option<int>("--articles") { Description = "Generated articles", DefaultValueFactory = _ => 1_000_000 };
        corpus.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 100 or > 5_000_000) r.AddError("--articles must be between 100 and 5000000"); });
        var rebuild = new Option<bool>("--rebuild") { Description = "Build the generated corpus afresh even when a matching one is kept from an earlier run" };
        var search = new Command("search", "Search latency with facets on a generated corpus (default 1,000,000 articles)");
        search.Options.Add(corpus);
        search.Options.Add(rebuild);
        search.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            var markdown = await SearchBenchmark.RunAsync(runtime.Configuration.GetConnectionString("PolicyWatch")!, parse.GetValue(corpus), parse.GetValue(rebuild), parse.InvocationConfiguration.Error, ct);
            Write(parse, output, "search", markdown);
            return 0;
        });
        bench.Subcommands.Add(search);

        var minutes = new Option<double>("--minutes") { Description = "How long ingestion and searches run together", DefaultValueFactory = _ => 10 };
        minutes.Validators.Add(r => { if (r.GetValueOrDefault<double>() is < 0.5 or > 120) r.AddError("--minutes must be between 0.5 and 120"); });
        var analysts = new Option<int>("--analysts") { Description = "Analysts searching at once (each with 1–5 s between searches)", DefaultValueFactory = _ => 20 };
        analysts.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 500) r.AddError("--analysts must be between 1 and 500"); });
        var hosts = new Option<int>("--hosts") { Description = "Pace ingestion as this many sites at the default 1 s per-host delay (0: flat out, a backlog caught up)", DefaultValueFactory = _ => 40 };
        hosts.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 1000) r.AddError("--hosts must be between 0 and 1000"); });
        var load = new Command("load", "Search latency while ingesting, against each alone, on a copy of the search corpus (default 10 minutes, 20 analysts)");
        load.Options.Add(corpus);
        load.Options.Add(rebuild);
        load.Options.Add(minutes);
        load.Options.Add(analysts);
        load.Options.Add(hosts);
        load.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            var markdown = await LoadBenchmark.RunAsync(runtime.Configuration.GetConnectionString("PolicyWatch")!, parse.GetValue(corpus), parse.GetValue(rebuild),
                TimeSpan.FromMinutes(parse.GetValue(minutes)), parse.GetValue(analysts), parse.GetValue(hosts), parse.InvocationConfiguration.Error, ct);
            Write(parse, output, "load", markdown);
            return 0;
        });
        bench.Subcommands.Add(load);

        var digestArticles = new Option<int>("--articles") { Description = "Generated articles", DefaultValueFactory = _ => 1_000_000 };
        var subscribers = new Option<int>("--subscribers") { Description = "Subscribers", DefaultValueFactory = _ => 1000 };
        subscribers.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 100_000) r.AddError("--subscribers must be between 1 and 100000"); });
        var digest = new Command("digest", "Render and send digests for many subscribers to a loopback SMTP server");
        digest.Options.Add(digestArticles);
        digest.Options.Add(subscribers);
        digest.Options.Add(rebuild);
        digest.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            var markdown = await DigestBenchmark.RunAsync(runtime.Configuration.GetConnectionString("PolicyWatch")!, parse.GetValue(digestArticles),
                parse.GetValue(subscribers), parse.GetValue(rebuild), parse.InvocationConfiguration.Error, ct);
            Write(parse, output, "digest", markdown);
            return 0;
        });
        bench.Subcommands.Add(digest);
        return bench;
    }

    /// <summary>A path under ../shared beside the checkout (where CI puts it), else under the working directory.</summary>
    internal static string SharedPath(string relative)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", relative);
            if (Directory.Exists(candidate) || File.Exists(candidate)) return candidate;
        }
        return Path.Combine("..", "shared", relative);
    }

    private static void Write(ParseResult parse, Option<string?> output, string name, string markdown)
    {
        var path = parse.GetValue(output) ?? BenchmarkReport.DefaultPath();
        BenchmarkReport.Write(path, name, markdown);
        parse.InvocationConfiguration.Output.WriteLine(markdown);
        parse.InvocationConfiguration.Output.WriteLine($"(written to {path})");
    }
}
