using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace PolicyWatch.Classify;

public sealed record TrainOptions
{
    /// <summary>
    /// <c>linear-svm</c> (the default: best measured, see docs/benchmarks.md), <c>sdca-lr</c> (SDCA logistic regression) or
    /// <c>averaged-perceptron</c>; margins are Platt-calibrated into probabilities.
    /// </summary>
    public string Trainer { get; init; } = "linear-svm";
    /// <summary>Cross-validation folds used to choose each label's threshold and to report its quality.</summary>
    public int Folds { get; init; } = 5;
    /// <summary>
    /// L2 regularisation (SDCA's l2Regularization, the SVM's lambda). 0.001 by default; the shipped taxonomy uses
    /// 0.0005: over training seeds 1–5, the mean micro-F1 at 0.00025 / 0.0005 / 0.001 / 0.002 was 0.933 / 0.936 /
    /// 0.934 / 0.931 on the real-article development set, 0.925 / 0.921 / 0.917 / 0.914 on the first held-out set and
    /// 0.858 / 0.862 / 0.858 / 0.850 on the second (models/devset).
    /// </summary>
    public float L2 { get; init; } = 1e-3f;
    public int Iterations { get; init; } = 30;
    /// <summary>Seeds the fold assignment (<see cref="AssignFolds"/>), the choice of composite partners and the trainers; the shipped model uses 1.</summary>
    public int Seed { get; init; } = 1;
    public int Parallelism { get; init; } = Environment.ProcessorCount;
    /// <summary>Labels with fewer positive examples are not trained (nothing can be learned or measured).</summary>
    public int MinPositives { get; init; } = 1;
    /// <summary>Character n-grams besides words.</summary>
    public bool CharacterGrams { get; init; } = true;
    /// <summary>
    /// Length of the character n-grams, 3 to 6. Four by default (the engine as any label set gets it; Reuters-21578
    /// all90 micro-F1 0.881 with 4-grams, 0.875 with 5, on the same folds, before <see cref="AtLeastOneLabel"/>). The
    /// shipped taxonomy uses 5: on the real-article development set, mean micro-F1 over training seeds 1–5 was 0.913
    /// with 4-grams and 0.923 with 5 at thresholds 0.6/0.5, and 0.916 against 0.925 at the shipped 0.7/0.6 (6-grams
    /// lost precision; training data of that day). Whole-article figures alone moved less.
    /// </summary>
    public int CharacterGramLength { get; init; } = 4;
    /// <summary>
    /// Also learn from every example without its title (in the same fold as the original), so that a topic named
    /// only in the body, or under an unrelated or empty headline, is learnt as the topic. Thresholds and reported
    /// quality come from the original examples only.
    /// </summary>
    public bool BodyOnlyCopies { get; init; }
    /// <summary>
    /// Also learn from composite articles: each labelled example's body followed by the body of another example of the
    /// same fold with different topics, labelled with both sets. Our examples mostly hold one topic each, so a linear
    /// model learns one topic's words as evidence against the others ("distillation" against export controls);
    /// real articles discuss several in separate sections. Thresholds and reported quality come from the originals.
    /// </summary>
    public bool CompositeCopies { get; init; }
    /// <summary>
    /// Also learn from every passage (<see cref="Passages.Split"/>, at least <see cref="Passages.MinWords"/> words) of
    /// each example with exactly one topic, labelled with that topic, in its example's fold: the model scores an
    /// article's passages one by one, and a real article's second topic is often one paragraph, shorter than our
    /// examples. An example with several topics stays whole (which passage carries which topic is not known).
    /// Thresholds and reported quality come from the originals.
    /// </summary>
    public bool PassageCopies { get; init; }
    /// <summary>
    /// The lowest whole-article threshold a label may get. Our examples separate far more cleanly than real articles,
    /// so thresholds chosen on them alone are too permissive: the shipped 0.7 was chosen on the real-article
    /// development set (models/devset), one number for every label, inside a plateau (seed means 0.923–0.926 for
    /// floors 0.6–0.75 and passage thresholds 0.5–0.65). 0 keeps the out-of-fold choice (other label sets, Reuters).
    /// </summary>
    public float MinThreshold { get; init; }
    /// <summary>
    /// The probability one passage needs to tag an article on its own (chosen on the development set, one number for
    /// every label): 0.6 for the shipped model, whose composites teach it a topic's section inside another's article.
    /// </summary>
    public float PassageThreshold { get; init; } = 0.7f;
    /// <summary>
    /// Whether the model gives a document with no label over its threshold its best label
    /// (<see cref="TopicModel.AtLeastOneLabel"/>). Null (the default) infers it from the data: true when every
    /// training document carries a label, as in a closed category set such as Reuters-21578. The shipped taxonomy sets
    /// false, so that training it on a file without no-topic examples can never make every article get a topic.
    /// </summary>
    public bool? AtLeastOneLabel { get; init; }
    /// <summary>
    /// How many models to train and average (an ensemble folded into one model, so prediction costs the same): member
    /// <c>b</c> uses seed <c>Seed + 1000·b</c> (its own folds, composite partners and SVM sampling), and the result's
    /// log-odds are the members' calibrated log-odds averaged (<see cref="TopicModel.AverageLogOdds"/>). 1 trains one model.
    /// </summary>
    public int Members { get; init; } = 1;

