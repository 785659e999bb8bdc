using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;

namespace PolicyWatch.Classify;

/// <summary>A document's features: sparse indices and values, sorted by index.</summary>
public readonly record struct SparseVector(int[] Indices, float[] Values)
{
    public float Dot(float[] weights)
    {
        var sum = 0f;
        for (var i = 0; i < Indices.Length; i++) sum += weights[Indices[i]] * Values[i];
        return sum;
    }
}

/// <summary>
/// Text to features, shared by every label: TF-IDF word uni- and bigrams and character n-grams (4-grams; 5 for the
/// shipped taxonomy) of the title and of the body, featurised separately so that a word in the headline can weigh more than the same word in the body.
/// The fitted ML.NET transformer is thread-safe; prediction engines are pooled because they are not.
/// </summary>
public sealed class TextFeaturizer
{
    internal sealed class DocRow
    {
        public string Title { get; set; } = "";
        public string Body { get; set; } = "";
    }

    internal sealed class FeatureRow
    {
        public VBuffer<float> Features { get; set; }
    }

    /// <summary>Bodies are cut here: the opening of an article says what it is about, and cost grows with length.</summary>
    public const int MaxBodyChars = 20_000;

    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly ConcurrentBag<PredictionEngine<DocRow, FeatureRow>> _engines = new();

    private TextFeaturizer(MLContext ml, ITransformer transformer, int dimension, string[] names)
    {
        _ml = ml;
        _transformer = transformer;
        Dimension = dimension;
        FeatureNames = names;
    }

    public int Dimension { get; }
    /// <summary>Readable name of each feature ("BodyFeatures.Word.export|controls" for a word bigram, "….Char.…" for character grams).</summary>
    public string[] FeatureNames { get; }

    /// <summary>
    /// Learns the vocabulary and IDF weights from (title, body) pairs, bodies cut at <see cref="MaxBodyChars"/>.
    /// <paramref name="characterGramLength"/> is the length of the character n-grams used when
    /// <paramref name="characterGrams"/> is true; outside 3 to 6 it throws <see cref="ArgumentOutOfRangeException"/> either way.
    /// </summary>
    public static TextFeaturizer Fit(MLContext ml, IEnumerable<(string Title, string Body)> docs, bool characterGrams = true, int characterGramLength = 4)
    {
        if (characterGramLength is < 3 or > 6) throw new ArgumentOutOfRangeException(nameof(characterGramLength), characterGramLength, "character n-grams of 3 to 6");
        var data = ml.Data.LoadFromEnumerable(docs.Select(d => new DocRow { Title = d.Title, Body = Cut(d.Body) }));
        var transformer = Pipeline(ml, characterGrams, characterGramLength).Fit(data);
        return Wrap(ml, transformer, data);
    }

    public static TextFeaturizer Load(MLContext ml, string path)
    {
        var transformer = ml.Model.Load(path, out _);
        var empty = ml.Data.LoadFromEnumerable(new[] { new DocRow() });
        return Wrap(ml, transformer, empty);
    }

    public void Save(string path)
    {
        var empty = _ml.Data.LoadFromEnumerable(new[] { new DocRow() });
        _ml.Model.Save(_transformer, empty.Schema, path);
    }

    private static TextFeaturizer Wrap(MLContext ml, ITransformer transformer, IDataView data)
    {
        var schema = transformer.GetOutputSchema(data.Schema);
        var column = schema["Features"];
        var dimension = ((VectorDataViewType)column.Type).Size;
        var names = new string[dimension];
        if (column.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> slots = default;
            column.GetSlotNames(ref slots);
            var i = 0;
            foreach (var s in slots.DenseValues()) { if (i < dimension) names[i] = s.ToString(); i++; }
        }
        for (var i = 0; i < dimension; i++) names[i] ??= $"f{i}";
        return new TextFeaturizer(ml, transformer, dimension, names);
    }

    private static IEstimator<ITransformer> Pipeline(MLContext ml, bool characterGrams, int characterGramLength)
    {
        TextFeaturizingEstimator.Options Options() => new()
        {
            CaseMode = TextNormalizingEstimator.CaseMode.Lower,
            KeepDiacritics = false,
            KeepPunctuations = false,
            KeepNumbers = true,
            StopWordsRemoverOptions = new StopWordsRemovingEstimator.Options { Language = TextFeaturizingEstimator.Language.English },
            WordFeatureExtractor = new WordBagEstimator.Options
            {
                NgramLength = 2, UseAllLengths = true, Weighting = NgramExtractingEstimator.WeightingCriteria.TfIdf,
                MaximumNgramsCount = [200_000],
            },
            // character n-grams survive inflection and spelling variants; on clean newswire they add mostly noise
            CharFeatureExtractor = characterGrams
                ? new WordBagEstimator.Options
                {
                    NgramLength = characterGramLength, UseAllLengths = false, Weighting = NgramExtractingEstimator.WeightingCriteria.TfIdf,
                    MaximumNgramsCount = [100_000],
                }
                : null,
            Norm = TextFeaturizingEstimator.NormFunction.L2,
        };
        return ml.Transforms.Text.FeaturizeText("TitleFeatures", Options(), nameof(DocRow.Title))
            .Append(ml.Transforms.Text.FeaturizeText("BodyFeatures", Options(), nameof(DocRow.Body)))
            .Append(ml.Transforms.Concatenate("Features", "TitleFeatures", "BodyFeatures"));
    }

    /// <summary>Features of many documents at once (the transformer over a data view: fast and thread-safe).</summary>
    public List<SparseVector> Transform(IEnumerable<(string Title, string Body)> docs)
    {
        var data = _ml.Data.LoadFromEnumerable(docs.Select(d => new DocRow { Title = d.Title, Body = Cut(d.Body) }));
        var result = new List<SparseVector>();
        foreach (var v in _transformer.Transform(data).GetColumn<VBuffer<float>>("Features"))
            result.Add(ToSparse(v));
        return result;
    }

    public SparseVector Transform(string title, string body)
    {
        if (!_engines.TryTake(out var engine)) engine = _ml.Model.CreatePredictionEngine<DocRow, FeatureRow>(_transformer);
        try
        {
            return ToSparse(engine.Predict(new DocRow { Title = title, Body = Cut(body) }).Features);
        }
        finally
        {
            _engines.Add(engine);
        }
    }

    private static SparseVector ToSparse(VBuffer<float> v)
    {
        if (v.IsDense)
        {
            var values = v.GetValues();
            var idx = new List<int>();
            var vals = new List<float>();
            for (var i = 0; i < values.Length; i++) if (values[i] != 0) { idx.Add(i); vals.Add(values[i]); }
            return new SparseVector([.. idx], [.. vals]);
        }
        return new SparseVector(v.GetIndices().ToArray(), v.GetValues().ToArray());
    }

    private static string Cut(string? s) => s is null ? "" : s.Length > MaxBodyChars ? s[..MaxBodyChars] : s;
}
