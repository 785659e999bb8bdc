using System.Text;
using AngleSharp.Html.Parser;
using PolicyWatch.Fetch;

namespace PolicyWatch.Extract;

/// <summary>
/// The extraction stage: a pure function of (bytes or HTML, URL, content type) to an article. No I/O; thread-safe;
/// never throws on bad input: every failure comes back as a status with an explanation.
/// </summary>
public sealed class ArticleExtractor
{
    /// <summary>HTML beyond this is cut before parsing: no article needs it, and parse time grows with it.</summary>
    public const int MaxHtmlChars = 5_000_000;

    public ExtractedArticle Extract(byte[] bytes, Uri url, string? mediaType = null, string? charset = null)
    {
        if (bytes.Length == 0)
            return new ExtractedArticle { Status = ExtractionStatus.NoContent, Error = "empty document", Method = "none" };
        if (IsPdf(bytes, mediaType, url))
            return PdfTextReader.Read(bytes, url);
        if (LooksBinary(bytes))
            return new ExtractedArticle { Status = ExtractionStatus.Unreadable, Error = $"not an HTML page or PDF ({mediaType ?? "unknown type"})", Method = "none" };
        return ExtractHtml(TextDecoding.Decode(bytes, charset, mediaType), url);
    }

    public ExtractedArticle ExtractHtml(string html, Uri url)
    {
        if (string.IsNullOrWhiteSpace(html))
            return new ExtractedArticle { Status = ExtractionStatus.NoContent, Error = "empty document", Method = "none" };
        if (html.Length > MaxHtmlChars) html = html[..MaxHtmlChars];
        try
        {
            var doc = new HtmlParser(new HtmlParserOptions { IsScripting = false }).ParseDocument(html);
            var meta = MetadataReader.Read(doc, url);
            var (body, method) = ContentExtractor.Extract(doc, meta.Title);
            if (meta.JsonLdBody is { Length: > 500 } ldBody && body.Length < ldBody.Length * 0.5)
                (body, method) = (ldBody.Trim(), "json-ld");
            // one form for one character (Unicode NFC): "é" as one code point or as "e" and an accent reads, searches and quotes alike
            if (!body.IsNormalized(NormalizationForm.FormC)) body = body.Normalize(NormalizationForm.FormC);
            var language = meta.Language ?? LanguageDetector.Detect(body.Length > 0 ? body : meta.Title ?? "");
            return new ExtractedArticle
            {
                Status = body.Length > 0 ? ExtractionStatus.Ok : ExtractionStatus.NoContent,
                Error = body.Length > 0 ? null : "no article text found on the page",
                Title = meta.Title,
                Authors = meta.Authors,
                Published = meta.Published,
                Modified = meta.Modified,
                Language = language,
                SiteName = meta.SiteName,
                CanonicalUrl = meta.Canonical,
                Description = meta.Description,
                ImageUrl = meta.Image,
                Body = body,
                Method = method,
                Sources = meta.Language is null && language is not null
                    ? new Dictionary<string, MetadataSource>(meta.Sources) { ["language"] = new MetadataSource("detected", MetadataStrength.Weak) }
                    : meta.Sources,
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new ExtractedArticle { Status = ExtractionStatus.Unreadable, Error = $"page could not be parsed: {e.GetType().Name}: {e.Message}", Method = "none" };
        }
    }

    private static bool IsPdf(byte[] bytes, string? mediaType, Uri url) =>
        bytes.AsSpan(0, Math.Min(bytes.Length, 1024)).IndexOf("%PDF-"u8) >= 0
        || string.Equals(mediaType, "application/pdf", StringComparison.OrdinalIgnoreCase)
        || (mediaType is null or "application/octet-stream" && url.AbsolutePath.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase));

    /// <summary>Control bytes (other than tab and line breaks) in the first kilobytes mean an image, archive or other binary, not markup.</summary>
    private static bool LooksBinary(byte[] bytes)
    {
        var head = bytes.AsSpan(0, Math.Min(bytes.Length, 4096));
        if (head.Length >= 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF)) return false; // UTF-16
        var control = 0;
        foreach (var b in head)
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C)) control++;
        return control > head.Length / 50;
    }
}