    /// <summary>
    /// The settings of the shipped taxonomy model (<c>policywatch train</c> without <c>--out</c>): title-less copies,
    /// composites, passage copies, character 5-grams, L2 0.0005, the 0.7 floor and 0.6 per passage, never a fallback label
    /// (articles with no topic are the common case), and five members averaged: over base seeds 1–5 the held-out sets'
    /// mean micro-F1 was unchanged (0.888 one model, 0.889 five) but the spread between seeds narrowed (holdout-4:
    /// 0.865–0.895 one model, 0.865–0.879 five), so the shipped model depends less on one seed's luck. Passage copies
    /// then raised the held-out mean from 0.889 to 0.894 (holdout-4 0.872 → 0.881) with the development set level (0.941, 0.939).
    /// </summary>
    public static TrainOptions Shipped(string trainer = "linear-svm") => new()
    {
        Trainer = trainer, BodyOnlyCopies = true, CompositeCopies = true, PassageCopies = true, CharacterGramLength = 5,
        MinThreshold = 0.7f, PassageThreshold = 0.6f,
        L2 = 5e-4f, AtLeastOneLabel = false, Members = 5,
    };

    public static readonly string[] Trainers = ["sdca-lr", "linear-svm", "averaged-perceptron"];
}

public sealed record TrainResult(TopicModel Model, EvaluationReport CrossValidated, TimeSpan Elapsed);

/// <summary>
/// Trains one calibrated binary classifier per label over shared text features. Each label's threshold is the one
/// that maximises its F1 on out-of-fold predictions; the reported quality is those same out-of-fold predictions.
/// </summary>
public static class TopicTrainer
{
    private sealed class Row
    {
        public VBuffer<float> Features { get; set; }
        public bool Label { get; set; }
    }

    /// <summary>
    /// Trains on <paramref name="docs"/> (labels found in them; unlabelled documents are negatives for every label) and
    /// returns the model with its cross-validated report (with <see cref="TrainOptions.Members"/> over 1, the averaged
    /// model and the first member's report). <paramref name="log"/> receives progress lines. Throws
    /// <see cref="ConfigurationException"/> for an unknown trainer.
    /// </summary>
    public static TrainResult Train(IReadOnlyList<LabeledDocument> docs, TrainOptions options, Action<string>? log = null)
    {
        var watch = Stopwatch.StartNew();
        log ??= _ => { };
        if (options.Members > 1)
        {
            var members = Enumerable.Range(0, options.Members)
                .Select(b => TrainSingle(docs, options with { Seed = options.Seed + 1000 * b }, b == 0 ? log : _ => { })).ToList();
            log($"{options.Members} members averaged; cross-validated figures are the first member's (seed {options.Seed})");
            var merged = TopicModel.AverageLogOdds(members.Select(m => m.Model).ToList(), NewVersion(options));
            return new TrainResult(merged, members[0].CrossValidated, watch.Elapsed);
        }
        return TrainSingle(docs, options, log);
    }

