using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace PolicyWatch.Artefacts;

/// <summary>
/// One reference to a policy instrument found in a text.
/// </summary>
/// <param name="Id">
/// The canonical id, <c>kind:value</c>: <c>fr-doc:2025-12345</c>, <c>fr-cite:90-12345</c>, <c>cfr:15-744</c> or
/// <c>cfr:15-744.21</c>, <c>rin:0694-AJ12</c>, <c>docket:BIS-2025-0012</c>, <c>eccn:4A090</c>, <c>eo:14110</c>,
/// <c>bill:119-hr-3447</c> or <c>bill:hr-3447</c> (Congress unknown), <c>mofcom:2025-61</c>,
/// <c>initiative:pax-silica</c>, <c>list:entity-list</c> / <c>list:unverified-list</c> /
/// <c>list:unreliable-entity-list</c>.
/// </param>
/// <param name="Kind">The id's prefix: fr-doc, fr-cite, cfr, rin, docket, eccn, eo, bill, mofcom, initiative or list.</param>
/// <param name="Start">Offset of the first character of the mention, in UTF-16 code units of the input.</param>
/// <param name="End">Offset just past the mention's last character (exclusive), in UTF-16 code units.</param>
/// <param name="Text">The mention as written: <c>input[Start..End]</c>.</param>
public sealed record ArtefactReference(string Id, string Kind, int Start, int End, string Text);

/// <summary>
/// Finds references to policy instruments (Federal Register documents and citations, CFR parts and sections, RINs,
/// regulations.gov dockets, ECCNs, executive orders, congressional bills, MOFCOM announcements, the Pax Silica
/// initiative and the Entity / Unverified / Unreliable Entity lists) in plain text. Precision comes first: a
/// string that merely has the shape of an identifier is only reported when its surroundings say it is one.
/// </summary>
/// <remarks>
/// What each mention's span covers: fr-doc the number alone (<c>2025-12345</c>, also inside federalregister.gov /
/// govinfo.gov URLs); fr-cite <c>90 FR 12345</c> (volume to first page, no pinpoint); cfr <c>15 CFR 744.21</c>,
/// <c>15 C.F.R. § 744.21</c> or <c>15 CFR part 744</c> without paragraph letters, and the whole of
/// <c>part 744 of the EAR</c> / <c>§ 744.23(a)(2) of the EAR</c> / <c>EAR § 744.23</c>; in a list (<c>15 CFR parts 742 and 744</c>) the
/// first item runs from the title and later items are the bare numbers; rin and docket the identifier; eccn the five
/// characters (<c>4A090</c> of <c>4A090.a</c>); eo the phrase from <c>Executive Order</c> / <c>E.O.</c> /
/// <c>EO</c> to the number (later items of a list: the number); bill <c>H.R. 3447</c> without the Congress;
/// mofcom the phrase from <c>MOFCOM</c> / <c>Ministry of Commerce</c> when it directly precedes
/// <c>Announcement</c> (else from <c>Announcement</c>) to the year, plus a following
/// <c>of the Ministry of Commerce</c>, or the whole <c>商务部公告2025年第61号</c>; initiative and list the name.
/// Ranges (<c>15 CFR parts 730-774</c>), numeric dockets (<c>Docket No. 250109-0001</c>), regulations.gov document
/// ids (<c>BIS-2025-0012-0045</c>) and bare CFR parts or sections without a title are not reported.
/// Context rules: an ECCN needs export-control wording (ECCN, EAR, export, licence, control, …) within 400 characters
/// and is never taken from inside a longer alphanumeric run or after "control code"; a bare <c>No. 2025-12345</c>
/// needs "Federal Register" / "FR" / "document" within the 100 characters before; a docket whose agency prefix is
/// not a known one needs "docket" or "regulations.gov" within the 150 characters before; <c>S. 1234</c> and dotless
/// <c>HR 1234</c> need Congress / Senate / bill / Act wording within 200 characters and are never a Congressional
/// Record page; a bill's Congress comes from <c>(119th)</c> right after it or the nearest <c>119th Congress</c>
/// within 200 characters; a bare <c>Announcement No. 61 of 2025</c> needs MOFCOM / Ministry of Commerce within the
/// 300 characters before; a lower-case <c>the entity list</c> needs a determiner before it and trade wording nearby.
/// </remarks>
public static partial class ArtefactRecognizer
{
    private const string ListSeparator = @"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)";
    private const string NotRange = @"(?![0-9]|\.[0-9]|\s*(?:-|\u2013|\u2014|to\b|through\b)\s*[0-9])";
    private const string EarTail = @"\s+of\s+the\s+(?:EAR|Export\s+Administration\s+Regulations)\b";
    private const string EccnEnd =
        @"(?=$|[\s,;:!?)\]}\u0022\u0027\u2019\u201d]|\.(?:$|[\s,;:!?)\]}\u0022\u0027\u2019\u201d])" +
        @"|\.[a-z](?:$|[\s.,;:!?)\]}\u0022\u0027\u2019\u201d])|/[0-9](?:[A-E][0-9]{3}|Y521)|-[a-z]{3,})";

