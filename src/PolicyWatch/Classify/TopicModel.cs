using System.Text.Json;
using Microsoft.ML;

namespace PolicyWatch.Classify;

/// <summary>One label's linear classifier: calibrated probability = 1 / (1 + exp(slope·(w·x + b) + offset)).</summary>
public sealed class LabelModel
{
    public required string Label { get; init; }
    public required float[] Weights { get; init; }
    public float Bias { get; init; }
    public float Slope { get; init; } = -1;
    public float Offset { get; init; }
    public float Threshold { get; set; } = 0.5f;
    /// <summary>
    /// The probability one passage of the body needs, alone, to tag the article (the taxonomy's "at least a
    /// paragraph"). Only substantial passages are scored (<see cref="Passages.MinWords"/>), so a passing mention does
    /// not tag; the shipped model uses 0.6 against a whole-article 0.7.
    /// </summary>
    public float PassageThreshold { get; set; } = 0.75f;

    public float Probability(SparseVector x) => 1f / (1f + MathF.Exp(Slope * (x.Dot(Weights) + Bias) + Offset));
}

public sealed record TermWeight(string Term, float Weight);

/// <summary>
/// One label's verdict on an article: the whole article's probability, the best passage's probability and where that
/// passage is ([EvidenceStart, EvidenceEnd) in UTF-16 code units of the body; null without passages), the score
/// (the larger of the two), and whether the label is tagged (whole article over its threshold, or one passage over
/// the passage threshold; or, for a closed label set (<see cref="TopicModel.AtLeastOneLabel"/>), the best label of
/// an article with no other).
/// </summary>
public sealed record TopicPrediction(string Label, float Score, bool Tagged, float DocumentScore, float PassageScore, int? EvidenceStart, int? EvidenceEnd);

/// <summary>
/// A trained multi-label model: the shared featuriser and one calibrated linear classifier per label. Loaded once;
/// prediction is a sparse dot product per label, thread-safe and fast, and its largest terms explain each tag.
/// </summary>
public sealed class TopicModel
{
    private const string FeaturizerFile = "featurizer.zip";
    private const string ModelFile = "model.json";
    private const string WeightsFile = "weights.bin";

    public TopicModel(TextFeaturizer featurizer, IReadOnlyList<LabelModel> labels, string version, string trainer,
        bool atLeastOneLabel = false)
    {
        Featurizer = featurizer;
        Labels = labels;
        Version = version;
        Trainer = trainer;
        AtLeastOneLabel = atLeastOneLabel;
    }

    public TextFeaturizer Featurizer { get; }
    public IReadOnlyList<LabelModel> Labels { get; }
    /// <summary>Stored with every tag, so re-tagging can find tags of older models.</summary>
    public string Version { get; }
    public string Trainer { get; }

    /// <summary>
    /// True for a model of a closed label set (<see cref="TrainOptions.AtLeastOneLabel"/>; inferred when every training
    /// document carried a label, as Reuters-21578's stories each file under at least one category): a document whose
    /// labels all fall short of their thresholds then gets its best-scoring label (rank cut-off 1 as a fallback to the
    /// per-label thresholds). Always false for the shipped taxonomy, where no topic is a common outcome.
    /// </summary>
    public bool AtLeastOneLabel { get; }

    public IReadOnlyDictionary<string, float> Scores(SparseVector x) => Labels.ToDictionary(l => l.Label, l => l.Probability(x));

    public IReadOnlyDictionary<string, float> Scores(string title, string body) => Scores(Featurizer.Transform(title, body));

    /// <summary>
    /// Every label's verdict on an article, from the whole text (title and body) and from each passage of the body
    /// (<see cref="Passages.Split"/>, scored without the title), so that one substantial paragraph on a topic is
    /// enough and a topic named only in the body is found; one prediction per label, in the model's label order. A
    /// closed label set's model tags the best label when no threshold is reached (<see cref="AtLeastOneLabel"/>).
    /// Thread-safe.
    /// </summary>
    public IReadOnlyList<TopicPrediction> Predict(string title, string body) => Predict(Featurizer.Transform(title, body), body);

