using System.Text.Json;
using System.Text.Json.Serialization;

namespace PolicyWatch.Classify;

/// <summary>One line of a training or evaluation file: <c>{"id","title","text","topics":[...]}</c>.</summary>
public sealed record LabeledDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("text")] string? Text,
    [property: JsonPropertyName("topics")] IReadOnlyList<string>? Topics)
{
    public IReadOnlyList<string> Labels => Topics ?? [];

    /// <summary>Reads JSON Lines; a bad line is an error naming the file and line.</summary>
    public static List<LabeledDocument> ReadJsonLines(string path)
    {
        var list = new List<LabeledDocument>();
        var n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            LabeledDocument? doc;
            try { doc = JsonSerializer.Deserialize<LabeledDocument>(line); }
            catch (JsonException e) { throw new ConfigurationException($"{path}:{n}: not a JSON object: {e.Message}"); }
            if (doc is null || string.IsNullOrEmpty(doc.Id)) throw new ConfigurationException($"{path}:{n}: every line needs an \"id\"");
            list.Add(doc);
        }
        return list;
    }
}
