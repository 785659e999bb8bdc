using System.Globalization;
using System.Text.RegularExpressions;

namespace PolicyWatch;

/// <summary>
/// Lenient date parsing for feeds and pages: ISO 8601, RFC 822/1123 with named zones, plain dates, and the written
/// forms of the languages PolicyWatch meets (English, German, French, Spanish, Italian, Portuguese, Dutch, Polish:
/// day and month names, "25. November 2026", "25 de noviembre de 2026"; day-first dotted dates; CJK 2026年11月25日).
/// Slashed numeric dates are month-first (as Drupal and US sites write them) unless the first number exceeds 12.
/// </summary>
public static partial class Dates
{
    private static readonly Dictionary<string, string> Zones = new(StringComparer.OrdinalIgnoreCase)
    {
        ["UT"] = "+00:00", ["UTC"] = "+00:00", ["GMT"] = "+00:00", ["Z"] = "+00:00",
        ["EST"] = "-05:00", ["EDT"] = "-04:00", ["CST"] = "-06:00", ["CDT"] = "-05:00",
        ["MST"] = "-07:00", ["MDT"] = "-06:00", ["PST"] = "-08:00", ["PDT"] = "-07:00",
        ["CET"] = "+01:00", ["CEST"] = "+02:00", ["BST"] = "+01:00", ["JST"] = "+09:00", ["KST"] = "+09:00",
        ["IST"] = "+05:30", ["HKT"] = "+08:00", ["SGT"] = "+08:00", ["AEST"] = "+10:00", ["AEDT"] = "+11:00",
    };

    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mmzzz",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss",
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd",
        "ddd, d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm zzz", "d MMM yyyy HH:mm zzz",
        "ddd, d MMM yy HH:mm:ss zzz", "ddd, d MMM yyyy HH:mm:ss", "d MMM yyyy", "MMMM d, yyyy", "MMM d, yyyy", "d MMMM yyyy",
        "MMMM d, yyyy h:mm tt", "MMM. d, yyyy", "yyyyMMdd",
    ];

    /// <summary>Parses a date, keeping its UTC offset; a date without one is taken as UTC. Null when unparseable or absurd.</summary>
    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = text.Trim();
        if (s.Length > 120) return null;
        s = NamedZone().Replace(s, m => Zones.TryGetValue(m.Groups[1].Value, out var off) ? off : m.Value);
        s = CompactOffset().Replace(s, "$1$2:$3"); // +0000 → +00:00 for "zzz"
        if (s.EndsWith('Z')) s = s[..^1] + "+00:00";
        if (DateTimeOffset.TryParseExact(s, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var exact))
            return Sane(exact);
        // dotted numeric dates are day-first everywhere they are written; the invariant parser would read 10.12. as October
        if (DottedDate().IsMatch(s)) return ParseWritten(s);
        // the loose parser reads "25 Nov" as November 2025: only text with a year of its own goes to it
        if (HasYear(s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var loose))
            return Sane(loose);
        return ParseWritten(s);
    }

    private static readonly string[] WrittenFormats =
    [
        "d MMM yyyy", "d MMM yyyy H:mm", "d MMM yyyy H:mm:ss", "d MMM yyyy H:mm zzz", "d MMM yyyy H:mm:ss zzz", "d MMM yyyy h:mm tt", "d MMM yyyy h:mm:ss tt",
        "MMM d yyyy", "MMM d yyyy H:mm", "MMM d yyyy H:mm:ss", "MMM d yyyy h:mm tt", "MMM d yyyy H:mm zzz", "MMM d yyyy H:mm:ss zzz",
        "d.M.yyyy", "d.M.yyyy H:mm", "d.M.yyyy H:mm:ss", "d.M.yyyy H.mm", "d.M.yy", "d.M.yy H:mm", "d.M.yyyy h:mm tt", "yyyy-M-d", "yyyy-M-d H:mm", "yyyy-M-d H:mm:ss",
        "M/d/yyyy", "M/d/yyyy H:mm", "M/d/yyyy H:mm:ss", "M/d/yyyy h:mm tt", "d/M/yyyy", "d/M/yyyy H:mm", "d/M/yyyy H:mm:ss",
        "yyyy/M/d", "yyyy/M/d H:mm", "yyyy/M/d H:mm:ss",
    ];

    /// <summary>Written dates: names of days and months in our languages, connectors ("de", "um", "à"), ordinals, CJK.</summary>
    private static DateTimeOffset? ParseWritten(string text)
    {
        var s = Cjk().Replace(text.Replace('\u2009', ' ').Replace('\u202F', ' ').Replace('\u00A0', ' '), m => $"{m.Groups[1].Value}-{m.Groups[2].Value}-{m.Groups[3].Value} ");
        s = DottedSpaced().Replace(s, "$1.$2.$3");
        s = HourMark().Replace(s, "$1:$2");
        s = DottedMeridiem().Replace(s, "$1m");
        s = Ordinal().Replace(s, "$1");
        var tokens = Word().Split(s);
        var words = Word().Matches(s);
        var sb = new System.Text.StringBuilder();
        var leading = true;
        for (var k = 0; k < words.Count + 1; k++)
        {
            sb.Append(tokens[k]);
            if (k == words.Count) break;
            var word = words[k].Value.TrimEnd('.').ToLowerInvariant();
            // a weekday leads ("Mo, 25 Nov"); "mar" is Tuesday there and March elsewhere
            if (leading && Weekdays.Contains(word)) { sb.Append(' '); continue; }
            leading = false;
            // "12:30 am" is a time of day; the German "am" ("am 12. März") is a connector
            if (word is "am" or "pm" && TimeAtEnd().IsMatch(sb.ToString())) { sb.Append(word.ToUpperInvariant()); continue; }
            if (Months.TryGetValue(word, out var month)) sb.Append(' ').Append(CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames[month - 1]).Append(' ');
            else if (Weekdays.Contains(word) || Connectors.Contains(word)) sb.Append(' ');
            else sb.Append(words[k].Value);
        }
        s = sb.ToString();
        s = DayDot().Replace(s, "$1 ");
        s = s.Replace(',', ' ').Replace(" - ", " ").Replace(" | ", " ");
        s = string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (s.Length == 0 || !s.Any(char.IsDigit)) return null;
        s = CompactOffset().Replace(s, "$1$2:$3");
        if (SlashDate().Match(s) is { Success: true } slash && int.Parse(slash.Groups[1].Value, CultureInfo.InvariantCulture) > 12)
            s = s.Remove(slash.Index, slash.Length).Insert(slash.Index, $"{slash.Groups[2].Value}/{slash.Groups[1].Value}/{slash.Groups[3].Value}");
        if (DateTimeOffset.TryParseExact(s, WrittenFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var d))
            return HasYear(s) ? Sane(d) : null;
        return null;
    }

    private static bool HasYear(string s) => YearLike().IsMatch(s);

    /// <summary>Whether a word is a day or month name (or abbreviation) in one of our languages.</summary>
    public static bool IsDayOrMonthName(string word)
    {
        var w = word.Trim(',', '.', ' ').ToLowerInvariant();
        return Weekdays.Contains(w) || Months.ContainsKey(w);
    }

    [GeneratedRegex(@"^\s*\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b")]
    private static partial Regex DottedDate();

    private static readonly Dictionary<string, int> Months = BuildMonths();

    private static Dictionary<string, int> BuildMonths()
    {
        // per month: the names and abbreviations of en, de, fr, es, it, pt, nl, pl (Polish in nominative and genitive)
        string[] names =
        [
            "january jan januar jänner jän janvier janv enero ene gennaio gen janeiro januari styczeń stycznia sty",
            "february feb februar février fevrier févr fevr fév febrero febbraio fevereiro fev februari luty lutego lut",
            "march mar märz maerz mär mars marzo março marco maart mrt marzec marca",
            "april apr avril avr abril abr aprile kwiecień kwietnia kwi",
            "may mai mayo maggio mag maio mei maj maja",
            "june jun juni juin junio giugno giu junho czerwiec czerwca cze",
            "july jul juli juillet juil julio luglio lug julho lipiec lipca lip",
            "august aug août aout agosto ago augustus sierpień sierpnia sie",
            "september sep sept septembre septiembre setiembre settembre set setembro wrzesień września wrz",
            "october oct oktober okt octobre octubre ottobre ott outubro out październik października paź",
            "november nov novembre noviembre novembro listopad listopada lis",
            "december dec dezember dez décembre decembre déc diciembre dic dicembre dezembro grudzień grudnia gru",
        ];
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var m = 0; m < names.Length; m++)
            foreach (var n in names[m].Split(' '))
                map.TryAdd(n, m + 1);
        return map;
    }

    private static readonly HashSet<string> Weekdays = new(StringComparer.Ordinal)
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag", "mo", "di", "mi", "do", "fr", "sa", "so",
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lun", "mar", "mer", "jeu", "ven", "sam", "dim",
        "lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado", "domingo", "mié", "mie", "jue", "vie", "sáb", "sab", "dom",
        "lunedì", "lunedi", "martedì", "martedi", "mercoledì", "mercoledi", "giovedì", "giovedi", "venerdì", "venerdi", "sabato", "domenica",
        "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "seg", "ter", "qua", "qui", "sex",
        "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "ma", "wo", "vr", "za", "zo",
        "poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela", "pon", "wt", "śr", "czw", "pt", "sob", "niedz", "nd",
    };

    private static readonly HashSet<string> Connectors = new(StringComparer.Ordinal)
    {
        "de", "del", "à", "a", "las", "los", "um", "om", "o", "godz", "uhr", "le", "el", "am", "den", "der", "the", "of", "at", "kl", "klo", "alle", "às", "h", "on",
    };

    [GeneratedRegex(@"[\p{L}][\p{L}\-]*\.?")]
    private static partial Regex Word();

    [GeneratedRegex(@"\b([aApP])\.\s?[mM]\.")]
    private static partial Regex DottedMeridiem();

    [GeneratedRegex(@"\d{1,2}(:\d{2}){1,2}\s*$")]
    private static partial Regex TimeAtEnd();

    [GeneratedRegex(@"\b(\d{1,2})\.\s+(\d{1,2})\.\s+(\d{2,4})\.?")]
    private static partial Regex DottedSpaced();

    [GeneratedRegex(@"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")]
    private static partial Regex Cjk();

    [GeneratedRegex(@"\b(\d{1,2})\s*h\s*(\d{2})\b")]
    private static partial Regex HourMark();

    [GeneratedRegex(@"\b(\d{1,2})(?:st|nd|rd|th|er|e|º|ª)\b")]
    private static partial Regex Ordinal();

    [GeneratedRegex(@"\b(\d{1,2})\.(?=\s|$)")]
    private static partial Regex DayDot();

    [GeneratedRegex(@"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")]
    private static partial Regex SlashDate();

    [GeneratedRegex(@"\d{4}|\d{1,2}\.\d{1,2}\.\d{2}")]
    private static partial Regex YearLike();

    private static DateTimeOffset? Sane(DateTimeOffset d) =>
        d.Year is >= 1990 and <= 2100 ? d : null;

    [GeneratedRegex(@"(?<=\d\s*)\b(UTC|UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|CET|CEST|BST|JST|KST|IST|HKT|SGT|AEST|AEDT)\b\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex NamedZone();

    [GeneratedRegex(@"([+-])(\d{2})(\d{2})$")]
    private static partial Regex CompactOffset();
}