    /// <summary><see cref="Predict(string, string)"/> with the whole document's features already computed.</summary>
    public IReadOnlyList<TopicPrediction> Predict(SparseVector whole, string body)
    {
        var passages = Passages.Split(body);
        // only substantial passages count: a short one is a passing mention by the taxonomy's rule
        var vectors = passages.Count <= 1 ? [] : passages.Select(p => p.Words >= Passages.MinWords ? Featurizer.Transform("", p.Text(body)) : (SparseVector?)null).ToList();
        var result = new List<TopicPrediction>(Labels.Count);
        foreach (var label in Labels)
        {
            var doc = label.Probability(whole);
            var best = 0f;
            var at = -1;
            for (var k = 0; k < vectors.Count; k++)
            {
                if (vectors[k] is not { } v) continue;
                var p = label.Probability(v);
                if (p > best) { best = p; at = k; }
            }
            if (passages.Count == 1) { best = doc; at = 0; } // the body is one passage: the whole article speaks for it
            // only a substantial passage may tag on the passage threshold: a one-passage body shorter than that (a brief,
            // a feed's summary) is judged by the whole article's threshold alone, as a passing mention would be
            var byPassage = at >= 0 && passages[at].Words >= Passages.MinWords && best >= label.PassageThreshold;
            var tagged = doc >= label.Threshold || byPassage;
            // evidence is a passage that is on the topic by itself (it would tag the article alone, or pass the whole
            // article's threshold), never the least bad of unrelated ones
            var evidence = at >= 0 && (byPassage || best >= label.Threshold) ? passages[at] : (Passage?)null;
            result.Add(new TopicPrediction(label.Label, Math.Max(doc, passages.Count == 1 ? doc : best), tagged, doc, best,
                evidence?.Start, evidence?.End));
        }
        return AtLeastOneLabel ? TagBestWhenNone(result) : result;
    }

    /// <summary>
    /// Every label's verdict on the whole document alone, without passages (how a label set of whole stories, such as
    /// Reuters-21578, is judged), from <paramref name="whole"/> = <c>Featurizer.Transform(title, body)</c>: the
    /// probability, tagged when it reaches the label's threshold (or, for a closed label set, the best label when none
    /// does); passage score 0 and no evidence. One prediction per label, in the model's label order. Thread-safe.
    /// </summary>
    public IReadOnlyList<TopicPrediction> PredictWhole(SparseVector whole)
    {
        var predictions = new List<TopicPrediction>(Labels.Count);
        foreach (var l in Labels)
        {
            var p = l.Probability(whole);
            predictions.Add(new TopicPrediction(l.Label, p, p >= l.Threshold, p, 0, null, null));
        }
        return AtLeastOneLabel ? TagBestWhenNone(predictions) : predictions;
    }

    /// <summary>
    /// Rank cut-off 1 as a fallback: <paramref name="predictions"/> unchanged when any is tagged (or there are none),
    /// else a copy with the highest-scoring one tagged. What a closed label set's model does (<see cref="AtLeastOneLabel"/>),
    /// and what <c>classify</c>/<c>eval --at-least-one</c> ask of any model.
    /// </summary>
    public static IReadOnlyList<TopicPrediction> TagBestWhenNone(IReadOnlyList<TopicPrediction> predictions)
    {
        if (predictions.Count == 0 || predictions.Any(p => p.Tagged)) return predictions;
        var best = predictions.MaxBy(p => p.Score)!;
        return predictions.Select(p => ReferenceEquals(p, best) ? p with { Tagged = true } : p).ToList();
    }

    /// <summary>
    /// One model whose log-odds for every label are the mean of <paramref name="members"/>' calibrated log-odds (an
    /// ensemble of linear models is itself linear: weights <c>mean(−slope·w)</c>, bias <c>mean(−slope·b − offset)</c>),
    /// so it predicts at one model's cost. Thresholds are the members' means. Members must share one featuriser
    /// (same vocabulary; training texts fix it) and label list; otherwise throws <see cref="ArgumentException"/>.
    /// </summary>
    public static TopicModel AverageLogOdds(IReadOnlyList<TopicModel> members, string version)
    {
        if (members.Count == 0) throw new ArgumentException("no members to average", nameof(members));
        var first = members[0];
        foreach (var m in members.Skip(1))
        {
            if (!m.Featurizer.FeatureNames.AsSpan().SequenceEqual(first.Featurizer.FeatureNames))
                throw new ArgumentException("members were featurised differently", nameof(members));
            if (!m.Labels.Select(l => l.Label).SequenceEqual(first.Labels.Select(l => l.Label)))
                throw new ArgumentException("members have different labels", nameof(members));
        }
        var labels = first.Labels.Select((l, li) =>
        {
            var weights = new float[first.Featurizer.Dimension];
            var bias = 0f;
            foreach (var m in members)
            {
                var member = m.Labels[li];
                for (var i = 0; i < weights.Length; i++) weights[i] -= member.Slope * member.Weights[i] / members.Count;
                bias -= (member.Slope * member.Bias + member.Offset) / members.Count;
            }
            return new LabelModel
            {
                Label = l.Label, Weights = weights, Bias = bias, Slope = -1, Offset = 0,
                Threshold = members.Average(m => m.Labels[li].Threshold), PassageThreshold = members.Average(m => m.Labels[li].PassageThreshold),
            };
        }).ToList();
        return new TopicModel(first.Featurizer, labels, version, first.Trainer, first.AtLeastOneLabel);
    }