    // stored with every tag: when the model was trained, and how
    private static string NewVersion(TrainOptions options) => $"{DateTime.UtcNow:yyyyMMddHHmmss}-{options.Trainer}";

    private static TrainResult TrainSingle(IReadOnlyList<LabeledDocument> docs, TrainOptions options, Action<string> log)
    {
        var watch = Stopwatch.StartNew();
        var labels = docs.SelectMany(d => d.Labels).Distinct().Order(StringComparer.Ordinal).ToList();
        var frequency = labels.ToDictionary(l => l, l => docs.Count(d => d.Labels.Contains(l)));
        var trainable = labels.Where(l => frequency[l] >= options.MinPositives).ToList();
        var ml = new MLContext(seed: options.Seed);
        var texts = docs.Select(d => (d.Title ?? "", d.Text ?? "")).ToList();
        var featurizer = TextFeaturizer.Fit(ml, texts, options.CharacterGrams, options.CharacterGramLength);
        // out-of-fold probabilities: fold k's documents scored by a model that never saw them
        var folds = Math.Max(2, Math.Min(options.Folds, docs.Count));
        // stratified by each example's rarest label, so a label with few examples has some in every fold and its
        // out-of-fold threshold is not set by chance
        var foldOf = AssignFolds(docs.Count, folds, options.Seed, i => docs[i].Labels.Count == 0 ? ""
            : docs[i].Labels.OrderBy(l => frequency[l]).ThenBy(l => l, StringComparer.Ordinal).First());

        // copies without titles, passages and composites train alongside their originals; parentOf maps every training
        // row to the example whose fold it belongs to, rowLabels gives each row its labels
        var parentOf = Enumerable.Range(0, docs.Count).ToList();
        var rowLabels = docs.Select(d => (IReadOnlyCollection<string>)d.Labels.ToHashSet()).ToList();
        void AddRow(string title, string body, int parent, IReadOnlyCollection<string> labels)
        {
            texts.Add((title, body));
            parentOf.Add(parent);
            rowLabels.Add(labels);
        }
        if (options.BodyOnlyCopies)
            for (var i = 0; i < docs.Count; i++)
                if (!string.IsNullOrWhiteSpace(docs[i].Title) && !string.IsNullOrWhiteSpace(docs[i].Text)) AddRow("", docs[i].Text!, i, rowLabels[i]);
        if (options.PassageCopies)
            for (var i = 0; i < docs.Count; i++)
            {
                if (docs[i].Labels.Count != 1 || string.IsNullOrWhiteSpace(docs[i].Text)) continue;
                var body = docs[i].Text!;
                var passages = Passages.Split(body);
                if (passages.Count < 2) continue; // one passage is the body itself, already learnt
                foreach (var passage in passages.Where(p => p.Words >= Passages.MinWords))
                    AddRow("", passage.Text(body), i, rowLabels[i]);
            }
        if (options.CompositeCopies)
        {
            var random = new Random(options.Seed);
            for (var i = 0; i < docs.Count; i++)
            {
                if (docs[i].Labels.Count == 0 || string.IsNullOrWhiteSpace(docs[i].Text)) continue;
                // a partner from the same fold, so no fold ever tests an example it trained a composite of
                var partners = Enumerable.Range(0, docs.Count).Where(j => j != i && foldOf[j] == foldOf[i] && docs[j].Labels.Count > 0
                    && !string.IsNullOrWhiteSpace(docs[j].Text) && !docs[j].Labels.ToHashSet().SetEquals(docs[i].Labels)).ToList();
                if (partners.Count == 0) continue;
                var j = partners[random.Next(partners.Count)];
                AddRow(docs[i].Title ?? "", docs[i].Text + "\n\n" + docs[j].Text, i, docs[i].Labels.Union(docs[j].Labels).ToHashSet());
            }
        }
        var x = featurizer.Transform(texts);
        log($"{docs.Count} documents ({texts.Count} training rows), {trainable.Count} labels, {featurizer.Dimension} features ({watch.Elapsed.TotalSeconds:0.0} s)");
        var rows = Enumerable.Range(0, texts.Count).ToList();

        var labelModels = new LabelModel[trainable.Count];
        var oof = new float[trainable.Count][];
        Parallel.For(0, trainable.Count, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism }, li =>
        {
            var label = trainable[li];
            var y = docs.Select(d => d.Labels.Contains(label)).ToArray();
            var yRow = rows.Select(r => rowLabels[r].Contains(label)).ToArray();
            var context = new MLContext(seed: options.Seed);
            // out-of-fold margins: calibrated on documents each model never saw, so probabilities mean the same for new articles
            var margins = new double[docs.Count];
            for (var f = 0; f < folds; f++)
            {
                var train = rows.Where(r => foldOf[parentOf[r]] != f).ToList();
                var model = TrainOne(context, label, featurizer.Dimension, train.Select(r => (x[r], yRow[r])), options);
                for (var i = 0; i < docs.Count; i++)
                    if (foldOf[i] == f) margins[i] = x[i].Dot(model.Weights) + model.Bias;
            }
            var (slope, offset) = PlattScaling.Fit(margins, y);
            oof[li] = margins.Select(m => 1f / (1f + MathF.Exp(slope * (float)m + offset))).ToArray();
            var final = TrainOne(context, label, featurizer.Dimension, rows.Select(r => (x[r], yRow[r])), options);
            labelModels[li] = new LabelModel
            {
                Label = label, Weights = final.Weights, Bias = final.Bias, Slope = slope, Offset = offset,
                Threshold = Math.Max(options.MinThreshold, BestThreshold(oof[li], y)), PassageThreshold = options.PassageThreshold,
            };
        });

