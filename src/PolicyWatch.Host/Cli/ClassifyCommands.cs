using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PolicyWatch.Classify;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Cli;

/// <summary>`policywatch train`, `classify`, `eval`, `reclassify`.</summary>
public static class ClassifyCommands
{
    public static Command BuildTrain()
    {
        var data = new Option<string[]>("--data") { Description = "Training JSON Lines files (default: every *.jsonl in models/training/)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string?>("--out") { Description = "Folder for the trained model (default: the shipped model, models/topics, and thresholds into models/topics.json)" };
        var trainer = new Option<string>("--trainer") { Description = "linear-svm, sdca-lr or averaged-perceptron", DefaultValueFactory = _ => "linear-svm" };
        trainer.AcceptOnlyFromAmong(TrainOptions.Trainers);
        var folds = new Option<int>("--folds") { Description = "Cross-validation folds", DefaultValueFactory = _ => 5 };
        folds.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 2 or > 20) r.AddError("--folds must be between 2 and 20"); });
        var noFeedback = new Option<bool>("--no-feedback") { Description = "Do not merge analysts' stored feedback (no database needed)" };
        var l2 = new Option<float?>("--l2") { Description = "L2 regularisation strength (default 0.0005 for the shipped taxonomy, 0.001 with --out)" };
        var noCopies = new Option<bool>("--no-body-copies") { Description = "Do not also train on each example without its title (the shipped taxonomy does; --out models do not unless --body-copies)" };
        var copies = new Option<bool>("--body-copies") { Description = "Also train on each example without its title (the default for the shipped taxonomy)" };
        var noComposites = new Option<bool>("--no-composites") { Description = "Do not also train on composite articles (two examples' bodies, both label sets; the shipped taxonomy does; --out models do not unless --composites)" };
        var composites = new Option<bool>("--composites") { Description = "Also train on composite articles of two examples with different topics (the default for the shipped taxonomy)" };
        var noPassages = new Option<bool>("--no-passage-copies")
        {
            Description = "Do not also train on each passage of the examples with one topic (the shipped taxonomy does; --out models do not unless --passage-copies)",
        };
        var passages = new Option<bool>("--passage-copies") { Description = "Also train on each passage of the examples with one topic (the default for the shipped taxonomy)" };
        var dev = new Option<string?>("--dev") { Description = "Labelled JSON Lines of real articles (models/devset/check.py --join) to report the new model's real-text figures on" };
        var charGrams = new Option<int?>("--char-grams") { Description = "Length of the character n-grams, 3 to 6 (default 5 for the shipped taxonomy, 4 with --out)" };
        charGrams.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 3 or > 6) r.AddError("--char-grams must be between 3 and 6"); });
        var seed = new Option<int>("--seed")
        {
            Description = "Seed for fold assignment, composite partners and the trainer (default 1, the shipped model's); with --members, the first member's (then +1000 each)",
            DefaultValueFactory = _ => 1,
        };
        var members = new Option<int?>("--members")
        {
            Description = "Models to train with different seeds and average into one (default 5 for the shipped taxonomy, 1 with --out)",
        };
        members.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > 50) r.AddError("--members must be between 1 and 50"); });
        var passageThreshold = new Option<float?>("--passage-threshold")
        {
            Description = "Probability one passage needs to tag an article alone (default 0.6 for the shipped taxonomy, 0.7 with --out)",
        };
        passageThreshold.Validators.Add(r => { if (r.GetValueOrDefault<float?>() is <= 0 or >= 1) r.AddError("--passage-threshold must be between 0 and 1"); });
        var minThreshold = new Option<float?>("--min-threshold") { Description = "Lowest whole-article threshold per label (default 0.7 for the shipped taxonomy, none with --out)" };
        var command = new Command("train", "Train one classifier per label found in the data; print cross-validated precision, recall and F1");
        command.Options.Add(data);
        command.Options.Add(output);
        command.Options.Add(trainer);
        command.Options.Add(folds);
        command.Options.Add(noFeedback);
        command.Options.Add(l2);
        command.Options.Add(noCopies);
        command.Options.Add(copies);
        command.Options.Add(noComposites);
        command.Options.Add(composites);
        command.Options.Add(noPassages);
        command.Options.Add(passages);
        command.Options.Add(minThreshold);
        command.Options.Add(passageThreshold);
        command.Options.Add(seed);
        command.Options.Add(charGrams);
        command.Options.Add(members);
        command.Options.Add(dev);
        command.SetAction(async (parse, ct) =>
        {
            var files = parse.GetValue(data) is { Length: > 0 } given ? given : DefaultTrainingFiles();
            var docs = files.SelectMany(LabeledDocument.ReadJsonLines).ToList();
            var err = parse.InvocationConfiguration.Error;
            if (!parse.GetValue(noFeedback))
            {
                await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
                await using var services = runtime.BuildServices();
                await services.GetRequiredService<Migrator>().MigrateAsync(ct);
                var feedback = await services.GetRequiredService<Store>().FeedbackExamplesAsync(ct);
                // feedback wins: an article an analyst judged replaces any older example with the same id
                var ids = feedback.Select(f => f.Id).ToHashSet();
                docs = [.. docs.Where(d => !ids.Contains(d.Id)), .. feedback];
                await err.WriteLineAsync($"merged {feedback.Count} article(s) with analyst feedback");
            }
            if (docs.Count == 0) throw new ConfigurationException("no training examples");
            // the shipped taxonomy's recipe without --out, the engine's defaults with it; options given override either
            var shippedModel = parse.GetValue(output) is null;
            var start = shippedModel ? TrainOptions.Shipped(parse.GetValue(trainer)!) : new TrainOptions { Trainer = parse.GetValue(trainer)! };
            var options = start with
            {
                Folds = parse.GetValue(folds), Seed = parse.GetValue(seed), L2 = parse.GetValue(l2) ?? start.L2,
                BodyOnlyCopies = !parse.GetValue(noCopies) && (parse.GetValue(copies) || start.BodyOnlyCopies),
                CompositeCopies = !parse.GetValue(noComposites) && (parse.GetValue(composites) || start.CompositeCopies),
                PassageCopies = !parse.GetValue(noPassages) && (parse.GetValue(passages) || start.PassageCopies),
                MinThreshold = parse.GetValue(minThreshold) ?? start.MinThreshold,
                PassageThreshold = parse.GetValue(passageThreshold) ?? start.PassageThreshold,
                CharacterGramLength = parse.GetValue(charGrams) ?? start.CharacterGramLength,
                Members = parse.GetValue(members) ?? start.Members,
            };
            var result = TopicTrainer.Train(docs, options, m => err.WriteLine(m));
            var o = parse.InvocationConfiguration.Output;
            await o.WriteLineAsync($"cross-validated ({parse.GetValue(folds)} folds), {docs.Count} examples, trainer {result.Model.Trainer}:");
            await o.WriteLineAsync(result.CrossValidated.ToTable());

            EvaluationReport? devReport = null;
            var devCount = 0;
            if (parse.GetValue(dev) is { } devFile)
            {
                // the figures that matter: real articles the model never saw, judged whole and by passages as in production
                var devDocs = LabeledDocument.ReadJsonLines(devFile);
                devCount = devDocs.Count;
                devReport = Evaluate(result.Model, devDocs);
                await o.WriteLineAsync($"real-article development set ({devDocs.Count} articles, {devFile}):");
                await o.WriteLineAsync(devReport.ToTable());
            }
            if (parse.GetValue(output) is { } dir)
            {
                result.Model.Save(dir);
                await o.WriteLineAsync($"model {result.Model.Version} written to {dir}");
            }
            else
            {
                var taxonomy = Taxonomy.Load(Path.Combine(ModelsRoot(), "topics.json"));
                result.Model.Save(taxonomy.ModelDir);
                taxonomy.Record(result.Model, result.CrossValidated, options, devReport, devCount);
                await o.WriteLineAsync($"model {result.Model.Version} written to {taxonomy.ModelDir}; thresholds and metrics{(devReport is null ? "" : ", real-article figures")} in topics.json");
            }
            return 0;
        });
        return command;
    }

    public static Command BuildClassify()
    {
        var model = ModelOption();
        var input = new Option<string>("--in") { Description = "JSON Lines of {\"id\",\"title\",\"text\"}", Required = true };
        var output = new Option<string>("--out") { Description = "JSON Lines of {\"id\",\"topics\":[...],\"scores\":{...},\"documentScores\":{...},\"passageScores\":{...}}", Required = true };
        var atLeastOne = AtLeastOneOption();
        var command = new Command("classify", "Tag documents from a JSON Lines file with a trained model (default: the shipped one)");
        command.Options.Add(model);
        command.Options.Add(input);
        command.Options.Add(output);
        command.Options.Add(atLeastOne);
        command.SetAction((parse, ct) =>
        {
            var m = LoadModel(parse.GetValue(model));
            var docs = LabeledDocument.ReadJsonLines(parse.GetValue(input)!);
            using var w = new StreamWriter(parse.GetValue(output)!);
            for (var i = 0; i < docs.Count; i++)
            {
                var predictions = m.Predict(docs[i].Title ?? "", docs[i].Text ?? "");
                var scores = predictions.ToDictionary(p => p.Label, p => MathF.Round(p.Score, 4));
                var topics = Decide(predictions, parse.GetValue(atLeastOne));
                w.WriteLine(JsonSerializer.Serialize(new
                {
                    id = docs[i].Id, topics, scores,
                    documentScores = predictions.ToDictionary(p => p.Label, p => MathF.Round(p.DocumentScore, 4)),
                    passageScores = predictions.ToDictionary(p => p.Label, p => MathF.Round(p.PassageScore, 4)),
                }));
            }
            parse.InvocationConfiguration.Error.WriteLine($"classified {docs.Count} document(s) with model {m.Version}");
            return Task.FromResult(0);
        });
        return command;
    }

    public static Command BuildEval()
    {
        var model = ModelOption();
        var data = new Option<string>("--data") { Description = "Labelled JSON Lines to score against", Required = true };
        var atLeastOne = AtLeastOneOption();
        var wholeOnly = new Option<bool>("--whole-only") { Description = "Judge whole documents only, without passages (for comparison)" };
        var passageThreshold = new Option<float?>("--passage-threshold") { Description = "Use this passage threshold for every label (for tuning)" };
        var command = new Command("eval", "Per-label and micro/macro precision, recall and F1 of a model on labelled data");
        command.Options.Add(model);
        command.Options.Add(data);
        command.Options.Add(atLeastOne);
        command.Options.Add(wholeOnly);
        command.Options.Add(passageThreshold);
        command.SetAction(async (parse, ct) =>
        {
            var m = LoadModel(parse.GetValue(model));
            var docs = LabeledDocument.ReadJsonLines(parse.GetValue(data)!);
            if (parse.GetValue(passageThreshold) is { } pt)
                foreach (var l in m.Labels) l.PassageThreshold = pt;
            var report = Evaluate(m, docs, parse.GetValue(wholeOnly), parse.GetValue(atLeastOne));
            await parse.InvocationConfiguration.Output.WriteLineAsync(report.ToTable());
            return 0;
        });
        return command;
    }

    public static Command BuildReclassify()
    {
        var since = new Option<string?>("--since") { Description = "Only articles published since this date (yyyy-mm-dd)" };
        var command = new Command("reclassify", "Re-tag stored articles with the current model (analysts' verdicts are kept)");
        command.Options.Add(since);
        command.SetAction(async (parse, ct) =>
        {
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } s)
            {
                if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d))
                    throw new ConfigurationException($"--since: '{s}' is not a date");
                from = d;
            }
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            await using var services = runtime.BuildServices();
            await services.GetRequiredService<Migrator>().MigrateAsync(ct);
            var err = parse.InvocationConfiguration.Error;
            var count = await services.GetRequiredService<Reclassifier>().RunAsync(from, ct, progress: line => err.WriteLine(line));
            await parse.InvocationConfiguration.Output.WriteLineAsync($"re-tagged {count} article(s) with model {services.GetRequiredService<TopicClassifier>().Model!.Version}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The model's per-label and micro figures on labelled documents, over the model's labels and the documents' own:
    /// judged as shipped (whole article or one passage), or whole articles only; <paramref name="atLeastOne"/> gives
    /// every document its best label when none is tagged.
    /// </summary>
    internal static EvaluationReport Evaluate(TopicModel model, IReadOnlyList<LabeledDocument> docs, bool wholeOnly = false, bool atLeastOne = false)
    {
        var predicted = docs.Select(d =>
        {
            var predictions = wholeOnly
                ? model.PredictWhole(model.Featurizer.Transform(d.Title ?? "", d.Text ?? ""))
                : model.Predict(d.Title ?? "", d.Text ?? "");
            return (IReadOnlyCollection<string>)Decide(predictions, atLeastOne).ToHashSet();
        }).ToList();
        var labels = model.Labels.Select(l => l.Label).Union(docs.SelectMany(d => d.Labels)).Order(StringComparer.Ordinal).ToList();
        return EvaluationReport.Compute(labels, docs.Select(d => (IReadOnlyCollection<string>)d.Labels.ToHashSet()).ToList(), predicted);
    }

    internal static List<string> Decide(IReadOnlyList<TopicPrediction> predictions, bool atLeastOne) =>
        (atLeastOne ? TopicModel.TagBestWhenNone(predictions) : predictions)
            .Where(p => p.Tagged).OrderByDescending(p => p.Score).Select(p => p.Label).ToList();

    private static Option<bool> AtLeastOneOption() => new("--at-least-one")
    {
        Description = "Give every document its best label when none passes its threshold (a model trained on a closed label set, "
                      + "where every example has a label, always does)",
    };

    private static Option<string?> ModelOption() => new("--model") { Description = "Model folder (default: the shipped model named by models/topics.json)" };

    internal static TopicModel LoadModel(string? dir) =>
        TopicModel.Load(dir ?? Taxonomy.Load(Path.Combine(ModelsRoot(), "topics.json")).ModelDir);

    /// <summary>models/ of the checkout when run from one, else the copy beside the executable.</summary>
    internal static string ModelsRoot()
    {
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "PolicyWatch.sln"))) return Path.Combine(d.FullName, "models");
        return AppPaths.Resolve("models");
    }

    private static string[] DefaultTrainingFiles()
    {
        var dir = Path.Combine(ModelsRoot(), "training");
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.jsonl").Order().ToArray() : [];
        if (files.Length == 0) throw new ConfigurationException($"{dir}: no *.jsonl training files");
        return files;
    }
}
