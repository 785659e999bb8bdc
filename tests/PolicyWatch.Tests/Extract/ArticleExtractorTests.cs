using System.Text;
using System.Text.Json;
using PolicyWatch.Extract;

namespace PolicyWatch.Tests.Extract;

public sealed class ArticleExtractorTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Extract", "testdata");
    private readonly ArticleExtractor _extractor = new();

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Dir, "*.html").OrderBy(f => f)) data.Add(Path.GetFileNameWithoutExtension(f));
        return data;
    }

    /// <summary>Golden files: hand-written pages and the metadata and body a careful reader would take from them.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Extract_GoldenPage_MatchesExpected(string name)
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, name + ".expected.json")));
        var e = expected.RootElement;
        var url = e.TryGetProperty("url", out var u) ? new Uri(u.GetString()!) : new Uri($"https://example.test/{name}");

        var a = _extractor.Extract(File.ReadAllBytes(Path.Combine(Dir, name + ".html")), url, "text/html");

        Assert.Equal(ExtractionStatus.Ok, a.Status);
        Assert.Equal(e.GetProperty("body").GetString(), a.Body);
        Assert.Equal(e.GetProperty("title").GetString(), a.Title);
        Assert.Equal(e.GetProperty("authors").EnumerateArray().Select(x => x.GetString()), a.Authors);
        if (e.TryGetProperty("published", out var published))
        {
            var expectedDate = published.ValueKind == JsonValueKind.Null ? (DateTimeOffset?)null : DateTimeOffset.Parse(published.GetString()!);
            Assert.Equal(expectedDate, a.Published);
            Assert.Equal(expectedDate?.Offset, a.Published?.Offset); // the time zone is kept
        }
        if (e.TryGetProperty("modified", out var modified)) Assert.Equal(DateTimeOffset.Parse(modified.GetString()!), a.Modified);
        if (e.TryGetProperty("language", out var language)) Assert.Equal(language.GetString(), a.Language);
        if (e.TryGetProperty("siteName", out var site)) Assert.Equal(site.GetString(), a.SiteName);
        if (e.TryGetProperty("canonical", out var canonical)) Assert.Equal(canonical.GetString(), a.CanonicalUrl?.AbsoluteUri);
        if (e.TryGetProperty("image", out var image)) Assert.Equal(image.GetString(), a.ImageUrl?.AbsoluteUri);
        if (e.TryGetProperty("description", out var description)) Assert.Equal(description.GetString(), a.Description);
    }

    [Theory]
    [InlineData("Allies sign semiconductor pact | Meridian Wire", "Meridian Wire", "Allies sign semiconductor pact")]
    [InlineData("Meridian Wire - Allies sign semiconductor pact in Canberra", "Meridian Wire", "Allies sign semiconductor pact in Canberra")]
    [InlineData("Export controls, explained: what the new rule does - and does not - cover", null, "Export controls, explained: what the new rule does - and does not - cover")]
    [InlineData("Chip tariffs delayed again — Business — The Daily Example", null, "Chip tariffs delayed again")]
    public void StripSiteSuffix_RemovesSiteNotHeadline(string title, string? site, string expected) =>
        Assert.Equal(expected, MetadataReader.StripSiteSuffix(title, site));

    [Theory]
    [InlineData("https://x.example/2026/11/05/story", "2026-11-05")]
    [InlineData("https://x.example/news/2026-03-17-rule-change", "2026-03-17")]
    [InlineData("https://x.example/archive/2025/12/", null)] // a month is no publication day
    [InlineData("https://x.example/item/20261305", null)]
    [InlineData("https://x.example/products/1999", null)]
    public void DateFromUrl_CommonPatterns(string url, string? expected) =>
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected + "T00:00:00Z"), MetadataReader.DateFromUrl(new Uri(url)));

    [Fact]
    public void Language_DetectedWhenMarkupIsSilent()
    {
        Assert.Equal("fr", LanguageDetector.Detect("Le gouvernement a annoncé que les nouvelles règles sur les exportations de puces entreront en vigueur dans les prochains mois."));
        Assert.Equal("zh", LanguageDetector.Detect("美国商务部周五宣布对先进芯片实施新的出口管制措施。"));
        Assert.Equal("en", LanguageDetector.Detect("The committee said that it would publish the report on the export rules next week."));
        Assert.Null(LanguageDetector.Detect("42 17 99"));
    }
}
