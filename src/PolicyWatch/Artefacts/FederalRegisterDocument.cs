using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PolicyWatch.Artefacts;

/// <summary>
/// One document as the Federal Register API (v1, <c>documents.json</c>) describes it: the source metadata an artefact
/// record is filled from. Dates are the calendar days the Federal Register prints (Washington time, no clock time).
/// <see cref="Rins"/>, <see cref="Dockets"/> and <see cref="CfrParts"/> hold canonical artefact ids
/// (<c>rin:0694-AJ12</c>, <c>docket:BIS-2025-0012</c>, <c>cfr:15-744</c>); <see cref="CorrectionOf"/> is the
/// <c>fr-doc:</c> id of the document this one corrects.
/// </summary>
public sealed partial record FederalRegisterDocument(
    string DocumentNumber, string Type, string? Title, string? Action, string? Abstract, IReadOnlyList<string> Agencies,
    DateOnly? PublicationDate, DateOnly? EffectiveOn, DateOnly? CommentsCloseOn, string? Citation, string? HtmlUrl, string? PdfUrl,
    IReadOnlyList<string> Rins, IReadOnlyList<string> Dockets, IReadOnlyList<string> CfrParts, string? CorrectionOf)
{
    /// <summary>The canonical artefact id: <c>fr-doc:</c> and the document number.</summary>
    public string Id => "fr-doc:" + DocumentNumber;

    /// <summary>
    /// The document of one element of a <c>documents.json</c> answer's <c>results</c>, or null when it has no
    /// <c>document_number</c>. Fields the query did not ask for (<c>fields[]</c>) are simply absent; malformed ones
    /// (a date that is not yyyy-mm-dd, a non-array list) are read as missing. Never throws.
    /// </summary>
    public static FederalRegisterDocument? FromJson(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object || Str(e, "document_number") is not { } number || !DocumentNumberShape().IsMatch(number)) return null;
        var agencies = Array(e, "agencies").Select(a => a.ValueKind == JsonValueKind.Object ? Str(a, "name") ?? Str(a, "raw_name") : null)
            .OfType<string>().Distinct().ToList();
        var cfr = Array(e, "cfr_references")
            .Select(c => c.ValueKind == JsonValueKind.Object && Int(c, "title") is { } t && Int(c, "part") is { } p ? $"cfr:{t}-{p}" : null)
            .OfType<string>().Distinct().ToList();
        return new FederalRegisterDocument(
            number.Trim(), Str(e, "type") ?? "Document", Str(e, "title"), Str(e, "action"), Str(e, "abstract"), agencies,
            Date(e, "publication_date"), Date(e, "effective_on"), Date(e, "comments_close_on"), Str(e, "citation"),
            Str(e, "html_url"), Str(e, "pdf_url"),
            Strings(e, "regulation_id_numbers").Select(r => "rin:" + r.ToUpperInvariant()).Distinct().ToList(),
            Strings(e, "docket_ids").Select(Docket).OfType<string>().Distinct().ToList(),
            cfr,
            Str(e, "correction_of") is { } of && DocumentNumberAtEnd().Match(of) is { Success: true } m ? "fr-doc:" + m.Value : null);
    }

    /// <summary>
    /// The canonical id of a docket as the API writes it: "BIS-2025-0012", or "Docket No. 240905-0231" (the agency's
    /// own number, its label dropped), upper-cased; null for anything that is not one identifier.
    /// </summary>
    internal static string? Docket(string raw)
    {
        // the printed register writes "Docket No. 220818–0172" with an en dash
        var id = DocketLabel().Replace(raw.Trim(), "").Trim().TrimEnd('.', ';', ',').Replace('–', '-').Replace('—', '-');
        return DocketShape().IsMatch(id) ? "docket:" + id.ToUpperInvariant() : null;
    }

    [GeneratedRegex(@"^(docket\s*(no\.?|number|id)?\s*[:.]?\s*)", RegexOptions.IgnoreCase)]
    private static partial Regex DocketLabel();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9-]{3,40}$")]
    private static partial Regex DocketShape();

    /// <summary>A correction: the API's Correction type, a <c>correction_of</c> link, or an action that says so.</summary>
    public bool IsCorrection => Corrects(Type, Action, CorrectionOf);

    /// <summary>The correction test on a document's stored fields: its type, its action, and what it corrects.</summary>
    public static bool Corrects(string? type, string? action, string? correctionOf) =>
        string.Equals(type, "Correction", StringComparison.OrdinalIgnoreCase) || correctionOf is not null
        || action?.Contains("correction", StringComparison.OrdinalIgnoreCase) == true;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) ? v.GetString()!.Trim() : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt32(out var i) => i,
            JsonValueKind.String when int.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var i) => i,
            _ => null,
        } : null;

    private static IEnumerable<JsonElement> Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];

    private static IEnumerable<string> Strings(JsonElement e, string name) =>
        Array(e, name).Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!.Trim()).Where(s => s.Length is > 0 and < 100);

    private static DateOnly? Date(JsonElement e, string name) =>
        Str(e, name) is { } s && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    // "2025-01234", and the corrections section's "C1-2025-01234"
    [GeneratedRegex(@"^\s*(C\d-)?\d{4}-\d{4,6}\s*$")]
    private static partial Regex DocumentNumberShape();

    [GeneratedRegex(@"(C\d-)?\d{4}-\d{4,6}(?=\W*$)")]
    private static partial Regex DocumentNumberAtEnd();
}
