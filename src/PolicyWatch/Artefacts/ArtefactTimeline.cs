namespace PolicyWatch.Artefacts;

/// <summary>
/// One step in an instrument's life: <see cref="Kind"/> is <c>proposed</c>, <c>comments-close</c>, <c>final</c>,
/// <c>interim-final</c>, <c>effective</c>, <c>correction</c>, <c>amendment</c>, <c>notice</c>, <c>presidential</c> or
/// <c>document</c>; <see cref="Date"/> is the Federal Register's calendar day; <see cref="DocumentId"/> the
/// <c>fr-doc:</c> id of the document that set it.
/// </summary>
public sealed record TimelineEvent(DateOnly Date, string Kind, string Label, string DocumentId, string? DocumentTitle, string? Url);

/// <summary>
/// The timeline of a rulemaking from its Federal Register documents (those sharing a RIN or docket, and their
/// corrections): proposed rule → comment period closes → final (or interim final) rule → effective → corrections and
/// later amending rules. Pure: the documents come from the store.
/// </summary>
public static class ArtefactTimeline
{
    /// <summary>The events of <paramref name="documents"/>, by date, then in the order of a rulemaking's steps on one day.</summary>
    public static IReadOnlyList<TimelineEvent> Build(IEnumerable<FederalRegisterDocument> documents)
    {
        var events = new List<TimelineEvent>();
        var finalSeen = false;
        foreach (var d in documents.Where(d => d.PublicationDate is not null).OrderBy(d => d.PublicationDate).ThenBy(d => d.DocumentNumber, StringComparer.Ordinal))
        {
            var published = d.PublicationDate!.Value;
            var (kind, label) = d switch
            {
                { IsCorrection: true } => ("correction", "Correction published"),
                { Type: "Proposed Rule" } => ("proposed", "Proposed rule published"),
                { Type: "Rule" } when finalSeen => ("amendment", "Amending rule published"),
                { Type: "Rule" } when d.Action?.Contains("interim final", StringComparison.OrdinalIgnoreCase) == true => ("interim-final", "Interim final rule published"),
                { Type: "Rule" } => ("final", "Final rule published"),
                { Type: "Notice" } => ("notice", "Notice published"),
                { Type: "Presidential Document" } => ("presidential", "Presidential document published"),
                _ => ("document", $"{d.Type} published"),
            };
            // an interim final rule is usually followed by its final rule; only rules after the final one amend it
            if (kind == "final") finalSeen = true;
            events.Add(new TimelineEvent(published, kind, label, d.Id, d.Title, d.HtmlUrl));
            if (d.CommentsCloseOn is { } close)
                events.Add(new TimelineEvent(close, "comments-close", "Comment period closes", d.Id, d.Title, d.HtmlUrl));
            if (d.EffectiveOn is { } effective && !d.IsCorrection)
                events.Add(new TimelineEvent(effective, "effective", "Takes effect", d.Id, d.Title, d.HtmlUrl));
        }
        return events.OrderBy(e => e.Date).ThenBy(e => Step(e.Kind)).ToList();
    }

    private static int Step(string kind) => kind switch
    {
        "proposed" => 0, "notice" => 1, "presidential" => 1, "document" => 1, "comments-close" => 2, "interim-final" => 3, "final" => 3,
        "effective" => 4, "amendment" => 5, _ => 6,
    };
}
