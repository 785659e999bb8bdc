using PolicyWatch.Feeds;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Feeds;

public sealed class FeedParserTests
{
    private static readonly Uri Base = new("https://fixtures.example/");

    private static FeedParseResult Parse(SourceKind kind, string file, string? selector = null) =>
        FeedParser.Parse(Pipeline.Source("s", Base, kind, selector), Fixtures.Read(file, Base), Base);

    [Fact]
    public void Rss2_ItemsWithLinksDatesAndPlainSummaries()
    {
        var r = Parse(SourceKind.Rss, "feeds/rss2.xml");
        Assert.Null(r.Error);
        Assert.Equal(3, r.Items.Count);
        var first = r.Items[0];
        Assert.Equal("Commerce widens licence rules for advanced accelerators", first.Title);
        Assert.Equal(new DateTimeOffset(2026, 11, 16, 14, 30, 0, TimeSpan.FromHours(-5)), first.Published);
        Assert.Equal(TimeSpan.FromHours(-5), first.Published!.Value.Offset);
        Assert.Equal("A new interim rule extends licence requirements to more accelerator families.", first.Summary);
    }

    [Fact]
    public void Rss1Rdf_IsReadLikeRss2()
    {
        var r = Parse(SourceKind.Rss, "feeds/rss1-rdf.xml");
        Assert.Null(r.Error);
        var item = Assert.Single(r.Items);
        Assert.Equal(new Uri(Base, "asia/fab-subsidy"), item.Url);
        Assert.Equal(new DateTimeOffset(2026, 11, 19, 6, 0, 0, TimeSpan.FromHours(9)), item.Published);
    }

    [Fact]
    public void Atom_UsesAlternateLinkAndUpdated()
    {
        var item = Assert.Single(Parse(SourceKind.Atom, "feeds/atom.xml").Items);
        Assert.Equal(new Uri(Base, "blog/weights-licence"), item.Url);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), item.Updated);
    }

    [Fact]
    public void JsonFeed_SkipsItemsWithoutUrl()
    {
        var item = Assert.Single(Parse(SourceKind.JsonFeed, "feeds/feed.json").Items);
        Assert.Equal("A census of national compute", item.Title);
        Assert.Equal(TimeSpan.FromHours(1), item.Published!.Value.Offset);
    }

    [Fact]
    public void Page_ResolvesAgainstBaseDropsFragmentsDuplicatesAndNonHttp()
    {
        var r = Parse(SourceKind.Page, "pages/listing.html", "a.release");
        Assert.Equal(["https://fixtures.example/press/release-one", "https://fixtures.example/press/release-two"], r.Items.Select(i => i.Url.AbsoluteUri));
        Assert.Equal(new DateTimeOffset(2026, 11, 18, 0, 0, 0, TimeSpan.Zero), r.Items[0].Published);
    }

    [Fact]
    public void NewsSitemap_TitleAndPublicationDate()
    {
        var item = Assert.Single(Parse(SourceKind.Sitemap, "feeds/sitemap-news.xml").Items);
        Assert.Equal("Rare-earth licensing tightened again", item.Title);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 7, 45, 0, TimeSpan.Zero), item.Published);
    }

    [Fact]
    public void FederalRegister_HtmlUrlTitleAndDate()
    {
        var r = Parse(SourceKind.FederalRegister, "feeds/federal-register.json");
        Assert.Equal(2, r.Items.Count);
        Assert.Equal(new Uri(Base, "documents/2026/11/20/2026-99901/additions"), r.Items[0].Url);
        Assert.Equal("The Bureau adds entities to the Entity List.", r.Items[0].Summary);
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body>Welcome</body></html>", "not a feed: the server sent an HTML page")]
    [InlineData("\u0000\u0001binary", "malformed feed")]
    [InlineData("", "malformed feed")]
    public void BadFeed_GivesAClearErrorNotAnException(string text, string expected)
    {
        var r = FeedParser.Parse(Pipeline.Source("s", Base), text, Base);
        Assert.Empty(r.Items);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void IncludeExclude_FilterItemUrls()
    {
        var source = Pipeline.Source("s", Base) with { Include = ["/articles/"], Exclude = ["gulf"] };
        var r = FeedParser.Parse(source, Fixtures.Read("feeds/rss2.xml", Base), Base);
        Assert.Equal(2, r.Items.Count);
        Assert.DoesNotContain(r.Items, i => i.Url.AbsolutePath.Contains("gulf"));
    }
}
