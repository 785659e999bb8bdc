using System.Text.Json;
using System.Text.Json.Nodes;

namespace PolicyWatch.Classify;

public sealed record TopicDefinition(string Slug, string Name, string Definition, float Threshold);

/// <summary>
/// models/topics.json: the topic taxonomy (the same slugs as shared/TOPICS.md), each topic's decision threshold, and
/// the cross-validated metrics of the shipped model. `policywatch train` rewrites thresholds and metrics.
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
    /// Writes the trained model's thresholds and cross-validated metrics back into the file, and its figures on real
    /// articles when <paramref name="dev"/> is given (<c>train --dev</c>: per topic under <c>"dev"</c>, micro figures and
    /// the article count at the top level). Without <paramref name="dev"/>, real-article figures of an earlier model
    /// are removed rather than left to describe this one. Throws <see cref="IOException"/> when the file cannot be written.
    /// </summary>
    public void Record(TopicModel model, EvaluationReport cv, EvaluationReport? dev = null, int devArticles = 0)
    {
        static JsonObject Scores(LabelScore score) => new()
        {
            ["positives"] = score.Positives, ["precision"] = Math.Round(score.Precision, 3),
            ["recall"] = Math.Round(score.Recall, 3), ["f1"] = Math.Round(score.F1, 3),
        };
        foreach (var node in _json["topics"]!.AsArray())
        {
            var slug = node!["slug"]!.GetValue<string>();
            var label = model.Labels.FirstOrDefault(l => l.Label == slug);
            if (label is not null) node["threshold"] = MathF.Round(label.Threshold, 4);
            if (cv.Labels.FirstOrDefault(l => l.Label == slug) is { } score) node["cv"] = Scores(score);
            if (dev?.Labels.FirstOrDefault(l => l.Label == slug) is { } real) node["dev"] = Scores(real);
            else node.AsObject().Remove("dev");
        }
        if (dev is null)
            foreach (var key in new[] { "devArticles", "devMicroPrecision", "devMicroRecall", "devMicroF1" }) _json.Remove(key);
        else
        {
            _json["devArticles"] = devArticles;
            _json["devMicroPrecision"] = Math.Round(dev.MicroPrecision, 3);
            _json["devMicroRecall"] = Math.Round(dev.MicroRecall, 3);
            _json["devMicroF1"] = Math.Round(dev.MicroF1, 3);
        }
        _json["modelVersion"] = model.Version;
        _json["trainer"] = model.Trainer;
        _json["cvMicroF1"] = Math.Round(cv.MicroF1, 3);
        _json["cvMacroF1"] = Math.Round(cv.MacroF1, 3);
        File.WriteAllText(_path, _json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }
}
