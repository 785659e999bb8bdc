using System.Text;

namespace PolicyWatch;

/// <summary>Text from outside (a typed user name, a header) made safe for one log line.</summary>
public static class LogText
{
    /// <summary>
    /// Control characters (line breaks, terminal escapes, NUL) shown as <c>\uXXXX</c>, and the text cut to
    /// <paramref name="max"/> characters with "…", so a value can neither forge log lines nor flood the log.
    /// </summary>
    public static string Safe(string? text, int max = 64)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(Math.Min(text.Length, max) + 8);
        foreach (var c in text.Length > max ? text[..max] : text)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029') sb.Append("\\u").Append(((int)c).ToString("x4"));
            else sb.Append(c);
        }
        if (text.Length > max) sb.Append('…');
        return sb.ToString();
    }
}
