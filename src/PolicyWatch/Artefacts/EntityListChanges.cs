using System.Text.RegularExpressions;

namespace PolicyWatch.Artefacts;

/// <summary>One Entity List change a rule makes: <see cref="Action"/> is <c>add</c>, <c>revise</c> or <c>remove</c>; names and aliases as the rule writes them.</summary>
public sealed record EntityListChange(string Action, string Entity, string? Country, IReadOnlyList<string> Aliases);

/// <summary>
/// Reads the Entity List changes out of a rule's text, from its amendatory instructions to Supplement No. 4 to part 744
/// of the EAR (15 CFR part 744), the form the Federal Register prints them in: "Supplement no. 4 to part 744 is
/// amended: a. Under CHINA, PEOPLE'S REPUBLIC OF, by adding in alphabetical order entries for "A" and "B"; b. Under
/// RUSSIA, by removing the entry for "C"". Aliases come from the entry the rule then prints ("A, a.k.a., the following
/// two aliases: —A1; and —A2."). Instructions that name no entity in quotes (older rules: "adding under China ten
/// entities") give nothing rather than a guess. Pure and thread-safe; never throws.
/// </summary>
public static partial class EntityListChanges
{
    /// <summary>The changes <paramref name="text"/> makes, in the order its instructions give them; empty when it amends no Entity List entry by name.</summary>
    public static IReadOnlyList<EntityListChange> Parse(string text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var changes = new List<EntityListChange>();
        var seen = new HashSet<(string, string, string?)>();
        foreach (Match instruction in Instruction().Matches(text))
        {
            var start = instruction.Index + instruction.Length;
            var end = FollowsAt(text, start);
            var region = text[start..end];
            string? country = null;
            string? action = null;
            // tokens in order: a country heading, an action verb, or a quoted name the last action applies to
            foreach (Match t in Token().Matches(region))
            {
                if (t.Groups["country"].Success) country = Country(t.Groups["country"].Value); // "by adding under IRAN": the verb may come first
                else if (t.Groups["verb"].Success) action = Verb(t.Groups["verb"].Value);
                else if (t.Groups["name"].Success && action is not null)
                {
                    var name = Extract.Text.Collapse(t.Groups["name"].Value).TrimEnd(',', ';');
                    if (name.Length < 2 || !seen.Add((action, name, country))) continue;
                    changes.Add(new EntityListChange(action, name, country, action == "remove" ? [] : Aliases(text, end, name)));
                }
            }
        }
        return changes;
    }

    // the instructions end where the amended text is printed ("The additions read as follows:"), where the next
    // instruction begins ("3. Section 744.21 is amended"), or after 20,000 characters
    private static int FollowsAt(string text, int start)
    {
        var limit = Math.Min(text.Length, start + 20_000);
        foreach (var m in new[] { ReadsAsFollows().Match(text, start), NextInstruction().Match(text, start) })
            if (m.Success && m.Index < limit) limit = m.Index;
        return limit;
    }

    private static string Verb(string verb) => verb.ToLowerInvariant() switch
    {
        var v when v.StartsWith("add", StringComparison.Ordinal) => "add",
        var v when v.StartsWith("remov", StringComparison.Ordinal) => "remove",
        _ => "revise",
    };

    // "CHINA, PEOPLE'S REPUBLIC OF" as written; a trailing comma or colon belongs to the sentence
    private static string Country(string raw) => Extract.Text.Collapse(raw).TrimEnd(',', ':', ' ');

    /// <summary>The aliases the printed entry for <paramref name="name"/> gives after "a.k.a., the following N aliases:", from <paramref name="from"/> on.</summary>
    private static IReadOnlyList<string> Aliases(string text, int from, string name)
    {
        var at = text.IndexOf(name, from, StringComparison.Ordinal);
        if (at < 0) return [];
        var afterName = at + name.Length;
        var m = AkaFollowing().Match(text, afterName, Math.Min(160, text.Length - afterName));
        if (!m.Success || m.Index - afterName > 40) return [];
        var count = Count(m.Groups["n"].Value);
        var aliases = new List<string>();
        var pos = m.Index + m.Length;
        while (aliases.Count < count && pos < text.Length)
        {
            var dash = AliasStart().Match(text, pos);
            if (!dash.Success || dash.Index - pos > 20) break;
            var begin = dash.Index + dash.Length;
            var last = aliases.Count == count - 1;
            int stop;
            if (!last)
            {
                stop = text.IndexOf(';', begin);
                if (stop < 0 || stop - begin > 300) break;
            }
            else
            {
                // the last alias ends its line, or its sentence (a full stop that is not an abbreviation's)
                var newline = text.IndexOf('\n', begin);
                stop = newline >= 0 && newline - begin <= 300 ? newline : LastAliasEnd(text, begin);
            }
            var alias = Extract.Text.Collapse(text[begin..Math.Min(stop, text.Length)]).TrimEnd(';', ' ');
            if (alias.EndsWith(" and", StringComparison.Ordinal)) alias = alias[..^4];
            if (alias.EndsWith('.') && !Abbreviation().IsMatch(alias)) alias = alias[..^1];
            if (alias.Length > 0) aliases.Add(alias);
            pos = stop + 1;
        }
        return aliases;
    }