        // a label set where every document files under some label (Reuters categories) is closed: the model then
        // gives a document with no label over its threshold its best one, and the cross-validated figures say so too
        var atLeastOne = trainable.Count > 0 && (options.AtLeastOneLabel ?? docs.All(d => d.Labels.Count > 0));
        if (atLeastOne) log("closed label set: a document with no label over its threshold gets its best one");
        var gold = docs.Select(d => (IReadOnlyCollection<string>)d.Labels.ToHashSet()).ToList();
        var predicted = Enumerable.Range(0, docs.Count).Select(i =>
        {
            // the out-of-fold scores judged as the model judges a whole document (TopicModel.PredictWhole)
            IReadOnlyList<TopicPrediction> verdicts = trainable.Select((label, li) =>
                new TopicPrediction(label, oof[li][i], oof[li][i] >= labelModels[li].Threshold, oof[li][i], 0, null, null)).ToList();
            if (atLeastOne) verdicts = TopicModel.TagBestWhenNone(verdicts);
            return (IReadOnlyCollection<string>)verdicts.Where(v => v.Tagged).Select(v => v.Label).ToHashSet();
        }).ToList();
        var report = EvaluationReport.Compute(trainable, gold, predicted);
        log($"trained in {watch.Elapsed.TotalSeconds:0.0} s");
        var model = new TopicModel(featurizer, labelModels, NewVersion(options), options.Trainer, atLeastOne);
        return new TrainResult(model, report, watch.Elapsed);
    }

    /// <summary>
    /// The fold (0 to <paramref name="folds"/> − 1) of each of <paramref name="count"/> items, stratified: items are
    /// grouped by <paramref name="stratum"/> (null: one group), each group shuffled with <paramref name="seed"/>, and the
    /// groups dealt round-robin one after another, so every stratum is spread evenly over the folds, folds differ in
    /// size by at most one, and every seed gives its own partition.
    /// </summary>
    public static int[] AssignFolds(int count, int folds, int seed, Func<int, string>? stratum = null)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        if (stratum is not null)
            order = order.GroupBy(stratum).OrderBy(g => g.Key, StringComparer.Ordinal).SelectMany(g => g).ToArray();
        var foldOf = new int[count];
        for (var i = 0; i < order.Length; i++) foldOf[order[i]] = i % folds;
        return foldOf;
    }

    private static LabelModel TrainOne(MLContext ml, string label, int dimension, IEnumerable<(SparseVector X, bool Y)> rows, TrainOptions options)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, dimension);
        var data = ml.Data.Cache(ml.Data.LoadFromEnumerable(rows.Select(r => new Row
        {
            Features = new VBuffer<float>(dimension, r.X.Indices.Length, r.X.Values, r.X.Indices),
            Label = r.Y,
        }), schema));

        if (!HasBothClasses(ml, data))
        {
            // one class only: a constant model (always no, or always yes) rather than a trainer error
            var positive = ml.Data.CreateEnumerable<Row>(data, reuseRowObject: true).First().Label;
            return new LabelModel { Label = label, Weights = new float[dimension], Bias = positive ? 10 : -10 };
        }

        switch (options.Trainer)
        {
            case "sdca-lr":
            {
                var model = ml.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumnName: nameof(Row.Label), featureColumnName: nameof(Row.Features),
                    l2Regularization: options.L2, maximumNumberOfIterations: options.Iterations).Fit(data);
                return FromLinear(label, model.Model.SubModel);
            }
            case "linear-svm":
            {
                var model = ml.BinaryClassification.Trainers.LinearSvm(new LinearSvmTrainer.Options
                {
                    LabelColumnName = nameof(Row.Label), FeatureColumnName = nameof(Row.Features),
                    NumberOfIterations = options.Iterations, Lambda = options.L2,
                }).Fit(data);
                return FromLinear(label, model.Model);
            }
            case "averaged-perceptron":
            {
                var model = ml.BinaryClassification.Trainers.AveragedPerceptron(nameof(Row.Label), nameof(Row.Features), numberOfIterations: Math.Min(options.Iterations, 20)).Fit(data);
                return FromLinear(label, model.Model);
            }
            default:
                throw new ConfigurationException($"unknown trainer '{options.Trainer}' (use {string.Join(", ", TrainOptions.Trainers)})");
        }
    }

    /// <summary>The raw linear model; the caller calibrates its margins on out-of-fold predictions.</summary>
    private static LabelModel FromLinear(string label, LinearBinaryModelParameters linear)
    {
        var weights = new float[linear.Weights.Count];
        for (var i = 0; i < weights.Length; i++) weights[i] = linear.Weights[i];
        return new LabelModel { Label = label, Weights = weights, Bias = linear.Bias };
    }

    private static bool HasBothClasses(MLContext ml, IDataView data)
    {
        bool yes = false, no = false;
        foreach (var r in ml.Data.CreateEnumerable<Row>(data, reuseRowObject: true))
        {
            if (r.Label) yes = true; else no = true;
            if (yes && no) return true;
        }
        return false;
    }

    /// <summary>
    /// The probability threshold with the best F1 on out-of-fold predictions; 0.5 when nothing can be learned. When a
    /// range of thresholds ties for the best F1 (well-separated classes), the middle of the range, not its edge: the
    /// widest margin on both sides for documents unlike the training data.
    /// </summary>
    internal static float BestThreshold(float[] probabilities, bool[] truth)
    {
        var positives = truth.Count(t => t);
        if (positives == 0) return 0.5f;
        var ranked = probabilities.Select((p, i) => (P: p, Y: truth[i])).OrderByDescending(r => r.P).ToList();
        int tp = 0, fp = 0;
        var bestF1 = -1.0;
        float high = 0.5f, low = 0.5f;
        for (var i = 0; i < ranked.Count; i++)
        {
            if (ranked[i].Y) tp++; else fp++;
            // only where the next score differs: a threshold cannot split equal scores
            if (i + 1 < ranked.Count && ranked[i + 1].P == ranked[i].P) continue;
            var f1 = 2.0 * tp / (2.0 * tp + fp + (positives - tp));
            var next = i + 1 < ranked.Count ? ranked[i + 1].P : 0f;
            if (f1 > bestF1 + 1e-9)
            {
                bestF1 = f1;
                high = ranked[i].P;   // any threshold in (next, P] gives this F1
                low = next;
            }
            else if (f1 >= bestF1 - 1e-9)
            {
                low = next;           // the plateau of best F1 extends down
            }
        }
        return Math.Clamp((high + low) / 2, 0.02f, 0.98f);
    }
}
