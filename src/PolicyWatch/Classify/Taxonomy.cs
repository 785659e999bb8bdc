using System.Text.Json;
using System.Text.Json.Nodes;

namespace PolicyWatch.Classify;

public sealed record TopicDefinition(string Slug, string Name, string Definition, float Threshold);

/// <summary>
/// models/topics.json: the topic taxonomy (the same slugs as shared/TOPICS.md), each topic's decision threshold, the
/// cross-validated metrics of the shipped model, its figures on real articles when it was trained with them, and the
/// settings it was trained with. `policywatch train` rewrites all but the taxonomy.
/// </summary>
public sealed class Taxonomy
{
    private readonly string _path;
    private readonly JsonObject _json;

    private Taxonomy(string path, JsonObject json, IReadOnlyList<TopicDefinition> topics)
    {
        _path = path;
        _json = json;
        Topics = topics;
    }

    /// <summary>The top-level keys of the real-article figures.</summary>
    public static readonly string[] DevKeys = ["devArticles", "devMicroPrecision", "devMicroRecall", "devMicroF1"];

    public IReadOnlyList<TopicDefinition> Topics { get; }
    public string ModelDir => Path.Combine(Path.GetDirectoryName(_path)!, _json["model"]?.GetValue<string>() ?? "topics");
    public TopicDefinition? Find(string slug) => Topics.FirstOrDefault(t => t.Slug == slug);

    public static Taxonomy Load(string path)
    {
        JsonObject json;
        try { json = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new ConfigurationException($"{path}: empty"); }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
        {
            throw new ConfigurationException($"{path}: cannot read the taxonomy: {e.Message}");
        }
        var topics = new List<TopicDefinition>();
        foreach (var node in json["topics"]?.AsArray() ?? throw new ConfigurationException($"{path}: no \"topics\" array"))
        {
            var slug = node?["slug"]?.GetValue<string>() ?? throw new ConfigurationException($"{path}: a topic without \"slug\"");
            topics.Add(new TopicDefinition(slug, node["name"]?.GetValue<string>() ?? slug, node["definition"]?.GetValue<string>() ?? "",
                node["threshold"]?.GetValue<float>() ?? 0.5f));
        }
        return new Taxonomy(Path.GetFullPath(path), json, topics);
    }

    /// <summary>
    /// Writes the trained model's thresholds and cross-validated metrics back into the file, the settings it was trained
    /// with (<paramref name="options"/>, under <c>"training"</c>), and its figures on real articles when
    /// <paramref name="dev"/> is given (<c>train --dev</c>: per topic under <c>"dev"</c>, micro figures and the article
    /// count at the top level). Figures of an earlier model that this one lacks (no <paramref name="dev"/>, or a topic it
    /// did not learn) are removed rather than left to describe it. Throws <see cref="IOException"/> or
    /// <see cref="UnauthorizedAccessException"/> when the file cannot be written.
    /// </summary>
    public void Record(TopicModel model, EvaluationReport cv, TrainOptions? options = null, EvaluationReport? dev = null, int devArticles = 0)
    {
        static JsonObject Scores(LabelScore score) => new()
        {
            ["positives"] = score.Positives, ["precision"] = Math.Round(score.Precision, 3),
            ["recall"] = Math.Round(score.Recall, 3), ["f1"] = Math.Round(score.F1, 3),
        };
        foreach (var node in _json["topics"]!.AsArray())
        {
            var slug = node!["slug"]!.GetValue<string>();
            var topic = node.AsObject();
            if (model.Labels.FirstOrDefault(l => l.Label == slug) is { } label) topic["threshold"] = MathF.Round(label.Threshold, 4);
            if (cv.Labels.FirstOrDefault(l => l.Label == slug) is { } score) topic["cv"] = Scores(score);
            else topic.Remove("cv");
            if (dev?.Labels.FirstOrDefault(l => l.Label == slug) is { } real) topic["dev"] = Scores(real);
            else topic.Remove("dev");
        }
        if (dev is null)
            foreach (var key in DevKeys) _json.Remove(key);
        else
        {
            _json["devArticles"] = devArticles;
            _json["devMicroPrecision"] = Math.Round(dev.MicroPrecision, 3);
            _json["devMicroRecall"] = Math.Round(dev.MicroRecall, 3);
            _json["devMicroF1"] = Math.Round(dev.MicroF1, 3);
        }
        if (options is null) _json.Remove("training");
        else
            _json["training"] = new JsonObject
            {
                ["seed"] = options.Seed, ["folds"] = options.Folds, ["l2"] = Math.Round(options.L2, 6),
                ["characterGrams"] = options.CharacterGrams ? options.CharacterGramLength : 0,
                ["bodyOnlyCopies"] = options.BodyOnlyCopies, ["composites"] = options.CompositeCopies, ["passageCopies"] = options.PassageCopies,
                ["minThreshold"] = Math.Round(options.MinThreshold, 4), ["passageThreshold"] = Math.Round(options.PassageThreshold, 4),
                ["members"] = options.Members,
            };
        _json["modelVersion"] = model.Version;
        _json["trainer"] = model.Trainer;
        _json["cvMicroF1"] = Math.Round(cv.MicroF1, 3);
        _json["cvMacroF1"] = Math.Round(cv.MacroF1, 3);
        File.WriteAllText(_path, _json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }
}