    /// <summary>The words and phrases of the document that pushed this label's score up the most.</summary>
    public IReadOnlyList<TermWeight> Explain(SparseVector x, LabelModel label, int count = 6)
    {
        var names = Featurizer.FeatureNames;
        var terms = new Dictionary<string, float>();
        for (var i = 0; i < x.Indices.Length; i++)
        {
            var contribution = label.Weights[x.Indices[i]] * x.Values[i];
            if (contribution <= 0) continue;
            var name = names[x.Indices[i]];
            // word features ("TitleFeatures.Word.export|controls") read as phrases; character grams mean nothing to an analyst
            var at = name.IndexOf(".Word.", StringComparison.Ordinal);
            if (at < 0) continue;
            var term = name[(at + 6)..].Replace('|', ' ');
            terms[term] = terms.GetValueOrDefault(term) + contribution;
        }
        return terms.OrderByDescending(t => t.Value).Take(count).Select(t => new TermWeight(t.Key, MathF.Round(t.Value, 4))).ToList();
    }

    public void Save(string dir)
    {
        Directory.CreateDirectory(dir);
        Featurizer.Save(Path.Combine(dir, FeaturizerFile));
        var meta = new ModelJson(Version, Trainer, Featurizer.Dimension,
            Labels.Select(l => new LabelJson(l.Label, l.Bias, l.Slope, l.Offset, l.Threshold, l.PassageThreshold)).ToList(),
            AtLeastOneLabel);
        File.WriteAllText(Path.Combine(dir, ModelFile), JsonSerializer.Serialize(meta, new JsonSerializerOptions { WriteIndented = true }));
        using var w = new BinaryWriter(File.Create(Path.Combine(dir, WeightsFile)));
        foreach (var l in Labels)
            foreach (var v in l.Weights) w.Write(v);
    }

    public static bool Exists(string dir) => File.Exists(Path.Combine(dir, ModelFile)) && File.Exists(Path.Combine(dir, FeaturizerFile));

    public static TopicModel Load(string dir)
    {
        if (!Exists(dir)) throw new ConfigurationException($"{dir}: no trained model (expected {ModelFile}, {FeaturizerFile} and {WeightsFile}); run `policywatch train`");
        var meta = JsonSerializer.Deserialize<ModelJson>(File.ReadAllText(Path.Combine(dir, ModelFile)))
                   ?? throw new ConfigurationException($"{dir}/{ModelFile}: empty");
        var featurizer = TextFeaturizer.Load(new MLContext(seed: 1), Path.Combine(dir, FeaturizerFile));
        if (featurizer.Dimension != meta.Dimension)
            throw new ConfigurationException($"{dir}: featurizer has {featurizer.Dimension} features, {ModelFile} says {meta.Dimension}");
        using var r = new BinaryReader(File.OpenRead(Path.Combine(dir, WeightsFile)));
        var labels = meta.Labels.Select(l =>
        {
            var weights = new float[meta.Dimension];
            for (var i = 0; i < weights.Length; i++) weights[i] = r.ReadSingle();
            return new LabelModel
            {
                Label = l.Label, Weights = weights, Bias = l.Bias, Slope = l.Slope, Offset = l.Offset, Threshold = l.Threshold,
                PassageThreshold = l.PassageThreshold ?? Math.Max(l.Threshold, 0.75f),
            };
        }).ToList();
        return new TopicModel(featurizer, labels, meta.Version, meta.Trainer, meta.AtLeastOneLabel);
    }

    // AtLeastOneLabel is absent (false) in models saved before it existed
    private sealed record ModelJson(string Version, string Trainer, int Dimension, List<LabelJson> Labels, bool AtLeastOneLabel = false);
    private sealed record LabelJson(string Label, float Bias, float Slope, float Offset, float Threshold, float? PassageThreshold = null);
}
