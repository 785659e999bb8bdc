using System.Text;

namespace PolicyWatch.Extract;

internal static class Text
{
    /// <summary>Whitespace runs (incl. non-breaking and zero-width spaces) become one space, soft hyphens and BOMs go; trimmed.</summary>
    public static string Collapse(string s)
    {
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s)
        {
            // a soft hyphen is a line-break hint, invisible unless a line breaks there: "Er\u00adin\u00adne\u00adrung" is one word
            if (c is '\u00ad' or '\ufeff') continue;
            if (char.IsWhiteSpace(c) || c == '\u200b' || c == '\u00a0')
            {
                space = sb.Length > 0;
                continue;
            }
            if (space) sb.Append(' ');
            space = false;
            sb.Append(c);
        }
        return sb.ToString();
    }

    public static int WordCount(string s)
    {
        var n = 0;
        var inWord = false;
        foreach (var c in s)
        {
            var w = char.IsLetterOrDigit(c);
            if (w && !inWord) n++;
            inWord = w;
        }
        return n;
    }
}