    /// <summary>Characters of context looked at before/after a mention by the rules below.</summary>
    private const int FrDocContextBefore = 100, DocketContextBefore = 150, EccnContext = 400, EccnRejectBefore = 20, BillContext = 200,
        CongressDistance = 200, BillPageBefore = 12, MofcomContextBefore = 300, ListContext = 300, ListLowerCaseBefore = 40;

    /// <summary>First segments of regulations.gov docket ids accepted without the word "docket" nearby.</summary>
    private static readonly HashSet<string> Agencies = new(StringComparer.Ordinal)
    {
        "BIS", "USTR", "ITA", "DOC", "NTIA", "NIST", "USPTO", "PTO", "EPA", "FDA", "DHS", "CBP", "USCBP", "ICE", "USCIS",
        "DOS", "DOD", "DOE", "DOJ", "DOL", "DOT", "FAA", "FCC", "FTC", "SEC", "CFTC", "FERC", "NRC", "TREAS", "OFAC", "IRS",
        "FAR", "DARS", "GSA", "OMB", "OSTP", "CISA", "TSA", "FEMA", "USCG", "NHTSA", "FMCSA", "PHMSA", "FRA", "FTA",
        "MARAD", "OSHA", "EBSA", "ETA", "WHD", "HHS", "CMS", "CDC", "NIH", "HRSA", "ED", "USDA", "APHIS", "FSIS", "AMS",
        "FNS", "NOAA", "NMFS", "FWS", "BLM", "BOEM", "BSEE", "OSM", "NPS", "BIA", "DEA", "ATF", "EEOC", "NLRB", "CFPB",
        "FDIC", "OCC", "FRB", "FHFA", "HUD", "VA", "SBA", "OPM", "NARA", "COLC", "USITC", "CPSC", "FEC", "MSHA", "PBGC",
        "SSA", "EOIR", "USAID", "DOI", "BOP", "OJP", "FINCEN", "TTB", "FMC", "STB", "NCUA", "FHWA", "NASA", "NSF", "ACF",
        "AHRQ", "ONC", "OCR", "OIG", "CEQ",
    };

