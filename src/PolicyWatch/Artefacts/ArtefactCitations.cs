namespace PolicyWatch.Artefacts;

/// <summary>An article's citation of an artefact: its first mention ([Start, End) in UTF-16 code units of the body) and the sentence around it.</summary>
public sealed record ArtefactCitation(string ArtefactId, string Kind, int Start, int End, string Sentence);

/// <summary>What an article cites, one citation per artefact (its first mention), with the citing sentence.</summary>
public static class ArtefactCitations
{
    /// <summary>The citations of <paramref name="body"/>: at most <paramref name="max"/> artefacts, sentences cut to 400 characters.</summary>
    public static IReadOnlyList<ArtefactCitation> Of(string body, int max = 100) =>
        ArtefactRecognizer.Recognize(body)
            .GroupBy(r => r.Id)
            .Select(g => g.First())
            .Take(max)
            .Select(r => new ArtefactCitation(r.Id, r.Kind, r.Start, r.End, Sentence(body, r.Start, r.End)))
            .ToList();

    /// <summary>The sentence holding [start, end): from the previous sentence end or line break to the next, at most 400 characters.</summary>
    public static string Sentence(string text, int start, int end)
    {
        var from = start;
        while (from > 0 && start - from < 250 && !IsBoundary(text, from - 1)) from--;
        var to = end;
        while (to < text.Length && to - end < 250 && !IsBoundary(text, to)) to++;
        if (to < text.Length && text[to] is '.' or '!' or '?') to++;
        var sentence = Extract.Text.Collapse(text[from..to]);
        return sentence.Length > 400 ? sentence[..400] + "…" : sentence;
    }

    // a full stop ends a sentence only before a space or the end, so "15 C.F.R. § 744" or "4A090.a" do not
    private static bool IsBoundary(string t, int i) =>
        t[i] == '\n' || t[i] is '.' or '!' or '?' && (i + 1 >= t.Length || char.IsWhiteSpace(t[i + 1])) && (i == 0 || !char.IsUpper(t[i - 1]) || i >= 2 && char.IsLower(t[i - 2]));

    /// <summary>A readable name for an artefact id when no title is known: "ECCN 3A090", "Executive Order 14110", "15 CFR 744.21", "Entity List".</summary>
    public static string DisplayName(string id)
    {
        var colon = id.IndexOf(':');
        if (colon < 0) return id;
        var kind = id[..colon];
        var v = id[(colon + 1)..];
        // ids typed by a user (a search filter) may be any shape: those not in the canonical shape are shown as they are
        if (kind is "fr-cite" or "cfr" or "mofcom" or "bill" && (v.IndexOf('-') is <= 0 || v.EndsWith('-'))) return id;
        return kind switch
        {
            "eccn" => $"ECCN {v}",
            "eo" => $"Executive Order {v}",
            "fr-doc" => $"Federal Register document {v}",
            "fr-cite" => $"{v.Replace('-', ' ').Insert(v.IndexOf('-'), " FR").Replace("  ", " ")}",
            "cfr" => $"{v.Replace('-', ' ').Insert(v.IndexOf('-'), " CFR").Replace("  ", " ")}",
            "rin" => $"RIN {v}",
            "docket" => $"Docket {v}",
            "bill" => Bill(v),
            "mofcom" => $"MOFCOM Announcement No. {v[(v.IndexOf('-') + 1)..]} of {v[..v.IndexOf('-')]}",
            "initiative" when v == "pax-silica" => "Pax Silica",
            "list" => v switch { "entity-list" => "Entity List", "unverified-list" => "Unverified List", "unreliable-entity-list" => "Unreliable Entity List", _ => v },
            _ => id,
        };
    }

    private static string Bill(string v)
    {
        var parts = v.Split('-');
        var (congress, kind, number) = parts.Length == 3 ? (parts[0] + "th Congress ", parts[1], parts[2]) : ("", parts[0], parts[^1]);
        var name = kind switch { "hr" => "H.R.", "s" => "S.", "hres" => "H.Res.", "sres" => "S.Res.", _ => kind.ToUpperInvariant() };
        return $"{name} {number}{(congress.Length > 0 ? $" ({congress.Trim()})" : "")}";
    }
}
