using PolicyWatch.Feeds;

namespace PolicyWatch.Tests.Feeds;

public sealed class FeedCatalogTests
{
    private static string RepoFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PolicyWatch.sln"))) return Path.Combine(dir.FullName, name);
        throw new FileNotFoundException(name);
    }

    [Fact]
    public void Load_ShippedCatalogue_IsValidAndCoversEveryKindUsed()
    {
        var sources = FeedCatalog.Load(RepoFile("feeds.json"));
        Assert.True(sources.Count >= 40, $"only {sources.Count} sources");
        Assert.Equal(sources.Count, sources.Select(s => s.Slug).Distinct().Count());
        Assert.All(sources.Where(s => s.Kind == SourceKind.Page), s => Assert.False(string.IsNullOrWhiteSpace(s.LinkSelector)));
        Assert.Contains(sources, s => s.Slug == "fr-bis-documents" && s.Url.Query.Contains("industry-and-security-bureau"));
    }

    [Theory]
    [InlineData("""{"sources":[{"slug":"a","name":"A","kind":"rss"}]}""", "source #1 ('a'): field \"url\": required")]
    [InlineData("""{"sources":[{"slug":"a","name":"A","url":"ftp://x/","kind":"rss"}]}""", "field \"url\": 'ftp://x/' is not an absolute http(s) URL")]
    [InlineData("""{"sources":[{"slug":"a","name":"A","url":"https://x/","kind":"gopher"}]}""", "field \"kind\": 'gopher' is not one of")]
    [InlineData("""{"sources":[{"slug":"a","name":"A","url":"https://x/","kind":"page"}]}""", "field \"linkSelector\": required for kind 'page'")]
    [InlineData("""{"sources":[{"slug":"a","name":"A","url":"https://x/","kind":"page","linkSelector":"a[[["}]}""", "field \"linkSelector\": 'a[[[' is not a valid CSS selector")]
    [InlineData("""{"sources":[{"slug":"a","name":"A","url":"https://x/","kind":"rss","pollInterval":"1m"}]}""", "field \"pollInterval\": 1m is below the minimum")]
    [InlineData("""{"sources":[{"slug":"a","name":"A","url":"https://x/","kind":"rss","pollInterval":"soon"}]}""", "field \"pollInterval\": 'soon' is not a duration")]
    [InlineData("""{"sources":[{"slug":"Bad Slug","name":"A","url":"https://x/","kind":"rss"}]}""", "field \"slug\": 'Bad Slug' must be lowercase")]
    [InlineData("""{"sources":[{"slug":"a","name":"A","url":"https://x/","kind":"rss","colour":"red"}]}""", "unknown field \"colour\"")]
    [InlineData("""{"sources":[{"slug":"a","name":"A","url":"https://x/","kind":"rss","include":["("]}]}""", "field \"include\": '(' is not a valid regular expression")]
    [InlineData("""{"sources":[{"slug":"a","name":"A","url":"https://x/","kind":"rss"},{"slug":"a","name":"B","url":"https://y/","kind":"rss"}]}""", "source #2 ('a'): field \"slug\": duplicate slug 'a'")]
    [InlineData("""{"sources": {}}""", "expected an object with a \"sources\" array")]
    [InlineData("""{"sources": [""", "not valid JSON")]
    public void Parse_InvalidEntry_NamesFileSourceAndField(string json, string expected)
    {
        var e = Assert.Throws<ConfigurationException>(() => FeedCatalog.Parse(json, "my-feeds.json"));
        Assert.StartsWith("my-feeds.json: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("1d", 86400)]
    [InlineData("1.5h", 5400)]
    [InlineData("01:30:00", 5400)]
    public void ParseDuration_AcceptedForms(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), FeedCatalog.ParseDuration(text));
}