    /// <summary>
    /// The references in <paramref name="text"/>, sorted by <see cref="ArtefactReference.Start"/>. Offsets are UTF-16
    /// code units of <paramref name="text"/>. Mentions never overlap: where two candidate matches overlap, the longer
    /// one is kept (on equal length the more specific kind: mofcom, cfr, fr-cite, fr-doc, docket, rin, eo, bill, list,
    /// initiative, eccn), so "Unreliable Entity List" yields only list:unreliable-entity-list. Empty for an empty
    /// text. Runs in time linear in the text's length (well under a millisecond for a 5,000-character article).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static IReadOnlyList<ArtefactReference> Recognize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return [];
        var found = new List<Candidate>();
        FindFederalRegister(text, found);
        FindCfr(text, found);
        FindRins(text, found);
        FindDockets(text, found);
        FindEccns(text, found);
        FindExecutiveOrders(text, found);
        FindBills(text, found);
        FindMofcom(text, found);
        FindNames(text, found);
        return Resolve(text, found);
    }

    private readonly record struct Candidate(int Start, int End, string Kind, string Value);

    private static void Add(List<Candidate> found, string kind, string value, int start, int end) =>
        found.Add(new Candidate(start, end, kind, value));

    private static int Number(string digits) =>
        int.Parse(digits.Replace(",", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture);

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool IsYear(string digits) => digits.Length == 4 && Number(digits) is >= 1900 and <= 2099;

    private static void FindFederalRegister(string text, List<Candidate> found)
    {
        if (text.Contains("20", StringComparison.Ordinal))
        {
            var context = new Context(FrContextPattern(), text);
            for (var m = FrDocPattern().Match(text); m.Success; m = m.NextMatch())
            {
                // a bare "No. 2025-12345" only when the Federal Register or a document is spoken of just before
                if (m.Groups[1].Success && !context.Near(m.Index, m.Index, FrDocContextBefore, 0)) continue;
                var g = m.Groups[2];
                Add(found, "fr-doc", g.Value, g.Index, g.Index + g.Length);
            }
            if (text.Contains("federalregister.gov", StringComparison.OrdinalIgnoreCase) || text.Contains("govinfo.gov", StringComparison.OrdinalIgnoreCase))
            {
                for (var m = FrUrlPattern().Match(text); m.Success; m = m.NextMatch())
                {
                    var g = m.Groups[1];
                    Add(found, "fr-doc", g.Value, g.Index, g.Index + g.Length);
                }
            }
        }
        if (text.Contains("FR", StringComparison.Ordinal) || text.Contains("Fed", StringComparison.Ordinal))
        {
            for (var m = FrCitePattern().Match(text); m.Success; m = m.NextMatch())
                Add(found, "fr-cite", Str(Number(m.Groups[1].Value)) + "-" + Str(Number(m.Groups[2].Value)), m.Index, m.Index + m.Length);
        }
    }

    private static void FindCfr(string text, List<Candidate> found)
    {
        if (text.Contains("CFR", StringComparison.Ordinal) || text.Contains("C.F.R", StringComparison.Ordinal) || text.Contains("C. F. R", StringComparison.Ordinal))
        {
            for (var m = CfrPattern().Match(text); m.Success; m = m.NextMatch())
            {
                var title = Str(Number(m.Groups[1].Value));
                var part = m.Groups[3].Value;
                var section = m.Groups[4];
                Add(found, "cfr", CfrValue(title, part, section), m.Index, m.Index + m.Length);
                var marker = m.Groups[2].Value;
                var plural = marker is "§§" or "Parts" or "parts" or "pts." or "Pts." or "Sections" or "sections" or "secs." or "Secs.";
                if (!plural && !section.Success) continue;
                // "15 CFR parts 742 and 744", "15 CFR 744.21 and 744.22": later items must look like the first
                var pos = m.Index + m.Length;
                for (var k = CfrContinuationPattern().Match(text, pos); k.Success; k = CfrContinuationPattern().Match(text, pos))
                {
                    if (k.Groups[1].Length != part.Length || k.Groups[2].Success != section.Success) break;
                    Add(found, "cfr", CfrValue(title, k.Groups[1].Value, k.Groups[2]), k.Groups[1].Index, k.Index + k.Length);
                    pos = k.Index + k.Length;
                }
            }
        }
        if (text.Contains("EAR", StringComparison.Ordinal) || text.Contains("Export Administration", StringComparison.Ordinal))
        {
            for (var m = EarPartPattern().Match(text); m.Success; m = m.NextMatch())
                AddEarItems(text, found, m, m.Groups[1], null, m.Groups[2]);
            for (var m = EarSectionPattern().Match(text); m.Success; m = m.NextMatch())
                AddEarItems(text, found, m, m.Groups[1], m.Groups[2], m.Groups[4]);
            // "EAR § 744.23", "EAR part 744"
            for (var m = EarPrefixPattern().Match(text); m.Success; m = m.NextMatch())
            {
                if (Number(m.Groups[1].Value) is < 730 or > 774) continue;
                Add(found, "cfr", "15-" + m.Groups[1].Value + (m.Groups[2].Success ? "." + m.Groups[2].Value : ""), m.Index, m.Index + m.Length);
            }
        }
    }

    private static string CfrValue(string title, string part, Group section) =>
        title + "-" + Str(Number(part)) + (section.Success ? "." + section.Value : "");

    /// <summary>
    /// "part 744 of the EAR", "§ 744.21(a) of the EAR", "parts 742 and 744 of the EAR": the EAR is 15 CFR parts 730–774,
    /// so every part named must lie there. A single item spans the whole phrase; in a list the first item runs from the
    /// match's start to its number and later items are their numbers.
    /// </summary>
    private static void AddEarItems(string text, List<Candidate> found, Match m, Group firstPart, Group? firstSection, Group tail)
    {
        var items = new List<(string Part, string? Section, int Start, int End)>
        {
            (firstPart.Value, firstSection?.Value, m.Index, (firstSection ?? firstPart).Index + (firstSection ?? firstPart).Length),
        };
        var tailText = text.AsSpan(tail.Index, tail.Length);
        foreach (var item in EarItemPattern().EnumerateMatches(tailText))
        {
            var s = tailText.Slice(item.Index, item.Length).ToString();
            var dot = s.IndexOf('.', StringComparison.Ordinal);
            items.Add((dot < 0 ? s : s[..dot], dot < 0 ? null : s[(dot + 1)..], tail.Index + item.Index, tail.Index + item.Index + item.Length));
        }
        foreach (var item in items)
            if (Number(item.Part) is < 730 or > 774) return;
        if (items.Count == 1)
        {
            var only = items[0];
            Add(found, "cfr", "15-" + only.Part + (only.Section is null ? "" : "." + only.Section), m.Index, m.Index + m.Length);
            return;
        }
        foreach (var item in items)
            Add(found, "cfr", "15-" + item.Part + (item.Section is null ? "" : "." + item.Section), item.Start, item.End);
    }

    private static void FindRins(string text, List<Candidate> found)
    {
        if (!text.Contains("RIN", StringComparison.Ordinal)) return;
        for (var m = RinPattern().Match(text); m.Success; m = m.NextMatch())
        {
            var g = m.Groups[1];
            Add(found, "rin", g.Value, g.Index, g.Index + g.Length);
            var pos = m.Index + m.Length;
            for (var k = RinContinuationPattern().Match(text, pos); k.Success; k = RinContinuationPattern().Match(text, pos))
            {
                Add(found, "rin", k.Groups[1].Value, k.Groups[1].Index, k.Index + k.Length);
                pos = k.Index + k.Length;
            }
        }
    }

    private static void FindDockets(string text, List<Candidate> found)
    {
        if (!text.Contains('-')) return;
        var context = new Context(DocketContextPattern(), text);
        for (var m = DocketPattern().Match(text); m.Success; m = m.NextMatch())
        {
            if (!Agencies.Contains(m.Groups[1].Value) && !context.Near(m.Index, m.Index, DocketContextBefore, 0)) continue;
            Add(found, "docket", m.Value, m.Index, m.Index + m.Length);
        }
    }

    private static void FindEccns(string text, List<Candidate> found)
    {
        var context = new Context(ExportContextPattern(), text);
        for (var m = EccnPattern().Match(text); m.Success; m = m.NextMatch())
        {
            var g = m.Groups[1];
            if (!context.Near(g.Index, g.Index + g.Length, EccnContext, EccnContext)) continue;
            // China's dual-use list uses ECCN-shaped "control codes" (1E902.a): not a U.S. ECCN
            var lo = Math.Max(0, g.Index - EccnRejectBefore);
            if (ControlCodePrefixPattern().IsMatch(text.AsSpan(lo, g.Index - lo))) continue;
            Add(found, "eccn", g.Value, g.Index, g.Index + g.Length);
        }
    }

    private static void FindExecutiveOrders(string text, List<Candidate> found)
    {
        if (!text.Contains("rder", StringComparison.OrdinalIgnoreCase) && !text.Contains("EO", StringComparison.Ordinal) && !text.Contains("E.", StringComparison.Ordinal)) return;
        for (var m = ExecutiveOrderPattern().Match(text); m.Success; m = m.NextMatch())
        {
            var number = m.Groups[4].Value;
            if (IsYear(number)) continue;
            Add(found, "eo", Str(Number(number)), m.Index, m.Index + m.Length);
            var plural = m.Groups[1].Length > 0 || m.Groups[2].Length > 0 || m.Groups[3].Length > 0;
            if (!plural) continue;
            var pos = m.Index + m.Length;
            for (var k = ExecutiveOrderContinuationPattern().Match(text, pos); k.Success; k = ExecutiveOrderContinuationPattern().Match(text, pos))
            {
                if (IsYear(k.Groups[1].Value)) break;
                Add(found, "eo", Str(Number(k.Groups[1].Value)), k.Groups[1].Index, k.Index + k.Length);
                pos = k.Index + k.Length;
            }
        }
    }

    private static void FindBills(string text, List<Candidate> found)
    {
        if (!text.Contains("H.", StringComparison.Ordinal) && !text.Contains("S.", StringComparison.Ordinal) && !text.Contains("HR", StringComparison.Ordinal)) return;
        var congresses = new List<(int Start, int End, int Number)>();
        if (text.Contains("congress", StringComparison.OrdinalIgnoreCase))
            for (var c = CongressPattern().Match(text); c.Success; c = c.NextMatch())
                congresses.Add((c.Index, c.Index + c.Length, Number(c.Groups[1].Value)));
        var context = new Context(BillContextPattern(), text);
        for (var m = BillPattern().Match(text); m.Success; m = m.NextMatch())
        {
            var form = new StringBuilder(5);
            foreach (var ch in m.Groups[1].ValueSpan)
                if (char.IsAsciiLetter(ch)) form.Append(char.ToLowerInvariant(ch));
            var kind = form.ToString(); // hr, hres, sres, s
            var end = m.Index + m.Length;
            // "S. 1234" and "HR 1234" are bills only where Congress, the Senate, a bill or an Act is spoken of nearby,
            // and never as a page of the Congressional Record ("page S. 4412", "Cong. Rec. S. 4412")
            if ((kind == "s" || !m.Groups[1].ValueSpan.Contains('.')) && !context.Near(m.Index, end, BillContext, BillContext)) continue;
            var lo = Math.Max(0, m.Index - BillPageBefore);
            if (BillPagePrefixPattern().IsMatch(text.AsSpan(lo, m.Index - lo))) continue;
            int? congress = null;
            var after = CongressAfterPattern().Match(text, end);
            if (after.Success)
            {
                congress = Number(after.Groups[1].Value);
            }
            else
            {
                var best = int.MaxValue;
                foreach (var (cs, ce, n) in congresses)
                {
                    var distance = ce <= m.Index ? m.Index - ce : cs >= end ? cs - end : 0;
                    if (distance <= CongressDistance && distance < best) { best = distance; congress = n; }
                }
            }
            var value = (congress is { } c2 ? Str(c2) + "-" : "") + kind + "-" + Str(Number(m.Groups[2].Value));
            Add(found, "bill", value, m.Index, end);
        }
    }

    private static void FindMofcom(string text, List<Candidate> found)
    {
        if (text.Contains("Announcement", StringComparison.Ordinal))
        {
            var context = new Context(MofcomContextPattern(), text);
            for (var m = MofcomPattern().Match(text); m.Success; m = m.NextMatch())
            {
                var g = m.Groups;
                var number = g[1].Success ? g[1].Value : g[8].Value;
                var year = g[2].Success ? g[2].Value : g[3].Success ? g[3].Value : g[4].Success ? g[4].Value
                    : g[5].Success ? g[5].Value : g[6].Success ? g[6].Value : g[7].Value;
                var named = !text.AsSpan(m.Index).StartsWith("Announcement", StringComparison.Ordinal) || g[9].Success;
                // a bare "Announcement No. 61 of 2025" only where MOFCOM / the Ministry of Commerce was just named
                if (!named && !context.Near(m.Index, m.Index, MofcomContextBefore, 0)) continue;
                Add(found, "mofcom", year + "-" + Str(Number(number)), m.Index, m.Index + m.Length);
            }
            // "Ministry of Commerce Announcements No. 61 and 62 of 2025": the first item runs from the match's start
            for (var m = MofcomListPattern().Match(text); m.Success; m = m.NextMatch())
            {
                var named = !text.AsSpan(m.Index).StartsWith("Announcements", StringComparison.Ordinal);
                if (!named && !context.Near(m.Index, m.Index, MofcomContextBefore, 0)) continue;
                var year = m.Groups[2].Value;
                var numbers = m.Groups[1];
                var first = true;
                foreach (var n in DigitsPattern().EnumerateMatches(numbers.ValueSpan))
                {
                    var start = numbers.Index + n.Index;
                    var value = year + "-" + Str(Number(numbers.ValueSpan.Slice(n.Index, n.Length).ToString()));
                    Add(found, "mofcom", value, first ? m.Index : start, start + n.Length);
                    first = false;
                }
            }
        }
        if (text.Contains("商务部", StringComparison.Ordinal))
        {
            for (var m = MofcomChinesePattern().Match(text); m.Success; m = m.NextMatch())
                Add(found, "mofcom", m.Groups[1].Value + "-" + Str(Number(m.Groups[2].Value)), m.Index, m.Index + m.Length);
        }
    }

    private static void FindNames(string text, List<Candidate> found)
    {
        if (text.Contains("silica", StringComparison.OrdinalIgnoreCase))
        {
            for (var m = PaxSilicaPattern().Match(text); m.Success; m = m.NextMatch())
                Add(found, "initiative", "pax-silica", m.Index, m.Index + m.Length);
        }
        if (!text.Contains("list", StringComparison.OrdinalIgnoreCase)) return;
        var context = new Context(ListContextPattern(), text);
        for (var m = ListPattern().Match(text); m.Success; m = m.NextMatch())
        {
            var end = m.Index + m.Length;
            if (!EveryWordCapitalised(text, m.Index, end))
            {
                // "the entity list" in lower case: only after the/its/'s/U.S. and with trade talk around
                var lo = Math.Max(0, m.Index - ListLowerCaseBefore);
                if (!ListLowerCaseBeforePattern().IsMatch(text.AsSpan(lo, m.Index - lo))) continue;
                if (!context.Near(m.Index, end, ListContext, ListContext)) continue;
            }
            var slug = m.Groups[1].Success ? "unreliable-entity-list" : m.Groups[2].Success ? "entity-list" : "unverified-list";
            Add(found, "list", slug, m.Index, end);
        }
    }

    private static bool EveryWordCapitalised(string text, int start, int end)
    {
        for (var i = start; i < end; i++)
            if (!char.IsWhiteSpace(text[i]) && (i == start || char.IsWhiteSpace(text[i - 1])) && !char.IsUpper(text[i])) return false;
        return true;
    }

    private static int Priority(string kind) => kind switch
    {
        "mofcom" => 0,
        "cfr" => 1,
        "fr-cite" => 2,
        "fr-doc" => 3,
        "docket" => 4,
        "rin" => 5,
        "eo" => 6,
        "bill" => 7,
        "list" => 8,
        "initiative" => 9,
        _ => 10,
    };

    private static IReadOnlyList<ArtefactReference> Resolve(string text, List<Candidate> found)
    {
        if (found.Count == 0) return [];
        found.Sort((a, b) =>
        {
            var c = (b.End - b.Start).CompareTo(a.End - a.Start);
            if (c == 0) c = Priority(a.Kind).CompareTo(Priority(b.Kind));
            if (c == 0) c = a.Start.CompareTo(b.Start);
            return c != 0 ? c : string.CompareOrdinal(a.Value, b.Value);
        });
        var taken = new bool[text.Length];
        var kept = new List<Candidate>(found.Count);
        foreach (var candidate in found)
        {
            if (Array.IndexOf(taken, true, candidate.Start, candidate.End - candidate.Start) >= 0) continue;
            Array.Fill(taken, true, candidate.Start, candidate.End - candidate.Start);
            kept.Add(candidate);
        }
        kept.Sort((a, b) => a.Start.CompareTo(b.Start));
        var result = new ArtefactReference[kept.Count];
        for (var i = 0; i < kept.Count; i++)
        {
            var k = kept[i];
            result[i] = new ArtefactReference(k.Kind + ":" + k.Value, k.Kind, k.Start, k.End, text[k.Start..k.End]);
        }
        return result;
    }

    /// <summary>The matches of one context pattern over the whole text, found once on first use.</summary>
    private sealed class Context(Regex pattern, string text)
    {
        private (int[] Starts, int[] Ends)? _matches;

        /// <summary>Whether a match lies wholly within [start − before, end + after), clipped to the text.</summary>
        public bool Near(int start, int end, int before, int after)
        {
            var (starts, ends) = _matches ??= Find();
            var lo = Math.Max(0, start - before);
            var hi = Math.Min(text.Length, end + after);
            var i = Array.BinarySearch(starts, lo);
            if (i < 0) i = ~i;
            return i < starts.Length && ends[i] <= hi;
        }

        private (int[] Starts, int[] Ends) Find()
        {
            var starts = new List<int>();
            var ends = new List<int>();
            foreach (var m in pattern.EnumerateMatches(text))
            {
                starts.Add(m.Index);
                ends.Add(m.Index + m.Length);
            }
            return (starts.ToArray(), ends.ToArray());
        }
    }

    // ---- patterns (prototype-checked; [0-9] rather than \d so that only ASCII digits match) ----

    [GeneratedRegex(@"(?:\bFR\s+Doc\b\.?|\bDoc\.|\b[Dd]ocument\s+(?:[Nn]umber|[Nn]o\.|ID)|\b(No\.))\s*(?:No\.?\s*)?:?\s*(20[0-9]{2}-[0-9]{5})(?![0-9]|-[0-9])")]
    private static partial Regex FrDocPattern();

    [GeneratedRegex(@"(?:federalregister\.gov/(?:[A-Za-z0-9_./%-]{0,80}?/)?|govinfo\.gov/[A-Za-z0-9_./%-]{0,100}?/)(20[0-9]{2}-[0-9]{5})(?![0-9]|-[0-9])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FrUrlPattern();

    [GeneratedRegex(@"Federal Register|\bFR\b|[Dd]ocument|\bDoc\b")]
    private static partial Regex FrContextPattern();

    [GeneratedRegex(@"(?<![0-9A-Za-z.,\u00A7])([0-9]{1,2})\s+(?:FR|Fed\.?\s?Reg\.?)\s+([0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,6})(?![0-9])")]
    private static partial Regex FrCitePattern();

    [GeneratedRegex(@"(?<![0-9])([0-9]{1,2})\s?(?:CFR|C\.\s?F\.\s?R\.)\s*(?:(\u00A7\u00A7?|[Pp]arts?|[Pp]ts?\.|[Ss]ections?|[Ss]ecs?\.)\s*)?([0-9]{1,4})(?:\.([0-9]{1,4}))?" + NotRange)]
    private static partial Regex CfrPattern();

    [GeneratedRegex(@"\G" + ListSeparator + @"([0-9]{1,4})(?:\.([0-9]{1,4}))?" + NotRange)]
    private static partial Regex CfrContinuationPattern();

    [GeneratedRegex(@"\b[Pp]arts?\s+([0-9]{3})((?:" + ListSeparator + @"[0-9]{3})*)" + EarTail)]
    private static partial Regex EarPartPattern();

    [GeneratedRegex(@"(?:\u00A7\u00A7?|\b[Ss]ections?|\b[Ss]ecs?\.)\s*([0-9]{3})\.([0-9]{1,4})((?:\([a-z0-9]{1,4}\))*)((?:" + ListSeparator + @"[0-9]{3}\.[0-9]{1,4}(?:\([a-z0-9]{1,4}\))*)*)" + EarTail)]
    private static partial Regex EarSectionPattern();

    [GeneratedRegex(@"\bEAR\s+(?:\u00A7\u00A7?|[Pp]arts?|[Ss]ections?)\s*([0-9]{3})(?:\.([0-9]{1,4}))?" + NotRange)]
    private static partial Regex EarPrefixPattern();

    [GeneratedRegex(@"[0-9]{3}(?:\.[0-9]{1,4})?")]
    private static partial Regex EarItemPattern();

    [GeneratedRegex(@"\bRINs?(?![A-Za-z])\)?\s*:?\s*(?:No\.\s*)?([0-9]{4}-[A-Z]{2}[0-9]{2})(?![0-9A-Za-z])")]
    private static partial Regex RinPattern();

    [GeneratedRegex(@"\G(?:\s*,\s*(?:and\s+)?|\s+and\s+)([0-9]{4}-[A-Z]{2}[0-9]{2})(?![0-9A-Za-z])")]
    private static partial Regex RinContinuationPattern();

    [GeneratedRegex(@"(?<![A-Za-z0-9-])([A-Z]{2,6})((?:-[A-Z]{1,6}){0,2}-(?:19|20)[0-9]{2}-[0-9]{4})(?![A-Za-z0-9]|-[A-Za-z0-9])")]
    private static partial Regex DocketPattern();

    [GeneratedRegex(@"(?i:docket|regulations\.gov)", RegexOptions.CultureInvariant)]
    private static partial Regex DocketContextPattern();

    [GeneratedRegex(@"(?:(?<![A-Za-z0-9_.#/$-])|(?<=[0-9][A-EY][0-9]{3}/))([0-9](?:[A-E][0-9]{3}|Y521))" + EccnEnd)]
    private static partial Regex EccnPattern();

    [GeneratedRegex(@"(?i:control\s+code)\s*:?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex ControlCodePrefixPattern();

    [GeneratedRegex(@"\b(?:ECCNs?|EAR|CCL|BIS)\b|[Ee]xport|[Ll]icen[cs]|[Cc]ontrol|[Cc]lassif|Commerce")]
    private static partial Regex ExportContextPattern();

    [GeneratedRegex(@"(?:\b(?i:executive\s+order(s?))|\bE\.\s?O\.(s?)|\bEO(s?))(?:\s*\((?:E\.O\.|EO)\))?\s*(?:No\.?\s*|[Nn]umber\s+|#\s*)?([0-9]{2},[0-9]{3}|[0-9]{4,5})(?![0-9]|[-.,][0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex ExecutiveOrderPattern();

    [GeneratedRegex(@"\G(?:\s*,\s*(?:and\s+)?|\s+and\s+)([0-9]{2},[0-9]{3}|[0-9]{4,5})(?![0-9]|[-.,][0-9])")]
    private static partial Regex ExecutiveOrderContinuationPattern();

    [GeneratedRegex(@"(?<![A-Za-z.])(H\.\s?R\.|HR|H\.\s?Res\.|S\.\s?Res\.|S\.)\s?([0-9]{1,5})(?![0-9]|[.,][0-9]|[A-Za-z])")]
    private static partial Regex BillPattern();

    [GeneratedRegex(@"\b(?:Congress(?:ional)?|Senate|Senators?|Sen\.|[Bb]ills?|Act|[Ll]egislation|[Ii]ntroduced|[Rr]esolution|[Ll]awmakers)(?![A-Za-z])")]
    private static partial Regex BillContextPattern();

    [GeneratedRegex(@"\b(?:[Pp]ages?|pp?\.|Rec\.|Record)\s*$")]
    private static partial Regex BillPagePrefixPattern();

    [GeneratedRegex(@"\b([0-9]{2,3})(?:st|nd|rd|th)\s+(?i:congress)\b", RegexOptions.CultureInvariant)]
    private static partial Regex CongressPattern();

    [GeneratedRegex(@"\G\s*\(([0-9]{2,3})(?:st|nd|rd|th)(?:\s+(?i:congress))?\)", RegexOptions.CultureInvariant)]
    private static partial Regex CongressAfterPattern();

    [GeneratedRegex(@"(?:\b(?:MOFCOM|Ministry\s+of\s+Commerce)(?:\s+\(MOFCOM\))?(?:\s+and\s+(?:the\s+)?(?:GACC?|General\s+Administration\s+of\s+Customs))?(?:\u0027s|\u2019s)?\s+)?\bAnnouncement\s+(?:No\.?\s*([0-9]{1,3})\s*(?:of\s+(?:the\s+[Yy]ear\s+)?(20[0-9]{2})|\[(20[0-9]{2})\]|\((20[0-9]{2})\))|(?:\[(20[0-9]{2})\]|\((20[0-9]{2})\)|(20[0-9]{2}))\s*No\.?\s*([0-9]{1,3}))(?![0-9])((?:\s+of\s+the\s+Ministry\s+of\s+Commerce(?:\s+\(MOFCOM\))?|\s+of\s+MOFCOM)(?![A-Za-z]|\s+and\s+Industry))?")]
    private static partial Regex MofcomPattern();

    [GeneratedRegex(@"(?:\b(?:MOFCOM|Ministry\s+of\s+Commerce)(?:\s+and\s+(?:the\s+)?(?:GACC?|General\s+Administration\s+of\s+Customs))?(?:\u0027s|\u2019s)?\s+)?\bAnnouncements\s+Nos?\.\s*([0-9]{1,3}(?:" + ListSeparator + @"[0-9]{1,3})+)\s+of\s+(20[0-9]{2})(?![0-9])")]
    private static partial Regex MofcomListPattern();

    [GeneratedRegex(@"[0-9]+")]
    private static partial Regex DigitsPattern();

    // 商务部 = Ministry of Commerce, 公告 = announcement, 年 = year, 第…号 = No. …; 海关总署 etc. may stand between
    [GeneratedRegex(@"\u5546\u52a1\u90e8[\u4e00-\u9fff\u3001\s]{0,20}?\u516c\u544a\s*(20[0-9]{2})\s*\u5e74\s*\u7b2c\s*([0-9]{1,3})\s*\u53f7")]
    private static partial Regex MofcomChinesePattern();

    [GeneratedRegex(@"MOFCOM|(?i:ministry\s+of\s+commerce(?!\s+and\s+industry)|commerce\s+ministry)|\u5546\u52a1\u90e8", RegexOptions.CultureInvariant)]
    private static partial Regex MofcomContextPattern();

    [GeneratedRegex(@"\b(?i:pax\s+silica)\b", RegexOptions.CultureInvariant)]
    private static partial Regex PaxSilicaPattern();

    [GeneratedRegex(@"\b(?i:(unreliable\s+entity\s+list)|(entity\s+list)|(unverified\s+list))(?![A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex ListPattern();

    [GeneratedRegex(@"(?:\b(?:the|its|their|so-called)|[\u0027\u2019]s|\bU\.S\.)\s+(?:(?:trade|export|Commerce|U\.S\.|US|Chinese|so-called)\s+)?[\u0022\u201c]?$")]
    private static partial Regex ListLowerCaseBeforePattern();

    [GeneratedRegex(@"[Ee]xport|[Cc]ommerce|\bBIS\b|MOFCOM|[Ss]anction|[Bb]lacklist|[Tt]rade|[Dd]epartment|[Mm]inistry|China|Chinese|Beijing|Washington|U\.S\.")]
    private static partial Regex ListContextPattern();
}