    // a company name ends at "Ltd." or "Inc." (the address follows); an initial, "No." or the "Co." of "Co. Ltd." does not end it
    private static int LastAliasEnd(string text, int begin)
    {
        var limit = Math.Min(text.Length, begin + 300);
        for (var i = begin; i < limit; i++)
        {
            if (text[i] != '.' || i + 1 < text.Length && !char.IsWhiteSpace(text[i + 1])) continue;
            if (NonTerminal().IsMatch(text[begin..(i + 1)])) continue;
            var next = text.AsSpan(i + 1).TrimStart();
            if (next.StartsWith("Ltd", StringComparison.Ordinal) || next.StartsWith("Limited", StringComparison.Ordinal)) continue;
            return Abbreviation().IsMatch(text[begin..(i + 1)]) ? i + 1 : i;
        }
        return limit;
    }

    private static int Count(string n) => n.ToLowerInvariant() switch
    {
        "one" => 1, "two" => 2, "three" => 3, "four" => 4, "five" => 5, "six" => 6, "seven" => 7, "eight" => 8, "nine" => 9, "ten" => 10,
        "eleven" => 11, "twelve" => 12, "thirteen" => 13, "fourteen" => 14, "fifteen" => 15, "sixteen" => 16, "seventeen" => 17,
        "eighteen" => 18, "nineteen" => 19, "twenty" => 20,
        var d when int.TryParse(d, out var i) => Math.Clamp(i, 0, 100),
        _ => 0,
    };

    [GeneratedRegex(@"Supplement\s+No\.?\s*4\s+to\s+(?:Part|part)\s+744\s+is\s+(?:further\s+)?amended", RegexOptions.IgnoreCase)]
    private static partial Regex Instruction();

    // the phrase itself, so that a quoted name before it ("revising the entry for "Foo Co., Ltd." to read as follows") stays inside
    [GeneratedRegex(@"\b(?:reads?|to\s+read)\s+as\s+follows\b", RegexOptions.IgnoreCase)]
    private static partial Regex ReadsAsFollows();

    [GeneratedRegex(@"\b(?:is|are)\s+(?:further\s+)?amended\b|(?:^|\n)\s*\d{1,2}\.\s+(?=[A-Z§])")]
    private static partial Regex NextInstruction();

    // a country heading ("Under CHINA, PEOPLE'S REPUBLIC OF," / "under the destination of Russia,"), an action, or a quoted name
    [GeneratedRegex("""
        \b[Uu]nder\s+(?:the\s+destination\s+(?:of\s+)?)?(?<country>[A-Z][\p{L}'’.\-]*(?:[ ][A-Z(][\p{L}'’.\-)]*)*(?:,[ ][A-Z][\p{L}'’.\-]*(?:[ ][A-Z][\p{L}'’.\-]*)*[ ]OF)?)(?:\s*[,:]|(?=\s+by\s))
        |\b(?<verb>adding|revising|removing|amending|modifying)\b
        |["“](?<name>[^"”\n]{2,200})["”]
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex Token();

    [GeneratedRegex(@"\ba\.?k\.?a\.?,?\s+the\s+following\s+(?<n>\w+)\s+alias(?:es)?\s*:\s*", RegexOptions.IgnoreCase)]
    private static partial Regex AkaFollowing();

    [GeneratedRegex(@"\s*(?:and\s+)?[—–]\s*")]
    private static partial Regex AliasStart();

    [GeneratedRegex(@"(?:\b(?:Co|Ltd|Inc|Corp|L\.L\.C|LLC|S\.A|S\.p\.A|GmbH|B\.V|N\.V|Pte|Pvt|L\.P|P\.J\.S\.C|J\.S\.C|O\.O\.O|PLC)|\b\p{Lu})\.$")]
    private static partial Regex Abbreviation();

    [GeneratedRegex(@"(?:^|\s)(?:\p{Lu}|No|Nos|St|Mr|Ms|Dr|Jr|Sr)\.$")]
    private static partial Regex NonTerminal();
}
