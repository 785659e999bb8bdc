using System.Text;
using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;
using UglyToad.PdfPig.Exceptions;

namespace PolicyWatch.Extract;

/// <summary>Policy PDFs: text blocks in reading order, lines rejoined into paragraphs, title from metadata or the first page.</summary>
internal static partial class PdfTextReader
{
    public const int MaxPages = 500;

    public static ExtractedArticle Read(byte[] bytes, Uri url)
    {
        try
        {
            using var pdf = PdfDocument.Open(bytes, new ParsingOptions { UseLenientParsing = true });
            var paragraphs = new List<string>();
            string? firstPageTitle = null;
            var pageCount = pdf.NumberOfPages;
            var letters = 0;
            foreach (var page in pdf.GetPages().Take(MaxPages))
            {
                letters += page.Letters.Count;
                var words = page.GetWords(NearestNeighbourWordExtractor.Instance).ToList();
                if (words.Count == 0) continue;
                var blocks = DocstrumBoundingBoxes.Instance.GetBlocks(words);
                var ordered = UnsupervisedReadingOrderDetector.Instance.Get(blocks).OrderBy(b => b.ReadingOrder);
                if (page.Number == 1) firstPageTitle = LargestText(page);
                foreach (var block in ordered)
                    paragraphs.AddRange(Paragraphs(block.TextLines.Select(l => l.Text)));
            }
            if (letters == 0)
                return new ExtractedArticle
                {
                    Status = ExtractionStatus.NoTextLayer, ContentKind = "pdf", PageCount = pageCount, Method = "pdf",
                    Error = $"PDF of {pageCount} page(s) has no text layer (scanned?); it needs OCR",
                    Title = Clean(pdf.Information.Title),
                };

            var body = string.Join("\n\n", DropRunningHeaders(paragraphs));
            var title = Clean(pdf.Information.Title) is { Length: > 3 } t && !LooksLikeFileName(t) ? t : firstPageTitle;
            var authors = Clean(pdf.Information.Author) is { } a ? MetadataReader.SplitAuthors(a) : [];
            return new ExtractedArticle
            {
                Status = body.Length > 0 ? ExtractionStatus.Ok : ExtractionStatus.NoContent,
                Error = body.Length > 0 ? null : "PDF has no readable text",
                ContentKind = "pdf",
                Method = "pdf",
                PageCount = pageCount,
                Title = title,
                Authors = authors,
                Published = PdfDate(pdf.Information.CreationDate),
                Modified = PdfDate(pdf.Information.ModifiedDate),
                Body = body,
                Language = LanguageDetector.Detect(body),
                CanonicalUrl = url,
            };
        }
        catch (PdfDocumentEncryptedException)
        {
            return Failed(ExtractionStatus.Encrypted, "PDF is encrypted and cannot be read without a password");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // PdfPig throws many types on corrupt input; any of them means "unreadable", never a crash
            return Failed(ExtractionStatus.Unreadable, $"PDF could not be read: {e.GetType().Name}: {Shorten(e.Message)}");
        }
    }

    private static ExtractedArticle Failed(ExtractionStatus status, string error) =>
        new() { Status = status, Error = error, ContentKind = "pdf", Method = "pdf" };

    /// <summary>Lines of one layout block become paragraphs: wrapped lines joined, hyphenation undone, short-line breaks kept.</summary>
    internal static IEnumerable<string> Paragraphs(IEnumerable<string> lines)
    {
        var current = new StringBuilder();
        foreach (var raw in lines)
        {
            var line = Text.Collapse(raw);
            if (line.Length == 0)
            {
                if (current.Length > 0) { yield return current.ToString(); current.Clear(); }
                continue;
            }
            if (current.Length == 0) { current.Append(line); continue; }
            if (current[^1] == '-' && current.Length > 1 && char.IsLower(current[^2]) && char.IsLower(line[0]))
            {
                current.Length--; // "regu-" + "lation"
                current.Append(line);
            }
            else if (Bullet().IsMatch(line))
            {
                yield return current.ToString();
                current.Clear().Append(line);
            }
            else
            {
                current.Append(' ').Append(line);
            }
        }
        if (current.Length > 0) yield return current.ToString();
    }

    /// <summary>Page headers, footers and page numbers repeat on many pages; they are not text.</summary>
    private static IEnumerable<string> DropRunningHeaders(List<string> paragraphs)
    {
        var counts = paragraphs.Where(p => p.Length < 100).GroupBy(p => PageNumber().Replace(p, "#")).ToDictionary(g => g.Key, g => g.Count());
        return paragraphs.Where(p => !(p.Length < 100 && (counts.GetValueOrDefault(PageNumber().Replace(p, "#")) >= 3 || PageOnly().IsMatch(p))));
    }

    private static string? LargestText(Page page)
    {
        var letters = page.Letters.Where(l => !string.IsNullOrWhiteSpace(l.Value)).ToList();
        if (letters.Count == 0) return null;
        var max = letters.Max(l => l.PointSize);
        if (max <= 0) return null;
        var words = page.GetWords(NearestNeighbourWordExtractor.Instance)
            .Where(w => w.Letters.Count > 0 && w.Letters.Average(l => l.PointSize) >= max * 0.9)
            .Select(w => w.Text);
        var title = Text.Collapse(string.Join(' ', words));
        return title.Length is > 3 and < 300 ? title : null;
    }

    private static DateTimeOffset? PdfDate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var m = PdfDatePattern().Match(value);
        if (!m.Success) return Dates.Parse(value);
        var offset = TimeSpan.Zero;
        if (m.Groups[7].Success && m.Groups[7].Value is "+" or "-")
        {
            offset = new TimeSpan(int.Parse(m.Groups[8].Value), m.Groups[9].Success ? int.Parse(m.Groups[9].Value) : 0, 0);
            if (m.Groups[7].Value == "-") offset = -offset;
        }
        try
        {
            int G(int i, int d) => m.Groups[i].Success ? int.Parse(m.Groups[i].Value) : d;
            return new DateTimeOffset(G(1, 1), G(2, 1), G(3, 1), G(4, 0), G(5, 0), G(6, 0), offset);
        }
        catch (ArgumentOutOfRangeException) { return null; }
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : Text.Collapse(s);
    private static bool LooksLikeFileName(string s) => FileName().IsMatch(s);
    private static string Shorten(string s) => s.Length > 200 ? s[..200] : s;

    [GeneratedRegex(@"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+\-])?(\d{2})?'?(\d{2})?")]
    private static partial Regex PdfDatePattern();

    [GeneratedRegex(@"^\s*([•▪◦●\-–*]|\(?[0-9ivx]{1,4}[.)]|\(?[a-z][.)])\s+")]
    private static partial Regex Bullet();

    [GeneratedRegex(@"\d+")]
    private static partial Regex PageNumber();

    [GeneratedRegex(@"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", RegexOptions.IgnoreCase)]
    private static partial Regex PageOnly();

    [GeneratedRegex(@"\.(docx?|pdf|indd|pptx?)$|^microsoft word", RegexOptions.IgnoreCase)]
    private static partial Regex FileName();
}
