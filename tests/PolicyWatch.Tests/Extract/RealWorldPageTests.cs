using CsCheck;
using PolicyWatch.Extract;

namespace PolicyWatch.Tests.Extract;

/// <summary>
/// Our own small pages for each kind of fault seen in other extractors' bug reports, each with the value a reader
/// would give, and precedence between weak and strong sources of metadata, from the page and from the feed.
/// </summary>
public sealed class RealWorldPageTests
{
    private static readonly ArticleExtractor Extractor = new();

    private const string Paragraphs = """
        <p>The ministry published its revised licensing guidance on Tuesday, setting out which accelerator shipments now need an export licence and how long reviews will take.</p>
        <p>Officials said the changes follow months of consultation with manufacturers, research institutes and cloud operators, several of which had asked for clearer thresholds.</p>
        <p>Industry groups welcomed the additional detail but warned that the review period could delay deliveries to universities and hospitals.</p>
        """;

    private static ExtractedArticle Page(string head, string body, string url = "https://desk.example/news/story") =>
        Extractor.ExtractHtml($"<html lang=\"en\"><head>{head}</head><body>{body}</body></html>", new Uri(url));

    [Fact]
    public void UrlDate_NeverReplacesTheFeedsTimestamp()
    {
        var page = Page("<title>Licence guidance revised</title>", $"<article><h1>Licence guidance revised</h1>{Paragraphs}</article>", "https://desk.example/2024/04/12/licence-guidance");
        Assert.Equal("url", page.Sources["published"].Source);
        var feedTime = new DateTimeOffset(2024, 4, 12, 16, 45, 0, TimeSpan.Zero);

        var merged = MetadataPrecedence.Merge(page, "Licence guidance revised", feedTime);

        Assert.Equal(feedTime, merged.Published);
        Assert.Equal("feed", merged.Sources["published"].Source);
    }

