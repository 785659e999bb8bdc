using System.Diagnostics;
using System.Text;
using CsCheck;
using PolicyWatch.Extract;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace PolicyWatch.Tests.Extract;

/// <summary>Nothing may throw out of the extractor or hang it; every failure is a status with a reason.</summary>
public sealed class BadInputTests
{
    private static readonly Uri Url = new("https://example.test/page");
    private readonly ArticleExtractor _extractor = new();

    private static string GoldenPage() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Extract", "testdata", "jsonld-graph.html"));

    [Fact]
    public void Empty_IsNoContent()
    {
        var a = _extractor.Extract([], Url);
        Assert.Equal(ExtractionStatus.NoContent, a.Status);
        Assert.Equal("empty document", a.Error);
    }

    [Fact]
    public void Binary_IsUnreadable()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        bytes[10] = 0;
        bytes[20] = 0;
        var a = _extractor.Extract(bytes, Url, "image/png");
        Assert.Equal(ExtractionStatus.Unreadable, a.Status);
        Assert.Contains("not an HTML page or PDF", a.Error);
    }

    [Fact]
    public void TruncatedHtml_StillYieldsTheTextBeforeTheCut()
    {
        var html = GoldenPage();
        var cut = html[..(html.IndexOf("gallium", StringComparison.Ordinal) + 3)];
        var a = _extractor.ExtractHtml(cut, Url);
        Assert.Equal(ExtractionStatus.Ok, a.Status);
        Assert.Contains("Eleven governments signed a declaration", a.Body);
    }

    [Fact]
    public void TenThousandDeepNesting_CompletesQuickly()
    {
        var html = "<html><body>" + string.Concat(Enumerable.Repeat("<div><span>", 10_000)) +
                   "<p>" + string.Join(" ", Enumerable.Repeat("Deeply nested text about export licences and chips.", 10)) + "</p>" +
                   string.Concat(Enumerable.Repeat("</span></div>", 10_000)) + "</body></html>";
        var watch = Stopwatch.StartNew();
        var a = _extractor.ExtractHtml(html, Url);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.NotEqual(ExtractionStatus.Unreadable, a.Status);
    }

    [Fact]
    public void TwentyMegabytePage_IsCutAndCompletes()
    {
        var paragraph = "<p>" + string.Join(" ", Enumerable.Repeat("A long policy report paragraph with many words in it,", 20)) + "</p>\n";
        var sb = new StringBuilder("<html><body><article>");
        while (sb.Length < 20 * 1024 * 1024) sb.Append(paragraph);
        sb.Append("</article></body></html>");
        var a = _extractor.Extract(Encoding.UTF8.GetBytes(sb.ToString()), Url, "text/html");
        Assert.Equal(ExtractionStatus.Ok, a.Status);
        Assert.True(a.Body.Length < ArticleExtractor.MaxHtmlChars);
    }

    [Fact]
    public void WrongDeclaredCharset_IsDecodedFromTheBytes()
    {
        var html = "<html><head><meta charset=\"utf-8\"></head><body><article><p>" +
                   string.Join(" ", Enumerable.Repeat("Die Behörde prüft die Ausfuhrgenehmigungen für Halbleiter und Lithografie-Anlagen.", 5)) + "</p></article></body></html>";
        var latin1 = Encoding.Latin1.GetBytes(html);
        var a = _extractor.Extract(latin1, Url, "text/html", charset: "utf-8");
        Assert.Contains("Die Behörde prüft die Ausfuhrgenehmigungen", a.Body);
    }

    [Fact]
    public void Pdf_TextInReadingOrderTitleAndPageCount()
    {
        var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = "Interim Final Rule on Advanced Computing Items";
        builder.DocumentInformation.Author = "Office of Example Policy";
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var one = builder.AddPage(PageSize.A4);
        one.AddText("This rule revises licence requirements for advanced computing", 11, new PdfPoint(60, 700), font);
        one.AddText("items and the software used to develop them.", 11, new PdfPoint(60, 686), font);
        var two = builder.AddPage(PageSize.A4);
        two.AddText("Comments are due sixty days after publication.", 11, new PdfPoint(60, 700), font);

        var a = _extractor.Extract(builder.Build(), new Uri("https://example.test/rule.pdf"), "application/pdf");

        Assert.Equal(ExtractionStatus.Ok, a.Status);
        Assert.Equal("pdf", a.ContentKind);
        Assert.Equal(2, a.PageCount);
        Assert.Equal("Interim Final Rule on Advanced Computing Items", a.Title);
        Assert.Equal(["Office of Example Policy"], a.Authors);
        Assert.Equal("This rule revises licence requirements for advanced computing items and the software used to develop them.\n\nComments are due sixty days after publication.", a.Body);
    }

    [Fact]
    public void Pdf_WithoutTextLayer_HasAClearStatus()
    {
        var builder = new PdfDocumentBuilder();
        builder.AddPage(PageSize.A4).DrawRectangle(new PdfPoint(50, 50), 200, 300);
        var a = _extractor.Extract(builder.Build(), new Uri("https://example.test/scan.pdf"), "application/pdf");
        Assert.Equal(ExtractionStatus.NoTextLayer, a.Status);
        Assert.Contains("no text layer", a.Error);
        Assert.Equal("", a.Body);
    }

    [Fact]
    public void Pdf_Corrupt_IsUnreadable()
    {
        var builder = new PdfDocumentBuilder();
        builder.AddPage(PageSize.A4).AddText("Hello", 12, new PdfPoint(50, 700), builder.AddStandard14Font(Standard14Font.Helvetica));
        var bytes = builder.Build();
        var truncated = bytes[..(bytes.Length / 3)];
        var a = _extractor.Extract(truncated, new Uri("https://example.test/broken.pdf"), "application/pdf");
        Assert.Contains(a.Status, new[] { ExtractionStatus.Unreadable, ExtractionStatus.NoTextLayer, ExtractionStatus.NoContent });
        Assert.NotNull(a.Error);
    }

    [Fact]
    public void Pdf_Encrypted_IsReportedAsEncrypted()
    {
        var a = _extractor.Extract(EncryptedPdf(), new Uri("https://example.test/locked.pdf"), "application/pdf");
        Assert.Equal(ExtractionStatus.Encrypted, a.Status);
        Assert.Contains("encrypted", a.Error);
    }

    /// <summary>A PDF whose trailer names a standard security handler whose user password is not empty.</summary>
    private static byte[] EncryptedPdf()
    {
        var o = new string('A', 64);
        var u = new string('B', 64);
        var body = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        void Obj(string content) { offsets.Add(body.Length); body.Append($"{offsets.Count} 0 obj\n{content}\nendobj\n"); }
        Obj("<< /Type /Catalog /Pages 2 0 R >>");
        Obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
        Obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>");
        Obj($"<< /Filter /Standard /V 1 /R 2 /O <{o}> /U <{u}> /P -44 >>");
        var xref = body.Length;
        body.Append($"xref\n0 {offsets.Count + 1}\n0000000000 65535 f \n");
        foreach (var off in offsets) body.Append($"{off:D10} 00000 n \n");
        body.Append($"trailer\n<< /Size {offsets.Count + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(body.ToString());
    }

    /// <summary>Property: random and mutated HTML never throws and always finishes in bounded time.</summary>
    [Fact]
    public void RandomAndMutatedHtml_NeverThrowsAndFinishesQuickly()
    {
        var golden = GoldenPage();
        var tags = new[] { "<div>", "</div>", "<p>", "</p>", "<script>", "</script>", "<table><tr><td>", "<!--", "-->", "<a href='x'>", "</a>",
                           "<![CDATA[", "&amp;", "&#x0;", "<svg><foreignObject>", "<template>", "<br>", "\u0000", "\uFFFD", "<html>", "<body>" };
        var mutation = Gen.Select(Gen.Int[0, golden.Length], Gen.Int[0, 200], Gen.Int[0, tags.Length - 1], Gen.Int[0, 2]);
        var mutated = mutation.Array[1, 20].Select(ops =>
        {
            var s = new StringBuilder(golden);
            foreach (var (at, len, tag, kind) in ops)
            {
                var i = Math.Min(at, s.Length);
                switch (kind)
                {
                    case 0: s.Remove(i, Math.Min(len, s.Length - i)); break;          // delete a span
                    case 1: s.Insert(i, tags[tag]); break;                             // insert markup
                    default: s.Length = Math.Min(s.Length, i + len); break;             // truncate
                }
            }
            return s.ToString();
        });
        var random = Gen.String[Gen.Char, 0, 3000];

        foreach (var gen in new[] { mutated, random })
            gen.Sample(html =>
            {
                var watch = Stopwatch.StartNew();
                var a = _extractor.ExtractHtml(html, Url);
                Assert.NotNull(a.Body);
                Assert.True(a.Status == ExtractionStatus.Ok || a.Error is not null);
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
            }, iter: 300);
    }
}
