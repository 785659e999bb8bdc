using System.Text;
using System.Text.RegularExpressions;

namespace PolicyWatch.Fetch;

/// <summary>
/// Turns fetched bytes into text. Order: byte-order mark; then valid UTF-8 wins (servers often label UTF-8
/// pages as ISO-8859-1); then the charset from the Content-Type header, a &lt;meta&gt; tag or the XML declaration;
/// then windows-1252, which decodes any byte sequence.
/// </summary>
public static partial class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Decode(ReadOnlySpan<byte> bytes, string? headerCharset = null, string? mediaType = null)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return Encoding.UTF8.GetString(bytes[3..]);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return Encoding.Unicode.GetString(bytes[2..]);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return Encoding.BigEndianUnicode.GetString(bytes[2..]);

        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { }

        var declared = EncodingFor(headerCharset) ?? EncodingFor(SniffDeclaredCharset(bytes));
        if (declared is not null && declared.CodePage != Encoding.UTF8.CodePage) return declared.GetString(bytes);
        return Encoding.GetEncoding(1252).GetString(bytes);
    }

    /// <summary>The charset named in the first 2 KB: &lt;meta charset&gt;, http-equiv Content-Type, or &lt;?xml encoding?&gt;.</summary>
    public static string? SniffDeclaredCharset(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 2048)]);
        var m = DeclaredCharset().Match(head);
        return m.Success ? m.Groups[1].Value : null;
    }

    private static Encoding? EncodingFor(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        try { return Encoding.GetEncoding(name.Trim().Trim('"', '\'')); }
        catch (ArgumentException) { return null; }
    }

    [GeneratedRegex("""(?:<meta[^>]+charset\s*=\s*["']?|<\?xml[^>]+encoding\s*=\s*["'])([A-Za-z0-9_\-:.]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex DeclaredCharset();
}