    [Fact]
    public void StrongPageDate_WinsOverTheFeed()
    {
        var page = Page("""<meta property="article:published_time" content="2026-11-20T08:30:00+01:00"><title>T</title>""", $"<article><h1>Rules tightened again</h1>{Paragraphs}</article>");
        var merged = MetadataPrecedence.Merge(page, null, new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 8, 30, 0, TimeSpan.FromHours(1)), merged.Published);
        Assert.Equal("meta", merged.Sources["published"].Source);
    }

    [Fact]
    public void CommentTimestamps_AreNeverThePublishedDate_AndWeekdaysAreNeverAuthors()
    {
        var page = Page("<title>Ministry revises licensing guidance</title>", $"""
            <article><h1>Ministry revises licensing guidance</h1><div class="byline">Monday August 27</div>{Paragraphs}</article>
            <section id="comments"><h3>Comments</h3><div class="comment"><span class="comment-author">reader42</span> <time datetime="2019-03-02T10:00:00Z">2 March 2019</time><p>First!</p></div></section>
            """);
        Assert.Null(page.Published);
        Assert.Empty(page.Authors);
        Assert.DoesNotContain("First!", page.Body);
    }

    [Fact]
    public void GovernmentDateFormat_IsRead()
    {
        var page = Page("<title>Notice of revised rule</title>", $"""
            <main><h1>Notice of revised rule</h1><div class="field--name-field-date">Tue, 07/11/2023 - 17:57</div>{Paragraphs}</main>
            """);
        Assert.Equal(new DateTime(2023, 7, 11), page.Published?.Date);
    }

    [Theory]
    [InlineData("Veröffentlicht am 12.03.2019", "de", 2019, 3, 12)]
    [InlineData("Publié le 3 mai 2022", "fr", 2022, 5, 3)]
    [InlineData("Publicado el 4 de mayo de 2022", "es", 2022, 5, 4)]
    [InlineData("Posted on March 3, 2024 by Lena Ortiz", "en", 2024, 3, 3)]
    [InlineData("26/10/2018", "es", 2018, 10, 26)]
    public void VisibleDateNearTheHeadline_InOurLanguages(string line, string lang, int y, int m, int d)
    {
        var page = Extractor.ExtractHtml($"<html lang=\"{lang}\"><head><title>Headline words here</title></head><body><article><h1>Headline words here</h1><p class=\"meta\">{line}</p>{Paragraphs}</article></body></html>",
            new Uri("https://desk.example/a"));
        Assert.Equal(new DateTime(y, m, d), page.Published?.Date);
        Assert.Equal("visible-text", page.Sources["published"].Source);
    }

    [Fact]
    public void TitleCutAtADash_NeverReplacesTheFeedsFullTitle()
    {
        var page = Page("<title>Chip Rules Two Years On – What Changed</title>", $"<div class=\"content\">{Paragraphs}</div>");
        var merged = MetadataPrecedence.Merge(page, "Chip Rules Two Years On – What Changed", null);
        Assert.Equal("Chip Rules Two Years On – What Changed", merged.Title);
    }

    [Fact]
    public void VisibleHeadline_WinsOverARewrittenSocialTitle()
    {
        var page = Page("""<meta property="og:title" content="You won't believe these licence rules"><title>Ministry revises licensing guidance | Desk</title>""",
            $"<article><h1><span class=\"kicker\">Export controls</span> Ministry revises licensing guidance</h1>{Paragraphs}</article>");
        Assert.Equal("Ministry revises licensing guidance", page.Title);
        Assert.Equal("h1", page.Sources["title"].Source);
    }

    [Theory]
    [InlineData("Verband für Exportfragen e. V.", new[] { "Verband für Exportfragen e. V." })]
    [InlineData("Exportverein e.V.", new[] { "Exportverein e.V." })]
    [InlineData("Ana Souza e Carlos Lima", new[] { "Ana Souza", "Carlos Lima" })]
    [InlineData("Lena Brandt und Tom Weiß", new[] { "Lena Brandt", "Tom Weiß" })]
    [InlineData("Marta Ruiz y Luis Pérez; Amara Okafor & Ben Hale", new[] { "Marta Ruiz", "Luis Pérez", "Amara Okafor", "Ben Hale" })]
    public void Bylines_SplitOnWordsForAnd_NeverInsideAnAbbreviation(string byline, string[] expected) =>
        Assert.Equal(expected, MetadataReader.SplitAuthors(byline));

    [Fact]
    public void BylineParts_AreKeptApart_AndAnAvatarLinkIsNoName()
    {
        var page = Page("<title>Guidance revised</title>", $"""
            <article><h1>Guidance revised</h1>
            <div class="story-author-info"><a href="/user/jdoe"><img src="/a.png" alt=""></a><div class="story-author-info__content">
              <a class="story-author-info__name" href="/user/jdoe"><span>Jonas Dahl</span></a><span class="story-author-info__when"><span>vor 5 Stunden</span></span></div></div>
            {Paragraphs}</article>
            """);
        Assert.Equal(["Jonas Dahl"], page.Authors);
        var spaced = Page("<title>Guidance revised</title>", $"""
            <article><h1>Guidance revised</h1><p class="byline"><span>Jonas Dahl</span><span>Nina Berg</span></p>{Paragraphs}</article>
            """);
        Assert.DoesNotContain("Jonas DahlNina Berg", spaced.Authors);
    }

    [Fact]
    public void MicrodataByline_NamesTheAuthor_NotThePublisherInsideIt()
    {
        var page = Page("<title>Guidance revised</title>", $"""
            <article><h1>Guidance revised</h1>{Paragraphs}
            <div class="article_autor">Text: <span itemprop="author">Ilse Brandner</span> / <span itemprop="publisher" itemscope itemtype="https://schema.org/Organization"><span itemprop="name">desk.example</span></span></div></article>
            """);
        Assert.Equal(["Ilse Brandner"], page.Authors);
    }

    [Theory]
    [InlineData("Auteur : Claire Moulin")]
    [InlineData("Autore: Paolo Gentile")]
    [InlineData("Author: Priya Raman")]
    public void LabelledBylineInTheText_NamesTheAuthor(string line)
    {
        var page = Page("<title>Guidance revised</title>", $"<article><h1>Guidance revised</h1>{Paragraphs}<p>{line}</p></article>");
        Assert.Equal([line[(line.IndexOf(':') + 1)..].Trim()], page.Authors);
    }

    [Fact]
    public void SoftHyphens_NeverSplitWordsInTitleOrBody()
    {
        var page = Page("<title>Li&shy;zenz&shy;pflicht erweitert</title>",
            $"<article><h1>Li&shy;zenz&shy;pflicht erweitert</h1><p>Die Aus&shy;fuhr&shy;kon&shy;trol&shy;len gelten nun auch für weitere Beschleuniger und Rechenzentren im Ausland, teilte das Ministerium mit.</p>{Paragraphs}</article>");
        Assert.Equal("Lizenzpflicht erweitert", page.Title);
        Assert.Contains("Ausfuhrkontrollen gelten", page.Body);
        Assert.DoesNotContain('\u00ad', page.Body);
    }

    [Fact]
    public void HeadlineMarkedInsideTheH1_IsTheTitle_NotTheKickerBesideIt()
    {
        var page = Page("<title>Ministry revises licensing guidance | Policy Desk</title>",
            $"<article><h1><span class=\"text-green fake-h5\">Export rules – Licences</span><span class=\"invisible\">: </span><span class=\"headline\">Ministry revises licensing guidance</span></h1>{Paragraphs}</article>");
        Assert.Equal("Ministry revises licensing guidance", page.Title);
    }

    [Theory]
    [InlineData("Lena Brandt's Notebook | Why the licence thresholds moved")]
    [InlineData("Why the licence thresholds moved : Policy Notes")]
    public void DecoratedTitle_ThePartShownAsAContentHeading_IsTheTitle(string metaTitle)
    {
        var page = Page($"<title>{metaTitle}</title>", $"""
            <header><h1 class="logo"><a href="/">Policy Notes</a></h1></header>
            <div class="post"><h2 class="post-title"><a rel="bookmark" href="/p/1">Why the licence thresholds moved</a></h2>{Paragraphs}</div>
            """);
        Assert.Equal("Why the licence thresholds moved", page.Title);
    }

    [Fact]
    public void SiteNamedAsAuthor_IsKept_WhenNoPersonIsNamedAnywhere()
    {
        // a personal site (the author's name is the site's) and a press office: the page's own declaration stands
        var personal = Page("""
            <meta property="og:site_name" content="Mara Lindqvist">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","@id":"#site","name":"Mara Lindqvist"},
              {"@type":"Article","@id":"#a","headline":"Notes on the licensing guidance","author":{"@id":"#me"}},
              {"@type":"Person","@id":"#me","name":"Mara Lindqvist"}]}</script>
            """, $"<article><h1>Notes on the licensing guidance</h1>{Paragraphs}</article>", "https://lindqvist.example/notes");
        Assert.Equal(["Mara Lindqvist"], personal.Authors);
        var office = Page("""<meta property="og:site_name" content="Export Office"><meta name="author" content="Export Office">""",
            $"<article><h1>Guidance revised</h1>{Paragraphs}</article>", "https://office.example/press/1");
        Assert.Equal(["Export Office"], office.Authors);
        Assert.Equal(MetadataStrength.Weak, office.Sources["authors"].Strength);
    }

    [Fact]
    public void JsonLdAuthorReference_IsResolved_AndTheSiteIsNoAuthor()
    {
        var page = Page("""
            <meta property="og:site_name" content="Policy Desk"><meta name="author" content="Policy Desk">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"NewsArticle","@id":"#a","headline":"Ministry revises licensing guidance","datePublished":"2026-11-20T08:00:00Z","author":{"@id":"#p1"}},
              {"@type":"Person","@id":"#p1","name":"Amara Okafor"}]}</script>
            """, $"<article><h1>Ministry revises licensing guidance</h1>{Paragraphs}</article>");
        Assert.Equal(["Amara Okafor"], page.Authors);
        Assert.Equal("json-ld", page.Sources["authors"].Source);
    }

    [Fact]
    public void ParagraphsWhoseClassMerelyContainsABoilerplateWord_AreKept()
    {
        var body = string.Join("", Paragraphs.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Replace("<p>", "<p class=\"gdpr-Paragraph tag-export\">")));
        var page = Page("<title>T</title>", $"<div class=\"elementor-widget-container has-sidebar\"><h1>Ministry revises licensing guidance</h1>{body}</div>");
        Assert.Equal(ExtractionStatus.Ok, page.Status);
        Assert.Contains("revised licensing guidance", page.Body);
        Assert.Contains("hospitals", page.Body);
    }

    [Fact]
    public void DoubleLineBreaks_AreParagraphBreaks()
    {
        var page = Page("<title>T</title>", "<div class=\"story\"><h1>Ministry revises licensing guidance</h1>The ministry published its revised licensing guidance on Tuesday, setting out which shipments need a licence.<br><br>Officials said the changes follow months of consultation with manufacturers and research institutes.<br><br>Industry groups welcomed the detail but warned of delays to universities and hospitals this winter.</div>");
        Assert.Equal(3, page.Body.Split("\n\n").Length);
    }

    [Fact]
    public void ReaderComments_AreNotBodyText()
    {
        var page = Page("<title>T</title>", $"""
            <article><h1>Ministry revises licensing guidance</h1><div class="entry-content">{Paragraphs}</div></article>
            <div class="comments-area"><ol class="comment-list"><li class="comment"><p>This is a long reader comment that argues at length with the article, with several sentences of its own opinion about licences.</p></li></ol></div>
            """);
        Assert.Contains("hospitals", page.Body);
        Assert.DoesNotContain("reader comment", page.Body);
    }

    [Fact]
    public void NoClassOrIdName_CanEmptyAPageThatIsPlainlyAnArticle()
    {
        string[] w = ["sidebar", "comments", "related", "share", "tag", "widget", "header", "footer", "nav", "ad", "promo", "meta", "gdpr",
            "cookie", "content", "article", "post", "wrap", "inner", "x", "left", "right", "has", "no", "elementor", "module", "paywall", "banner", "caption"];
        string[] seps = ["-", "_", "__", " "];
        var word = Gen.Int[0, w.Length - 1].Select(i => w[i]);
        var name = Gen.Select(word, word, Gen.Int[0, seps.Length - 1], Gen.Bool).Select(t => t.Item4 ? t.Item1 + seps[t.Item3] + t.Item2 : t.Item1);
        Gen.Select(name, name, name, Gen.Bool).Sample((outer, inner, para, useId) =>
        {
            var attr = useId ? "id" : "class";
            var html = $"<div {attr}=\"{outer}\"><div class=\"{inner}\"><h1>Ministry revises licensing guidance</h1>"
                       + Paragraphs.Replace("<p>", $"<p class=\"{para}\">") + "</div></div>";
            var page = Page("<title>Ministry revises licensing guidance</title>", html);
            Assert.True(page.Status == ExtractionStatus.Ok && page.Body.Contains("Industry groups welcomed"), $"{outer} / {inner} / {para}: '{page.Body}'");
        }, iter: 300);
    }

    // ------------------------------------------------------------ titles, bylines and dates in the shapes of many sites

    [Fact]
    public void SiteNameHeading_LinkedToTheHomePage_IsNeverTheHeadline()
    {
        var page = Page("<title>Ministry revises licensing guidance - Lakeside Notes</title>",
            $"""<header><h1><a href="https://desk.example/">Lakeside Notes: thoughts on trade and technology</a></h1></header><article><h2>Ministry revises licensing guidance</h2>{Paragraphs}</article>""");
        Assert.Equal("Ministry revises licensing guidance", page.Title);
    }

    [Fact]
    public void HiddenHeading_LosesToTheVisibleOne()
    {
        var page = Page("<title>Ministry revises licensing guidance</title>",
            $"""<h1 class="sr-only">Lakeside Notes</h1><article><h1>Ministry revises licensing guidance</h1>{Paragraphs}</article>""");
        Assert.Equal("Ministry revises licensing guidance", page.Title);
    }

    [Theory]
    [InlineData("<h1><span>Trade</span> Ministry revises licensing guidance</h1>", "Ministry revises licensing guidance")]
    [InlineData("<h1><span>Licences</span><span> : </span><span>what changes in May</span></h1>", "Licences: what changes in May")]
    [InlineData("<h1>Analysis: Ministry revises licensing guidance</h1>", "Analysis: Ministry revises licensing guidance")]
    public void KickerBeforeTheHeadline_GivesThePublishersOwnWording(string h1, string expected)
    {
        var meta = expected.StartsWith("Analysis") ? "Ministry revises licensing guidance" : expected;
        var page = Page($"<meta property=\"og:title\" content=\"{meta}\"><title>{meta} | Desk</title>", $"<article>{h1}{Paragraphs}</article>");
        Assert.Equal(expected, page.Title);
    }

    [Theory]
    [InlineData("<p class=\"meta\">Ein Artikel von <strong>Pamela Sladky</strong> | 27.01.2022</p>", "Pamela Sladky")]
    [InlineData("<p><em>Written by: <a href=\"/x\">Julie Mollins</a></em></p>", "Julie Mollins")]
    [InlineData("<small>04.02.2022 | 13:10 Uhr | Uta Helkenberg</small>", "Uta Helkenberg")]
    [InlineData("<div class=\"authorbox\"><strong>von</strong> <span>Dennis Kochinky</span></div>", "Dennis Kochinky")]
    public void BylineLabelAndName_InSeparateNodes_GiveThePerson(string byline, string expected)
    {
        var page = Page("<title>Ministry revises licensing guidance</title>", $"<article><h1>Ministry revises licensing guidance</h1>{byline}{Paragraphs}</article>");
        Assert.Equal([expected], page.Authors);
    }

    [Fact]
    public void CreditLineAtTheArticlesEnd_NamesItsAuthors_AndAPictureCreditDoesNot()
    {
        var page = Page("<title>Ministry revises licensing guidance</title>",
            $"""<article><h1>Ministry revises licensing guidance</h1>{Paragraphs}<p><strong>Text:</strong> Klara Friedrich und Jonas Held</p><ul class="credits"><li>Bild:</li><li class="artist"><address>examplephoto</address></li></ul></article>""");
        Assert.Equal(["Klara Friedrich", "Jonas Held"], page.Authors);
    }

    [Theory]
    [InlineData("gabor_munier")]
    [InlineData("christian.stadtfeld")]
    [InlineData("Pétition soutenue par un Super contributeur")]
    [InlineData("Lakeside – Das Magazin für Technik")]
    [InlineData("Published by")]
    public void AccountsPhrasesAndLabels_AreNoAuthors(string byline)
    {
        var page = Page($"<meta name=\"author\" content=\"{byline}\"><title>Ministry revises licensing guidance</title>", $"<article><h1>Ministry revises licensing guidance</h1>{Paragraphs}</article>");
        Assert.Empty(page.Authors);
    }

    [Fact]
    public void MetaAuthorThatIsTheSiteWrittenAnotherWay_IsNotSplitIntoNames()
    {
        var page = Page("""<meta property="og:site_name" content="Jobs &amp; Hire"><meta name="author" content="JOBS &amp; HIRE"><title>Ministry revises licensing guidance</title>""",
            $"<article><h1>Ministry revises licensing guidance</h1>{Paragraphs}</article>", "https://jobsandhire.example/news/story");
        // declared by the page and nothing better found: the site as one organisation, never split into "JOBS" and "HIRE"
        Assert.Equal(["JOBS & HIRE"], page.Authors);
    }

    [Fact]
    public void ForumMembersRegistrationDate_IsNotThePostsDate()
    {
        var page = Page("<title>Licence question</title>",
            $"""<article><h1>Licence question</h1><dl><dd class="profile-joined"><strong>Registriert:</strong> 18.09.2008</dd></dl>{Paragraphs}<p class="date">Veröffentlicht am 21.01.2009</p></article>""");
        Assert.Equal(new DateOnly(2009, 1, 21), DateOnly.FromDateTime(page.Published!.Value.Date));
    }

    [Fact]
    public void DatelineOpeningALongParagraph_IsTheDate_ButADateInsideItsSentencesIsNot()
    {
        var dateline = Page("<title>T</title>", "<article><h1>Ministry revises licensing guidance</h1><p>01.02.2022 – The ministry published its revised licensing guidance today, setting out which accelerator shipments now need an export licence and how long reviews will take, after months of talks.</p></article>");
        Assert.Equal(new DateOnly(2022, 2, 1), DateOnly.FromDateTime(dateline.Published!.Value.Date));
        var inside = Page("<title>T</title>", "<article><h1>Ministry revises licensing guidance</h1><p>The ministry published its revised licensing guidance today, setting out which accelerator shipments now need a licence; the previous version, of 01.02.2019, was withdrawn.</p></article>");
        Assert.Null(inside.Published);
    }

    [Fact]
    public void AsideInsideTheArticle_IsItsMetaColumn_NotChrome()
    {
        var page = Page("<title>Ministry revises licensing guidance</title>",
            $"""<article><h1>Ministry revises licensing guidance</h1><aside class="content__meta"><p class="content__meta__date">12 March 2024</p></aside>{Paragraphs}</article><aside class="related"><p>Published 1 January 2020</p></aside>""");
        Assert.Equal(new DateOnly(2024, 3, 12), DateOnly.FromDateTime(page.Published!.Value.Date));
    }

    [Fact]
    public void UtcDateOnAGermanPage_FallsOnTheBerlinDay_WhateverAHeaderWidgetShows()
    {
        var html = """<html lang="de"><head><meta property="article:published_time" content="2023-10-30T23:30:00Z"><title>Meldung</title></head><body>"""
                   + """<header><span class="today">Dienstag, 31.10.2023</span></header><article><h1>Die Behörde überarbeitet ihre Leitlinien</h1>"""
                   + "<p>Die Behörde hat am Dienstag ihre überarbeiteten Leitlinien veröffentlicht und erläutert, welche Lieferungen nun eine Genehmigung benötigen und wie lange die Prüfung dauert.</p></article></body></html>";
        var page = Extractor.ExtractHtml(html, new Uri("https://desk.example/meldung"));
        Assert.Equal(TimeSpan.FromHours(1), page.Published!.Value.Offset);
        Assert.Equal(new DateTime(2023, 10, 31), page.Published.Value.Date);
    }

    // ------------------------------------------------------------ bodies in the shapes of many sites

    [Fact]
    public void LayoutModifierInAClass_NeverRemovesTheBody()
    {
        var page = Page("<title>Ministry revises licensing guidance</title>",
            $"""<div class="o-section o-section--has-ads"><h1>Ministry revises licensing guidance</h1>{Paragraphs}</div><div class="o-section--has-ads ad-slot">Advertisement</div>""");
        Assert.Contains("Industry groups welcomed", page.Body);
    }

    [Fact]
    public void CallsToActionAndADanglingHeading_AfterTheArticle_AreNotBody()
    {
        var page = Page("<title>Ministry revises licensing guidance</title>",
            $"""<article><h1>Ministry revises licensing guidance</h1>{Paragraphs}<p>Get our newsletter every morning: subscribe here.</p><p>© 2026 Lakeside Policy Review</p><h3>More on licences</h3></article>""");
        Assert.EndsWith("universities and hospitals.", page.Body);
    }

    [Theory]
    [InlineData("Weitere Artikel zum Thema Exportkontrolle")]
    [InlineData("Popular on Lakeside Review")]
    [InlineData("À lire également :")]
    public void ReadMoreHeadings_AndTheirLinks_AreNotBody(string heading)
    {
        var page = Page("<title>Ministry revises licensing guidance</title>",
            $"""<article><h1>Ministry revises licensing guidance</h1>{Paragraphs}<h3>{heading}</h3><p><a href="/x">Another headline about chips</a></p></article>""");
        Assert.DoesNotContain("Another headline", page.Body);
        Assert.DoesNotContain(heading[..8], page.Body);
    }

    [Fact]
    public void BodyInRepeatedSections_IsReadWhole()
    {
        string Section(string text) => $"<div class=\"outer\"><div class=\"inner\"><p>{text}</p><p>{text} It adds a second paragraph with more detail on timing and scope.</p></div></div>";
        var page = Page("<title>Three parts of the licence reform</title>", "<h1>Three parts of the licence reform</h1>"
            + Section("Part one sets out which accelerators now need an export licence and how the thresholds are computed by the agency.")
            + Section("Part two explains how long reviews take and which universities and hospitals may receive a faster decision.")
            + Section("Part three describes the reporting duties of cloud operators that host large training runs for foreign customers."));
        Assert.Contains("Part one", page.Body);
        Assert.Contains("Part three", page.Body);
    }

    [Fact]
    public void AuthorBoxAndPictureLegend_AreNotBody()
    {
        var page = Page("<title>Ministry revises licensing guidance</title>",
            $"""<article><h1>Ministry revises licensing guidance</h1><div class="legend">A wafer inspection line, photographed last year.</div>{Paragraphs}<div class="mvp-author-box">Jordan Vale covers trade policy and writes a weekly column about export rules for the desk.</div></article>""");
        Assert.DoesNotContain("wafer inspection line", page.Body);
        Assert.DoesNotContain("weekly column", page.Body);
    }

    [Fact]
    public void LongNoscriptThatMentionsABrowser_IsStillThePost()
    {
        var post = string.Concat(Enumerable.Repeat("The guidance explains how researchers browsing the licence portal can check whether an accelerator needs a licence. ", 20));
        var page = Page("<title>Portal guide</title>", $"<h1>Portal guide</h1><noscript><p>{post}</p></noscript>");
        Assert.Contains("licence portal", page.Body);
    }

    [Fact]
    public void DecomposedAccents_AreStoredComposed()
    {
        var page = Page("<title>Reforme</title>", "<article><h1>Reforme</h1><p>La re\u0301forme des licences d'exportation entre en vigueur en mai, a annonce\u0301 le ministe\u0300re, qui publie un guide pour les exportateurs.</p><p>Les universite\u0301s disposent d'un de\u0301lai supple\u0301mentaire pour adapter leurs proce\u0301dures d'achat de mate\u0301riel.</p></article>");
        Assert.Contains("réforme", page.Body);
        Assert.True(page.Body.IsNormalized(System.Text.NormalizationForm.FormC));
    }

    [Fact]
    public void StandfirstInTheArticlesHeader_IsKept_ButNotWhenItIsMostOfTheBody()
    {
        var standfirst = "The ministry's new guidance sets licence thresholds for accelerators and promises faster reviews for research institutes.";
        var page = Page("<title>Ministry revises licensing guidance</title>",
            $"""<article><div class="entry-header"><h1>Ministry revises licensing guidance</h1><p class="intro">{standfirst}</p></div><div class="entry-content">{Paragraphs}</div></article>""");
        Assert.StartsWith(standfirst, page.Body);
    }
}
