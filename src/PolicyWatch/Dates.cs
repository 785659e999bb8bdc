using System.Globalization;
using System.Text.RegularExpressions;

namespace PolicyWatch;

/// <summary>Lenient date parsing for feeds and pages: ISO 8601, RFC 822/1123 with named zones, plain dates.</summary>
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
        if (s.Length > 80) return null;
        s = NamedZone().Replace(s, m => Zones.TryGetValue(m.Groups[1].Value, out var off) ? off : m.Value);
        s = CompactOffset().Replace(s, "$1$2:$3"); // +0000 → +00:00 for "zzz"
        if (s.EndsWith('Z')) s = s[..^1] + "+00:00";
        if (DateTimeOffset.TryParseExact(s, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var exact))
            return Sane(exact);
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal, out var loose))
            return Sane(loose);
        return null;
    }

    private static DateTimeOffset? Sane(DateTimeOffset d) =>
        d.Year is >= 1990 and <= 2100 ? d : null;

    [GeneratedRegex(@"(?<=\d\s*)\b(UTC|UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|CET|CEST|BST|JST|KST|IST|HKT|SGT|AEST|AEDT)\b\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex NamedZone();

    [GeneratedRegex(@"([+-])(\d{2})(\d{2})$")]
    private static partial Regex CompactOffset();
}
