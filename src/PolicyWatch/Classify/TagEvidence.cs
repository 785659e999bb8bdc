using System.Text.Json;

namespace PolicyWatch.Classify;

/// <summary>The passage that carried a tag: [Start, End) in UTF-16 code units of the stored body, and its text.</summary>
public sealed record TagEvidence(int Start, int End, string Text)
{
    /// <summary>
    /// The evidence kept in a tag's explanation JSON (<c>{"evidence":{"start","end"}}</c>), checked against
    /// <paramref name="body"/>; null when the tag has none (analysts' tags, older models) or the offsets do not fit.
    /// </summary>
    public static TagEvidence? From(string? explanationJson, string? body)
    {
        if (explanationJson is null || body is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(explanationJson);
            if (!doc.RootElement.TryGetProperty("evidence", out var e) || e.ValueKind != JsonValueKind.Object) return null;
            var start = e.GetProperty("start").GetInt32();
            var end = e.GetProperty("end").GetInt32();
            return start >= 0 && end <= body.Length && start < end ? new TagEvidence(start, end, body[start..end].Trim()) : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
