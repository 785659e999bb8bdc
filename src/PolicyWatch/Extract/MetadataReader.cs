using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace PolicyWatch.Extract;

/// <summary>
/// Page metadata with provenance. For each field every source the page offers is read in order of trust (JSON-LD
/// with <c>@id</c> references resolved, <c>article:*</c>/Open Graph meta tags anywhere in the document, microdata,
/// the visible headline, <c>&lt;time&gt;</c> and byline elements near it, visible text near the headline, the URL),
/// and the first found is kept with the name of its source and its strength (<see cref="MetadataStrength"/>).
/// </summary>
internal static partial class MetadataReader
{
    private static readonly HashSet<string> ArticleTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "Article", "NewsArticle", "BlogPosting", "ReportageNews", "AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle",
        "Report", "ScholarlyArticle", "TechArticle", "LiveBlogPosting", "Review", "SocialMediaPosting", "GovernmentPublication", "PressRelease",
    };

    // pages that are not articles but still carry the page's own date and author
    private static readonly HashSet<string> PageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "DiscussionForumPosting", "Recipe", "VideoObject", "WebPage", "ItemPage", "AboutPage", "CollectionPage", "QAPage", "Question",
    };

    public sealed record Metadata(
        string? Title, IReadOnlyList<string> Authors, DateTimeOffset? Published, DateTimeOffset? Modified, string? Language,
        string? SiteName, Uri? Canonical, string? Description, Uri? Image, string? JsonLdBody, IReadOnlyDictionary<string, MetadataSource> Sources);

    public static Metadata Read(IHtmlDocument doc, Uri url)
    {
        var metas = MetaIndex(doc);
        string? Meta(string key) => metas.GetValueOrDefault(key.ToLowerInvariant());
        var ld = JsonLd.Read(doc);
        var sources = new Dictionary<string, MetadataSource>();

        var siteName = Meta("og:site_name") ?? ld.PublisherName ?? Meta("application-name");
        var language = NormalizeLanguage(doc.DocumentElement.GetAttribute("lang") ?? doc.DocumentElement.GetAttribute("xml:lang")
            ?? doc.QuerySelector("meta[http-equiv='content-language' i]")?.GetAttribute("content")
            ?? ld.String(ld.Article, "inLanguage") ?? Meta("og:locale"));

        var ldTitle = ld.String(ld.Article, "headline") ?? ld.String(ld.Article, "name");
        var headline = Headline(doc, new[] { ldTitle, Meta("og:title") ?? Meta("twitter:title"), doc.Title }
            .Where(t => !string.IsNullOrWhiteSpace(t) && !IsCutTitle(t!)).Select(t => Text.Collapse(t!)).ToList());
        var title = ChooseTitle(ld.String(ld.Article, "headline") ?? ld.String(ld.Article, "name"), Meta("og:title") ?? Meta("twitter:title"),
            headline, Text.Collapse(doc.Title ?? ""), siteName, doc, out var titleSource);
        if (title is not null) sources["title"] = titleSource;

        // where the article starts: its headline, else the first heading that carries the title
        var anchor = headline?.Element ?? TitleHeading(doc, title);
        var (authors, authorSource) = Authors(doc, ld, metas, anchor, siteName, url);
        if (authors.Count > 0) sources["authors"] = authorSource;

        var (published, publishedSource) = PublishedDate(doc, ld, Meta, anchor, url, language);
        published = InPageTimeZone(published, publishedSource, language, () => VisibleDate(doc, anchor, language));
        if (published is not null) sources["published"] = publishedSource;
        var modified = Dates.Parse(ld.String(ld.Article, "dateModified"))
            ?? FirstDate(Meta, "article:modified_time", "og:updated_time", "dcterms.modified", "last-modified", "article.updated");
        if (modified is not null) sources["updated"] = new MetadataSource("meta", MetadataStrength.Strong);

        var canonical = AbsoluteHttp(url, doc.QuerySelector("link[rel~=canonical][href]")?.GetAttribute("href"));
        if (canonical is not null) sources["canonical"] = new MetadataSource("link-canonical", MetadataStrength.Strong);
        else if ((canonical = AbsoluteHttp(url, Meta("og:url"))) is not null) sources["canonical"] = new MetadataSource("og:url", MetadataStrength.Medium);
        if (language is not null) sources["language"] = new MetadataSource("markup", MetadataStrength.Strong);

        var description = Meta("og:description") ?? Meta("description") ?? Meta("twitter:description") ?? ld.String(ld.Article, "description");
        var image = AbsoluteHttp(url, Meta("og:image") ?? Meta("twitter:image") ?? ld.Image(ld.Article));
        return new Metadata(title, authors, published, modified, language, Clean(siteName), canonical, Clean(description), image,
            ld.String(ld.Article, "articleBody"), sources);
    }

    /// <summary>Every &lt;meta&gt; in the document, head or not (a stray tag in the head moves the rest into the body), first value per key.</summary>
    private static Dictionary<string, string> MetaIndex(IHtmlDocument doc)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in doc.QuerySelectorAll("meta"))
        {
            var k = m.GetAttribute("property") ?? m.GetAttribute("name") ?? m.GetAttribute("itemprop");
            if (k is null || m.GetAttribute("content") is not { } c || string.IsNullOrWhiteSpace(c)) continue;
            index.TryAdd(k.Trim().ToLowerInvariant(), System.Net.WebUtility.HtmlDecode(c).Trim());
        }
        return index;
    }

    // ---------------------------------------------------------------- title

    /// <summary>The first h2–h4 whose words the title shares (pages whose headline is not an h1).</summary>
    private static IElement? TitleHeading(IHtmlDocument doc, string? title) =>
        title is null ? null : doc.QuerySelectorAll("h2, h3, h4").FirstOrDefault(h => !InChrome(h) && Overlap(Text.Collapse(h.TextContent), title) >= 0.5);

    private static readonly Dictionary<string, string> LanguageZones = new()
    {
        ["de"] = "Europe/Berlin", ["fr"] = "Europe/Paris", ["it"] = "Europe/Rome", ["nl"] = "Europe/Amsterdam", ["pl"] = "Europe/Warsaw",
        ["cs"] = "Europe/Prague", ["da"] = "Europe/Copenhagen", ["sv"] = "Europe/Stockholm", ["fi"] = "Europe/Helsinki", ["ja"] = "Asia/Tokyo",
        ["zh"] = "Asia/Shanghai", ["ko"] = "Asia/Seoul", ["tr"] = "Europe/Istanbul", ["ru"] = "Europe/Moscow", ["uk"] = "Europe/Kyiv",
    };

    /// <summary>
    /// A machine date given in UTC falls on the calendar day its readers saw: the day in the time zone of the page's
    /// language where one zone dominates (German pages: Europe/Berlin), else the day the page itself shows near the
    /// headline when that is one day off. The instant never changes, only the offset it is written with.
    /// </summary>
    private static DateTimeOffset? InPageTimeZone(DateTimeOffset? date, MetadataSource source, string? language, Func<DateTimeOffset?> shownOnPage)
    {
        if (date is not { } d || d.Offset != TimeSpan.Zero || source.Source is "visible-text" or "url") return date;
        // a language with one dominant zone decides: a date shown elsewhere on the page may be a header's "today" widget
        if (language is not null && LanguageZones.TryGetValue(language, out var zoneId))
        {
            try { return TimeZoneInfo.ConvertTime(d, TimeZoneInfo.FindSystemTimeZoneById(zoneId)); }
            catch (TimeZoneNotFoundException) { }
        }
        if (shownOnPage() is { } s && Math.Abs((s.Date - d.Date).TotalDays) == 1)
        {
            // the smallest whole-hour offset that puts the instant on the shown day
            for (var hours = 1; hours <= 14; hours++)
                foreach (var offset in new[] { TimeSpan.FromHours(-hours), TimeSpan.FromHours(hours) })
                    if (offset >= TimeSpan.FromHours(-12) && d.ToOffset(offset).Date == s.Date) return d.ToOffset(offset);
        }
        return date;
    }

    /// <summary>The visible headline: the first content &lt;h1&gt; that is not the site's logo, without its kicker.</summary>
    /// <param name="Likely">Whether it is the page's headline even though no meta title shares its words: the only content h1, or the one inside the article.</param>
    internal sealed record HeadlineInfo(IElement Element, string Text, bool Likely = true);

    /// <summary>
    /// The h1 that is the headline: among content h1s (not a logo, not in the page's frame), the one sharing most words
    /// with a meta title; else the one inside the article or main element; else the only one.
    /// </summary>
    private static HeadlineInfo? Headline(IHtmlDocument doc, IReadOnlyList<string> metaTitles)
    {
        var candidates = doc.QuerySelectorAll("h1").Where(h => !IsLogo(h) && !InChrome(h) && !Hidden(h))
            .Select(h => (Element: h, Text: HeadlineText(h))).Where(c => c.Text.Length > 3 && c.Text.Length <= 500).ToList();
        if (candidates.Count == 0) return null;
        // a meta title equal to the h1 beats one merely containing it (the site's name in a header h1)
        var best = candidates.Select(c => (c.Element, c.Text, Score: metaTitles.Count == 0 ? 0 : metaTitles.Max(m =>
                m.Equals(c.Text, StringComparison.OrdinalIgnoreCase) ? 2 : m.Contains(c.Text, StringComparison.OrdinalIgnoreCase) ? 1 : Overlap(m, c.Text))))
            .OrderByDescending(c => c.Score).First();
        if (best.Score >= 0.3 || metaTitles.Count == 0) return new HeadlineInfo(best.Element, best.Text);
        var inArticle = candidates.FirstOrDefault(c => c.Element.Closest("article, main, [role=main]") is not null);
        if (inArticle.Element is not null) return new HeadlineInfo(inArticle.Element, inArticle.Text, Likely: true) { };
        return candidates.Count == 1 ? new HeadlineInfo(candidates[0].Element, candidates[0].Text, Likely: true) : new HeadlineInfo(candidates[0].Element, candidates[0].Text, Likely: false);
    }

    private static bool IsLogo(IElement h1)
    {
        var link = h1.QuerySelector("a[href]") ?? h1.Closest("a[href]");
        if (link is not null && link.GetAttribute("href") is "/" or "./" or "#" && Text.Collapse(h1.TextContent).Split(' ').Length <= 4) return true;
        // a heading that is all a link to the site's home page is the site's name, however long
        if (link is not null && ToSiteRoot(link.GetAttribute("href")) && Text.Collapse(link.TextContent).Length >= Text.Collapse(h1.TextContent).Length - 2) return true;
        var hints = ContentExtractor.ClassAndId(h1);
        return h1.QuerySelector("img") is not null && Text.Collapse(h1.TextContent).Length < 4
               || hints.Contains("logo", StringComparison.OrdinalIgnoreCase) || hints.Contains("site-title", StringComparison.OrdinalIgnoreCase)
               || hints.Contains("brand", StringComparison.OrdinalIgnoreCase);
    }

    // "/", "/index.html", "https://example.org/", or an archived copy's "…/https://example.org/"
    private static bool ToSiteRoot(string? href)
    {
        if (string.IsNullOrWhiteSpace(href)) return false;
        var h = href.Trim();
        // "/?p=123" is a post's permalink, not the home page
        var query = h.IndexOf('?');
        if (query >= 0 && query < h.Length - 1) return false;
        var q = h.IndexOfAny(['?', '#']);
        if (q >= 0) h = h[..q];
        if (h is "/" or "./" or "/index.html" or "/index.php" or "/de/" or "/en/") return true;
        var scheme = h.LastIndexOf("://", StringComparison.Ordinal);
        if (scheme < 0) return false;
        var path = h[(scheme + 3)..];
        var slash = path.IndexOf('/');
        return slash < 0 || slash == path.Length - 1;
    }

    // screen-reader-only or hidden headings are not what a reader sees as the headline
    private static bool Hidden(IElement h) => ContentExtractor.IsHidden(h) || HiddenClass().IsMatch(ContentExtractor.ClassAndId(h));

    /// <summary>The h1's text without kicker, overline and screen-reader parts, as a reader sees the headline.</summary>
    internal static string HeadlineText(IElement h1)
    {
        var clone = (IElement)h1.Clone(deep: true);
        foreach (var e in clone.QuerySelectorAll("small, time, script, style, noscript").ToList()) e.Remove();
        foreach (var e in clone.QuerySelectorAll("[class]").ToList())
            if (Kicker().IsMatch(e.GetAttribute("class") ?? "")) e.Remove();
        // an h1 that marks its headline part ("<span class=headline>") beside a kicker styled some other way: that part
        if (clone.QuerySelectorAll("[class~=headline], [class*=headline__], [class*=-headline]").ToList() is [var part]
            && Text.Collapse(part.TextContent) is { } marked && marked.Split(' ').Length >= 3)
            clone = part;
        var sb = new System.Text.StringBuilder();
        foreach (var node in clone.GetDescendants())
            if (node is IText t) sb.Append(t.Data);
            else if (node is IElement { LocalName: "br" }) sb.Append(' ');
        return Text.Collapse(sb.ToString()).TrimStart(':', '|', '•', '·', '–', '-', ' ');
    }

    /// <summary>
    /// The visible headline when a meta title (JSON-LD, og:title, &lt;title&gt;) shares its words, or when it is the
    /// page's only headline; else a meta title with the site's name taken off ("title-cut", weak, when something was cut).
    /// </summary>
    internal static string? ChooseTitle(string? jsonLd, string? og, HeadlineInfo? headline, string? title, string? siteName, IHtmlDocument? doc,
        out MetadataSource source)
    {
        var metaTitles = new[] { jsonLd, og, title }.Where(t => !string.IsNullOrWhiteSpace(t) && !IsCutTitle(t!)).Select(t => Text.Collapse(t!)).ToList();
        if (headline is { Text: var h } && h.Length <= 500)
        {
            if (metaTitles.Count == 0 || metaTitles.Any(m => Overlap(m, h) >= 0.3) || metaTitles.Any(m => m.Contains(h, StringComparison.OrdinalIgnoreCase)))
            {
                source = new MetadataSource("h1", MetadataStrength.Strong);
                foreach (var m in metaTitles.Select(m => StripSiteSuffix(m, siteName).TrimEnd(' ', '|', '-', '–', '—', '·', '•', '/')))
                {
                    // "Kicker Headline" in the h1 where the meta title is the headline alone (a "Label: Headline" h1 keeps
                    // its label), or "Kicker : Headline" where spans split "Kicker: Headline": the publisher's own wording
                    if (m.Split(' ').Length >= 3 && h.Length > m.Length && h.EndsWith(m, StringComparison.OrdinalIgnoreCase) && !h[..^m.Length].TrimEnd().EndsWith(':')
                        || m.Length != h.Length && m.Length > 0 && Squashed(m) == Squashed(h))
                        return m;
                }
                return h;
            }
        }
        // a page whose h1 is not the headline (a hub, a wiki): the first h2 of the content when a meta title shares its words
        if (doc?.QuerySelector("main h2, article h2") is { } h2 && Text.Collapse(h2.TextContent) is { Length: > 3 } h2Text && metaTitles.Any(m => Overlap(m, h2Text) >= 0.5))
        {
            source = new MetadataSource("h2", MetadataStrength.Medium);
            return h2Text;
        }
        // an h1 that is the page's only content headline, or the article's own, shares no words with a rewritten meta title
        if (headline is { Likely: true, Text: var likely } && metaTitles.Count > 0 && metaTitles.All(m => Overlap(m, likely) < 0.3))
        {
            source = new MetadataSource("h1", MetadataStrength.Medium);
            return likely;
        }
        // "Site | Headline" or "Headline : Section": the part of a meta title that the page shows as a heading of its content
        if (doc is not null && HeadingSegment(doc, metaTitles, siteName) is { } segment)
        {
            source = new MetadataSource("title (part shown as a heading)", MetadataStrength.Medium);
            return segment;
        }
        foreach (var (candidate, name) in new[] { (jsonLd, "json-ld"), (og, "og:title"), (title, "title") })
        {
            if (string.IsNullOrWhiteSpace(candidate) || IsCutTitle(candidate)) continue;
            var full = Text.Collapse(candidate);
            var t = StripSiteSuffix(full, siteName);
            if (t.Length == 0) continue;
            source = t.Length < full.Length ? new MetadataSource(name + " (site name cut)", MetadataStrength.Medium) : new MetadataSource(name, MetadataStrength.Strong);
            return t.Length > 500 ? t[..500] : t;
        }
        if (headline is not null)
        {
            source = new MetadataSource("h1", MetadataStrength.Medium);
            return headline.Text;
        }
        source = new MetadataSource("none", MetadataStrength.Weak);
        return null;
    }

    // in the order a site suffix is looked for
    private static readonly string[] TitleSeparators = [" | ", " – ", " — ", " - ", " :: ", " · ", " • ", " / ", " » ", " › ", " : ", " « "];

    /// <summary>
    /// The longest part (at least two words) of a decorated meta title that equals the text of a content heading
    /// (h1–h3 outside navigation, never the logo or the site's name), or null.
    /// </summary>
    private static string? HeadingSegment(IHtmlDocument doc, IReadOnlyList<string> metaTitles, string? siteName)
    {
        var segments = metaTitles.Select(m => m.Split(TitleSeparators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length > 1).SelectMany(parts => parts)
            .Where(x => x.Contains(' ') && !string.Equals(x, siteName, StringComparison.OrdinalIgnoreCase))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (segments.Count == 0) return null;
        var headings = doc.QuerySelectorAll("h1, h2, h3").Take(200)
            .Where(h => !InChrome(h) && !Regex.IsMatch(ContentExtractor.ClassAndId(h), "logo|brand|site-?title|site-?name", RegexOptions.IgnoreCase))
            .Select(h => Text.Collapse(h.TextContent));
        return headings.Where(segments.Contains).OrderByDescending(x => x.Length).FirstOrDefault();
    }

    private static string Squashed(string s) => new(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static bool IsCutTitle(string t) => t.TrimEnd().EndsWith("...", StringComparison.Ordinal) || t.TrimEnd().EndsWith('…');

    /// <summary>Word-set Jaccard overlap of two titles, case and punctuation ignored.</summary>
    internal static double Overlap(string a, string b)
    {
        static HashSet<string> Words(string s) => WordRegex().Matches(s.ToLowerInvariant()).Select(m => m.Value).ToHashSet();
        var x = Words(a);
        var y = Words(b);
        if (x.Count == 0 || y.Count == 0) return 0;
        return x.Intersect(y).Count() / (double)x.Union(y).Count();
    }

    /// <summary>The headline without the " | Site" decoration pages add to &lt;title&gt; and og:title.</summary>
    internal static string StripSiteSuffix(string title, string? siteName)
    {
        // "23.01.2022 - Headline": a date before the headline is not part of it
        title = LeadingDate().Replace(title, "");
        // CJK titles join the site name without spaces: "标题-新华网"
        if (title.Any(c => c is >= '\u4E00' and <= '\u9FFF') && CjkSuffix().Match(title) is { Success: true } cjk && cjk.Index >= 6) title = title[..cjk.Index];
        foreach (var sep in TitleSeparators)
        {
            var i = title.LastIndexOf(sep, StringComparison.Ordinal);
            if (i <= 0) continue;
            var head = title[..i].Trim();
            var tail = title[(i + sep.Length)..].Trim();
            var tailIsSite = siteName is not null && (tail.Contains(siteName, StringComparison.OrdinalIgnoreCase) || siteName.Contains(tail, StringComparison.OrdinalIgnoreCase));
            // a short, capitalised tail is a site or section name; anything else is part of the headline
            var nameLike = tail.Split(' ').Length <= 4 && tail.Split(' ').All(w => w.Length > 0 && (char.IsUpper(w[0]) || char.IsDigit(w[0]) || w is "of" or "the" or "and" or "&"
                                                                                           || w.Length > 1 && w[0] == '(' && char.IsUpper(w[1])));
            if (tailIsSite || (nameLike && sep is not " : " && head.Split(' ').Length >= 3 && tail.Length < head.Length))
                return StripSiteSuffix(head, siteName);
            var j = title.IndexOf(sep, StringComparison.Ordinal);
            var lead = title[..j].Trim();
            if (siteName is not null && lead.Equals(siteName, StringComparison.OrdinalIgnoreCase))
                return title[(j + sep.Length)..].Trim();
        }
        return title;
    }

    // ---------------------------------------------------------------- authors

    private static (List<string> Names, MetadataSource Source) Authors(IHtmlDocument doc, JsonLd ld, Dictionary<string, string> metas, IElement? headline, string? siteName, Uri url)
    {
        // the publisher is left out: on personal sites it is the author
        var site = new SiteNames(siteName, url);
        var fromLd = site.Filter(ld.Authors().SelectMany(a => SplitAuthors(a, structured: true)));
        if (fromLd.Count > 0) return (fromLd, new MetadataSource("json-ld", MetadataStrength.Strong));

        var fromByline = BylineAuthors(doc, headline, site);
        if (fromByline.Count > 0) return (fromByline, new MetadataSource("byline", MetadataStrength.Medium));

        var metaValues = new[] { "author", "article:author", "og:article:author", "article:author_name", "dc.creator", "citation_author", "parsely-author", "sailthru.author", "cxenseparse:author" }
            .Select(k => metas.GetValueOrDefault(k))
            .Where(v => !string.IsNullOrWhiteSpace(v) && !v!.StartsWith("http", StringComparison.OrdinalIgnoreCase) && !v.Contains("www.", StringComparison.OrdinalIgnoreCase));
        if (metas.GetValueOrDefault("twitter:label1") is { } label && WrittenBy().IsMatch(label) && metas.GetValueOrDefault("twitter:data1") is { } data1)
            metaValues = metaValues.Append(data1);
        metaValues = metaValues.ToList();
        var fromMeta = site.Filter(metaValues.Where(v => !site.IsSite(v!)).SelectMany(v => SplitAuthors(v!, structured: true)));
        if (fromMeta.Count > 0) return (fromMeta, new MetadataSource("meta", MetadataStrength.Medium));

        var fromText = site.Filter(TextPatternAuthors(doc, headline));
        if (fromText.Count > 0) return (fromText, new MetadataSource("visible-text", MetadataStrength.Weak));

        // no person anywhere: the site's name is the author when the page itself declares it so (a personal site, a
        // press office, an agency); the site filter breaks ties, it does not erase what the page states
        var declared = Distinct(ld.Authors().SelectMany(a => SplitAuthors(a, structured: true)).Where(n => !OrganisationNoise().IsMatch(n)));
        if (declared.Count > 0) return (declared, new MetadataSource("json-ld", MetadataStrength.Medium));
        // the site's own name, declared as author, stays one name ("Jobs & Hire" is no two people)
        var declaredMeta = Distinct(metaValues.SelectMany(v => site.IsSite(v!) ? [Text.Collapse(v!)] : SplitAuthors(v!, structured: true)).Where(n => !OrganisationNoise().IsMatch(n)));
        return (declaredMeta, new MetadataSource("meta", MetadataStrength.Weak));
    }

    /// <summary>Names of the site itself, which are never an author when a person could be.</summary>
    private sealed class SiteNames(string? siteName, Uri url)
    {
        // the site's name and its host's registrable label ("example" of news.example.org)
        private static string?[] Candidates(string? siteName, Uri url) => [siteName, url.Host.Split('.').Reverse().Skip(1).FirstOrDefault()];

        private readonly string[] _names = Candidates(siteName, url)
            .Where(n => !string.IsNullOrWhiteSpace(n) && n!.Length >= 3).Select(n => n!.ToLowerInvariant()).ToArray();

        private readonly string[] _squashed = Candidates(siteName, url).Select(n => Squashed(n ?? "")).Where(n => n.Length >= 3).ToArray();

        public List<string> Filter(IEnumerable<string> names) =>
            Distinct(names.Where(n => !_names.Any(s => n.ToLowerInvariant() == s || n.Length > 6 && n.ToLowerInvariant().Contains(s) && !n.Contains(' '))
                                      && !OrganisationNoise().IsMatch(n)));

        /// <summary>
        /// A whole byline or meta value that is the site's name however it is written ("INTERSCENAR.IO" for
        /// Interscenario, "L-MAG – Das Magazin" on l-mag.de): checked before it is split into names.
        /// </summary>
        public bool IsSite(string raw)
        {
            var whole = Squashed(raw);
            var first = Squashed(raw.Split([' ', '–', '—', '|', ':'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "");
            return _squashed.Any(s => whole == s || first == s && first.Length >= 4);
        }
    }

    private const string BylineSelector =
        "[itemprop=author], [rel=author], a[href*='/author/'], a[href*='/autor'], a[href*='/authors/'], a[href*='/reporter'], address, " +
        "[class*=author i], [class*=byline i], [class*=autor i], [class*=auteur i], [class*=verfasser i], [class*=writer i], [class*=contributor i], " +
        "[id*=author i], [id*=byline i], [data-testid*=byline i], [data-testid*=author i]";

    private static List<string> BylineAuthors(IHtmlDocument doc, IElement? headline, SiteNames site)
    {
        var scope = headline?.Closest("article, main") ?? (IElement?)doc.Body;
        if (scope is null) return [];
        foreach (var node in scope.QuerySelectorAll(BylineSelector))
        {
            // a byline sits after the headline, or just above it in the same header
            if (headline is not null && headline.CompareDocumentPosition(node).HasFlag(DocumentPositions.Preceding)
                && headline.ParentElement?.ParentElement?.Contains(node) != true) continue;
            if (InChrome(node) || AuthorBoxOrComment(node) && !ShortAuthorBox(node)) continue;
            // a picture's credit ("Bild: istockphoto") is not the article's author
            if (CreditOfPicture(node)) continue;
            // the first part marked as a name, else (in a short byline) the first link that reads as one (an avatar link has no
            // text), else the whole byline with its parts kept apart ("Houzz Deutschland" + "vor 5 Stunden", not "Deutschlandvor")
            var container = node.TextContent.Length > 400 && Text.Collapse(node.TextContent).Length > 300;
            // a name inside the publisher's microdata is the publisher's, not the author's
            string? Named(string selector) => node.QuerySelectorAll(selector).Where(e => e.Closest("[itemprop~=publisher]") is null).Select(e => Text.Collapse(e.TextContent))
                .FirstOrDefault(t => t.Length is >= 2 and <= 120 && LooksLikeName(t, structured: false));
            // in a short byline every linked name counts ("Lars Fischer und Alina Schadwinkel", each a link)
            // (only links to people's pages: "Edit", "Google Scholar" or a mail link are links too)
            string? AllLinked()
            {
                var linked = node.QuerySelectorAll("a").Where(e => e.Closest("[itemprop~=publisher]") is null)
                    .Select(e => (Text: Text.Collapse(e.TextContent), Person: e.GetAttribute("rel") == "author" || PersonPath().IsMatch(e.GetAttribute("href") ?? "")))
                    .Where(l => l.Text.Length is >= 2 and <= 120 && LooksLikeName(l.Text, structured: false)).ToList();
                if (linked.Count == 0) return null;
                var people = linked.Where(l => l.Person).Select(l => l.Text).Distinct().ToList();
                return people.Count > 1 ? string.Join(", ", people) : linked[0].Text;
            }
            var text = Named("[itemprop~=author]:not([itemscope])") ?? Named("[itemprop=name], .fn, .name") ?? Named("[class*=name i]") ?? (container ? null : AllLinked() ?? SpacedText(node));
            if (text is null) continue;
            if (text.Length is < 2 or > 160) continue;
            // the site's own name here is no author: look on, a later byline may name the person
            var names = site.Filter(SplitAuthors(text, structured: false));
            if (names.Count > 0) return names;
        }
        return [];
    }

    // a two-line "authorbox" (label and name) under the headline is the byline; a bio box with a paragraph about the person is not
    private static bool ShortAuthorBox(IElement node)
    {
        for (var x = node; x is not null && x.LocalName != "body"; x = x.ParentElement)
        {
            var hints = ContentExtractor.ClassAndId(x);
            if (hints.Length == 0 || !CommentClass().IsMatch(hints)) continue;
            return AuthorBoxClass().IsMatch(hints) && Text.Collapse(x.TextContent).Length <= 150;
        }
        return false;
    }

    private static bool CreditOfPicture(IElement node)
    {
        var x = node;
        for (var i = 0; i < 3 && x is not null && x.LocalName != "body"; i++, x = x.ParentElement)
            if (PictureCreditClass().IsMatch(ContentExtractor.ClassAndId(x)) || x.LocalName is "figure" or "figcaption") return true;
        return false;
    }

    /// <summary>An element's text with a space between the texts of different elements, collapsed.</summary>
    private static string SpacedText(IElement e) =>
        Text.Collapse(string.Join(" ", e.Descendants<AngleSharp.Dom.IText>().Select(t => t.Data)));

    private static List<string> TextPatternAuthors(IHtmlDocument doc, IElement? headline)
    {
        if (Byline(TextNear(doc, headline, before: 10, after: 30).ToList()) is { Count: > 0 } near) return near;
        // a credit line anywhere in the article's own text ("Text: Klausmartin Friedrich" at its end): short lines that
        // are a label and names and nothing else
        var afterLabel = false;
        bool Candidate(string t)
        {
            var keep = afterLabel || t.Length <= 80 && (CreditLabel().IsMatch(t) || LabelOnly().IsMatch(t));
            afterLabel = LabelOnly().IsMatch(t);
            return keep;
        }
        return Byline(TextNearWithHints(doc, null, before: 0, after: 3000, Candidate).Select(t => t.Text).ToList(), labelledOnly: true) ?? [];
    }

    /// <summary>The names of the first line that is a byline ("By Ann Lee", "Ein Artikel von" + "Pamela Sladky" in the next node), or null.</summary>
    private static List<string>? Byline(List<string> texts, bool labelledOnly = false)
    {
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i];
            // a label alone in its node names the person in the next one
            if (LabelOnly().IsMatch(text) && i + 1 < texts.Count) text = text + " " + texts[i + 1];
            if (labelledOnly && !CreditLabel().IsMatch(text)) continue;
            var m = BylineText().Match(text);
            if (!m.Success) continue;
            var names = SplitAuthors(m.Groups["name"].Value, structured: false);
            if (names.Count > 0) return names;
        }
        return null;
    }

    internal static List<string> SplitAuthors(string raw) => SplitAuthors(raw, structured: true);

    /// <summary>
    /// People or organisations from a byline: prefixes ("By", "Von", "View all posts by") and trailing dates and
    /// times removed, split on commas, semicolons, "and" and its translations (never on "/", which joins agency
    /// credits such as "APA/AP"), and anything that is a date, a time, a label or a bare role ("Staff") dropped.
    /// </summary>
    internal static List<string> SplitAuthors(string raw, bool structured)
    {
        var text = Text.Collapse(System.Net.WebUtility.HtmlDecode(raw));
        // "Posted on September 21, 2020 by Adi Tzlil", "06.11.2023 13:30 von Olga": the name follows the last "by"
        text = DatedBy().Replace(text, "");
        for (var i = 0; i < 3; i++) text = BylinePrefix().Replace(text, "");
        text = BylineSuffix().Replace(text, "");
        text = TrailingHandle().Replace(text, "");
        if (PhotoCredit().IsMatch(text)) return [];
        var parts = AuthorSeparators().Split(text)
            .Select(p => TrailingWeekday().Replace(p.Trim(), ""))
            .Select(p => p.Trim(' ', ',', ';', '"', '\'', '„', '“', '”', '|', '-', '–', '·'))
            .Select(p => p.EndsWith('.') && !Initial().IsMatch(p) ? p.TrimEnd('.') : p)
            .Where(p => LooksLikeName(p, structured))
            .ToList();
        return parts;
    }

    private static bool LooksLikeName(string s, bool structured)
    {
        if (s.Length < (structured ? 2 : 3) || s.Length > 60 || s.Contains('@') || s.StartsWith("http", StringComparison.OrdinalIgnoreCase)) return false;
        if (s.Split(' ').Length > 6 || !s.Any(char.IsLetter)) return false;
        if (NotAName().IsMatch(s) || Regex.IsMatch(s, @"\d{1,2}[:.]\d{2}|\d{4}|→|»")) return false;
        // a user name ("gabor_munier", "christian.stadtfeld") is an account, and "Name – Tagline" a title, not how anyone is named
        if (Username().IsMatch(s) || s.Contains(" – ") || s.Contains(" — ") || s.Contains(" | ")) return false;
        // a phrase ("Pétition soutenue par un Super contributeur"): a lower-case word after a capitalised one, in three or more words
        var ws = s.Split(' ');
        if (ws.Length >= 3 && Enumerable.Range(1, ws.Length - 1).Any(i => ws[i].Length > 0 && char.IsLower(ws[i][0]) && char.IsUpper(ws[i - 1].FirstOrDefault())
                                                                         && !NameParticle().IsMatch(ws[i])))
            return false;
        // a weekday or a date ("Monday August 27") is not a person
        var words = s.Split(' ');
        if (words.All(w => Dates.IsDayOrMonthName(w) || w.All(char.IsDigit))) return false;
        return Dates.Parse(s + " 2000") is null || words.Length > 3;
    }

    private static List<string> Distinct(IEnumerable<string> names) =>
        names.GroupBy(n => n.ToLowerInvariant()).Select(g => g.First()).Take(20).ToList();

    // ---------------------------------------------------------------- dates

    private static (DateTimeOffset? Date, MetadataSource Source) PublishedDate(IHtmlDocument doc, JsonLd ld, Func<string, string?> meta, IElement? headline, Uri url, string? language)
    {
        if (Dates.Parse(ld.String(ld.Article, "datePublished")) is { } d1 && ld.ArticleIsArticle) return (d1, new("json-ld", MetadataStrength.Strong));
        if (FirstDate(meta, "article:published_time", "og:published_time", "published_time", "datepublished", "article.published", "shareaholic:article_published_time") is { } d2)
            return (d2, new("meta", MetadataStrength.Strong));
        foreach (var e in doc.QuerySelectorAll("[itemprop=datePublished]"))
            if (Dates.Parse(e.GetAttribute("content") ?? e.GetAttribute("datetime") ?? e.GetAttribute("title") ?? Text.Collapse(e.TextContent)) is { } d3)
                return (d3, new("microdata", MetadataStrength.Strong));
        if (Dates.Parse(ld.String(ld.Article, "datePublished") ?? ld.String(ld.Article, "uploadDate") ?? ld.String(ld.Article, "dateCreated")) is { } d4)
            return (d4, new("json-ld", MetadataStrength.Medium));
        foreach (var e in doc.QuerySelectorAll("abbr.published[title], [class~=published][title], abbr[itemprop=datePublished][title]"))
            if (Dates.Parse(e.GetAttribute("title")) is { } d5) return (d5, new("microformat", MetadataStrength.Medium));
        if (HeadlineTime(doc, headline) is { } d6) return (d6, new("time", MetadataStrength.Medium));
        if (FirstDate(meta, "pubdate", "publishdate", "sw-pubdate", "publication_date", "cxenseparse:recs:publishtime", "parsely-pub-date", "sailthru.date",
                "citation_publication_date", "dc.date.issued", "dcterms.issued", "dcterms.created") is { } d7)
            return (d7, new("meta", MetadataStrength.Medium));
        if (VisibleDate(doc, headline, language) is { } d8) return (d8, new("visible-text", MetadataStrength.Weak));
        if (FirstDate(meta, "date", "dc.date", "dcterms.date") is { } d9) return (d9, new("meta:date", MetadataStrength.Weak));
        if (DateFromUrl(url) is { } d10) return (d10, new("url", MetadataStrength.Weak));
        return (null, new("none", MetadataStrength.Weak));
    }

    /// <summary>A &lt;time datetime&gt; of the article's own header: not in navigation, comments, sidebars or related lists.</summary>
    private static DateTimeOffset? HeadlineTime(IHtmlDocument doc, IElement? headline)
    {
        var scope = headline?.Closest("article, main, [role=main]") ?? (IElement?)doc.Body;
        if (scope is null) return null;
        foreach (var t in scope.QuerySelectorAll("time[datetime]"))
        {
            if (InChrome(t) || AuthorBoxOrComment(t)) continue;
            if (ContentExtractor.ClassAndId(t).Contains("updated", StringComparison.OrdinalIgnoreCase) && !ContentExtractor.ClassAndId(t).Contains("publish", StringComparison.OrdinalIgnoreCase)) continue;
            if (Dates.Parse(t.GetAttribute("datetime")) is { } d) return d;
        }
        return null;
    }

    /// <summary>
    /// A date written near the headline ("Veröffentlicht am 12.03.2019", "March 3, 2024", "3 de mayo de 2022"),
    /// preferring a labelled or date-classed one; never from comments, navigation or "updated" labels.
    /// </summary>
    private static DateTimeOffset? VisibleDate(IHtmlDocument doc, IElement? headline, string? language)
    {
        DateTimeOffset? first = null;
        foreach (var (text, hinted) in TextNearWithHints(doc, headline, before: 15, after: 60))
        {
            if (DateIn(text, language) is not { } d) continue;
            if (hinted || PublishedLabel().IsMatch(text)) return d;
            first ??= d;
        }
        // a labelled date anywhere in the page's own text ("Veröffentlicht am 16.08.2019", "Erschienen am: 01.11.2023")
        foreach (var (text, _) in TextNearWithHints(doc, null, before: 0, after: 3000, PublishedLabel().IsMatch))
            if (DateIn(text, language) is { } labelled) return labelled;
        return first;
    }

    private static DateTimeOffset? DateIn(string text, string? language)
    {
        if (UpdatedLabel().IsMatch(text.Length > 160 ? text[..40] : text)) return null;
        // in a long text only a dateline opening it counts ("12.03.2022 – Die Stadt …"), never a date in its sentences
        var m = text.Length > 160 ? VisibleDateToken().Match(text[..60]) : VisibleDateToken().Match(text);
        if (!m.Success || text.Length > 160 && m.Index > 20) return null;
        var token = m.Value;
        // numbers with slashes are day-first outside English
        if (language is not null and not "en" && SlashDate().Match(token) is { Success: true } s)
            token = $"{s.Groups[3].Value}-{s.Groups[2].Value.PadLeft(2, '0')}-{s.Groups[1].Value.PadLeft(2, '0')}";
        return Dates.Parse(token);
    }

    private static IEnumerable<string> TextNear(IHtmlDocument doc, IElement? headline, int before, int after) =>
        TextNearWithHints(doc, headline, before, after).Select(t => t.Text);

    /// <summary>Text nodes around the headline in document order (outside navigation, comments and sidebars), each with whether its element is date- or byline-classed.</summary>
    private static IEnumerable<(string Text, bool Hinted)> TextNearWithHints(IHtmlDocument doc, IElement? headline, int before, int after, Func<string, bool>? only = null)
    {
        if (doc.Body is null) yield break;
        var (texts, anchor) = PageTexts(doc, headline);
        var from = anchor < 0 ? 0 : Math.Max(0, anchor - before);
        var to = anchor < 0 ? Math.Min(texts.Count, after) : Math.Min(texts.Count, anchor + after);
        for (var i = from; i < to; i++)
        {
            if (only is not null && !only(texts[i].Text)) continue; // cheap text test before the tree walks
            var parent = texts[i].Node.ParentElement!;
            if (InChrome(parent) || AuthorBoxOrComment(parent)) continue;
            // a forum poster's profile: "Registriert: 18.09.2008" dates the account, not the post
            if (parent.Closest("[class*=joined i], [class*=registered i], [class*=member-since i], [class*=regdate i]") is not null) continue;
            var hinted = parent.Closest("[class*=date i], [class*=datum i], [class*=time i], [class*=publish i], [class*=posted i], [class*=meta i], [class*=byline i], [class*=dateline i], [id*=date i]") is not null;
            yield return (texts[i].Text, hinted);
        }
    }

    private sealed record PageText(List<(IText Node, string Text)> Texts, IElement? Headline, int Anchor);

    // the page's text nodes are read by the byline, the date and the credit-line passes: one walk per page, not one per pass
    private static readonly ConditionalWeakTable<IHtmlDocument, PageText> PageTextCache = new();

    /// <summary>
    /// The page's first 4,000 text nodes worth reading (collapsed, not in scripts or styles) in document order, and the
    /// index of the first one at or after <paramref name="headline"/> (−1 without a headline, or when the walk stopped
    /// before it). Cached per page; another headline walks the page again.
    /// </summary>
    private static (List<(IText Node, string Text)> Texts, int Anchor) PageTexts(IHtmlDocument doc, IElement? headline)
    {
        if (PageTextCache.TryGetValue(doc, out var cached) && (headline is null || cached.Headline == headline))
            return (cached.Texts, headline is null ? -1 : cached.Anchor);
        var texts = new List<(IText Node, string Text)>();
        var anchor = -1;
        foreach (var node in doc.Body!.GetDescendants())
        {
            if (headline is not null && anchor < 0 && node == headline) anchor = texts.Count;
            if (node is not IText t || t.ParentElement is null) continue;
            var s = Text.Collapse(t.Data);
            if (s.Length < 4 && !LabelOnly().IsMatch(s)) continue;
            if (t.ParentElement.LocalName is "script" or "style" or "noscript" or "template") continue;
            texts.Add((t, s));
            if (texts.Count > 4000) break;
        }
        PageTextCache.AddOrUpdate(doc, new PageText(texts, headline, anchor));
        return (texts, anchor);
    }

    /// <summary>In navigation, header menus, footers, sidebars, breadcrumbs or widgets: the page's frame, not the article.</summary>
    private static bool InChrome(IElement e)
    {
        for (var x = e; x is not null && x.LocalName != "body"; x = x.ParentElement)
        {
            if (x.LocalName == "nav") return true;
            // an aside inside the article is its meta column (date, byline) unless it lists other stories
            if (x.LocalName == "aside" && (x.ParentElement?.Closest("article") is null || RelatedClass().IsMatch(ContentExtractor.ClassAndId(x)))) return true;
            if (x.LocalName == "footer" && x.Closest("article") is null) return true; // an article's own footer holds its byline
            foreach (var token in ContentExtractor.ClassAndId(x).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                // a wrapper named "navigation-container" around the whole page holds the article too: not the frame
                if (ChromeClass().IsMatch(token) && x.QuerySelector("article, main, [role=main], [itemprop~=articleBody]") is null) return true;
        }
        return false;
    }

    private static bool AuthorBoxOrComment(IElement e)
    {
        for (var x = e; x is not null && x.LocalName != "body"; x = x.ParentElement)
        {
            var hints = ContentExtractor.ClassAndId(x);
            if (hints.Length > 0 && CommentClass().IsMatch(hints)) return true;
        }
        return false;
    }


    private static DateTimeOffset? FirstDate(Func<string, string?> meta, params string[] keys)
    {
        foreach (var key in keys)
            if (Dates.Parse(meta(key)) is { } d) return d;
        return null;
    }

    /// <summary>A full date (year, month and day) in the URL's path; a year and month alone is no date.</summary>
    internal static DateTimeOffset? DateFromUrl(Uri url)
    {
        var m = UrlDate().Match(url.AbsolutePath);
        if (!m.Success) return null;
        var y = int.Parse(m.Groups[1].Value);
        var mo = int.Parse(m.Groups[2].Value);
        var d = int.Parse(m.Groups[3].Value);
        if (y < 1995 || y > 2100 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo)) return null;
        return new DateTimeOffset(y, mo, d, 0, 0, 0, TimeSpan.Zero);
    }

    internal static string? NormalizeLanguage(string? lang)
    {
        if (string.IsNullOrWhiteSpace(lang)) return null;
        var primary = lang.Trim().Split(',', ';')[0].Replace('_', '-').Split('-')[0].ToLowerInvariant();
        return primary.Length is 2 or 3 && primary.All(char.IsAsciiLetterLower) ? primary : null;
    }

    private static Uri? AbsoluteHttp(Uri baseUrl, string? href)
    {
        if (string.IsNullOrWhiteSpace(href) || !Uri.TryCreate(baseUrl, href.Trim(), out var u)) return null;
        return u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps ? u : null;
    }

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : Text.Collapse(s);

    // ---------------------------------------------------------------- JSON-LD

    /// <summary>Every JSON-LD node of the page, indexed by <c>@id</c>, and the node that describes the page's article.</summary>
    private sealed class JsonLd
    {
        private readonly Dictionary<string, JsonElement> _byId = new(StringComparer.Ordinal);
        private readonly List<JsonElement> _nodes = [];

        public JsonElement? Article { get; private set; }
        public bool ArticleIsArticle { get; private set; }
        public string? PublisherName { get; private set; }

        public static JsonLd Read(IHtmlDocument doc)
        {
            var ld = new JsonLd();
            foreach (var script in doc.QuerySelectorAll("script[type*='ld+json' i], script:not([type])"))
            {
                var text = script.TextContent.Trim();
                if (script.GetAttribute("type") is null && !text.StartsWith("{\"@context", StringComparison.Ordinal)) continue;
                if (Parse(text) is { } root) ld.Collect(root, 0);
            }
            var article = ld._nodes.FirstOrDefault(n => Types(n).Any(ArticleTypes.Contains));
            ld.ArticleIsArticle = article.ValueKind == JsonValueKind.Object;
            if (!ld.ArticleIsArticle) article = ld._nodes.FirstOrDefault(n => Types(n).Any(PageTypes.Contains));
            if (article.ValueKind == JsonValueKind.Object) ld.Article = article;
            if (ld.Article is { } a && a.TryGetProperty("publisher", out var p)) ld.PublisherName = ld.Name(p);
            return ld;
        }

        private static JsonElement? Parse(string text)
        {
            var options = new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };
            for (var attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    using var parsed = JsonDocument.Parse(text, options);
                    return parsed.RootElement.Clone();
                }
                catch (JsonException)
                {
                    // raw line breaks and tabs inside strings are the commonest damage; outside strings they are whitespace anyway
                    text = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
                }
            }
            return null; // real pages ship broken JSON-LD; the other sources still apply
        }

        private void Collect(JsonElement e, int depth)
        {
            if (depth > 8 || _nodes.Count > 500) return;
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray()) Collect(item, depth + 1);
                return;
            }
            if (e.ValueKind != JsonValueKind.Object) return;
            if (e.TryGetProperty("@id", out var id) && id.ValueKind == JsonValueKind.String && e.EnumerateObject().Count() > 1) _byId.TryAdd(id.GetString()!, e);
            if (e.TryGetProperty("@type", out _)) _nodes.Add(e);
            foreach (var key in new[] { "@graph", "mainEntity", "mainEntityOfPage", "itemListElement" })
                if (e.TryGetProperty(key, out var inner)) Collect(inner, depth + 1);
        }

        private JsonElement Resolve(JsonElement e) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty("@id", out var id) && id.ValueKind == JsonValueKind.String
                && e.EnumerateObject().Count() == 1 && _byId.TryGetValue(id.GetString()!, out var target) ? target : e;

        private static IEnumerable<string> Types(JsonElement e) =>
            !e.TryGetProperty("@type", out var type) ? [] : type.ValueKind switch
            {
                JsonValueKind.String => [type.GetString()!],
                JsonValueKind.Array => type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!),
                _ => [],
            };

        public string? String(JsonElement? node, string name)
        {
            if (node is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v)) return null;
            v = Resolve(v);
            var s = v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Array when v.GetArrayLength() > 0 && v[0].ValueKind == JsonValueKind.String => v[0].GetString(),
                JsonValueKind.Object when v.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
                _ => null,
            };
            return string.IsNullOrWhiteSpace(s) ? null : System.Net.WebUtility.HtmlDecode(s).Trim();
        }

        public string? Name(JsonElement e)
        {
            e = Resolve(e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0 ? e[0] : e);
            return e.ValueKind switch
            {
                JsonValueKind.String => e.GetString(),
                JsonValueKind.Object when e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
                _ => null,
            };
        }

        public IEnumerable<string> Authors()
        {
            if (Article is not { } o) yield break;
            if (!o.TryGetProperty("author", out var a) && !o.TryGetProperty("creator", out a)) yield break;
            foreach (var item in a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().ToArray() : [a])
                if (Name(item) is { } name && !string.IsNullOrWhiteSpace(name)) yield return System.Net.WebUtility.HtmlDecode(name);
        }

        public string? Image(JsonElement? node)
        {
            if (node is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty("image", out var v)) return null;
            v = Resolve(v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0 ? v[0] : v);
            return v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Object when v.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String => u.GetString(),
                _ => null,
            };
        }
    }

    // ---------------------------------------------------------------- patterns

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordRegex();

    [GeneratedRegex(@"/(?:authors?|autor(?:en|in)?|auteurs?|people|profiles?|staff|reporters?|journalists?|team|mitarbeiter|redaktion)/", RegexOptions.IgnoreCase)]
    private static partial Regex PersonPath();

    [GeneratedRegex(@"artist|photo|foto|bildnachweis|bildquelle|credit|caption|copyright", RegexOptions.IgnoreCase)]
    private static partial Regex PictureCreditClass();

    // "Williams Perdomo @wperdomod": the account after the name
    [GeneratedRegex(@"\s+@\w+$")]
    private static partial Regex TrailingHandle();

    [GeneratedRegex(@"author-?bio|author-?box", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorBoxClass();

    [GeneratedRegex(@"^[a-z0-9]+[._][a-z0-9]+$")]
    private static partial Regex Username();

    // particles of names, and the function words of organisations' names ("Office of …", "Verband für …", "e. V.")
    [GeneratedRegex(@"^(von|van|vom|zu|zur|zum|de|la|le|les|du|der|den|des|da|das|dos|del|di|y|e|bin|ibn|al|el|ter|ten|und|and|et|&|of|for|the|on|in|at|für|fuer|im|am|an|auf|e\.|v\.|d'\p{L}+|l'\p{L}+)$")]
    private static partial Regex NameParticle();

    // a byline's label standing alone in its node
    [GeneratedRegex(@"^(?:by|von|par|por|door|text|autor(?:in|en)?|author|auteur|written by|ein artikel von|ein beitrag von|geschrieben von)\s*:?$", RegexOptions.IgnoreCase)]
    private static partial Regex LabelOnly();

    // a credit line's label: what an article's own text says before its authors' names
    [GeneratedRegex(@"^(?:text|autor(?:in|en)?|author|written by|ein artikel von|geschrieben von|verfasst von)\s*:?\s|^(?:责任编辑|責任編輯)\s*[:：]", RegexOptions.IgnoreCase)]
    private static partial Regex CreditLabel();

    [GeneratedRegex(@"related|teaser|recommend|popular|trending|more-|newsletter|promo|advert|\bad\b|share|social", RegexOptions.IgnoreCase)]
    private static partial Regex RelatedClass();

    [GeneratedRegex(@"(^|[\s_-])(hidden|sr-only|visually-?hidden|screen-?reader(-text)?|aural|hide-accessible|element-invisible|offscreen)($|[\s_-])", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenClass();

    [GeneratedRegex(@"^\s*(fotos?|photos?|bild(er)?|image|quelle|source|credit|©|\(c\))\s*[:©]|^\s*©", RegexOptions.IgnoreCase)]
    private static partial Regex PhotoCredit();

    [GeneratedRegex(@"\s+(mo|di|mi|do|fr|sa|so|mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim)\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingWeekday();

    [GeneratedRegex(@"^\d{1,2}\.\d{1,2}\.\d{2,4}\s*[-–|:]\s+")]
    private static partial Regex LeadingDate();

    [GeneratedRegex(@"[-_|｜—]\s?[\p{IsCJKUnifiedIdeographs}A-Za-z0-9.]{1,10}$")]
    private static partial Regex CjkSuffix();

    [GeneratedRegex(@"^.{0,60}?(?:\b(?:posted|published|veröffentlicht|geschrieben|written|erstellt|publié|publicado)\b.{0,40}?|\d{1,2}[./]\d{1,2}[./]\d{2,4}[^\p{L}]{0,12})\s(?:by|von|par|por|door)\s+(?=\p{Lu})", RegexOptions.IgnoreCase)]
    private static partial Regex DatedBy();

    [GeneratedRegex(@"(^|[\s_-])(kicker|overline|roofline|topline|toptitle|supertitle|sub-?heading|pre-?title|dachzeile|eyebrow|entry-section|category|label|sr-only|visually-?hidden|screen-reader|invisible|h1small|highline)($|[\s_-])", RegexOptions.IgnoreCase)]
    private static partial Regex Kicker();

    // one class token: the word itself, the word with a suffix ("sidebar-left"), or the site's own ("site-footer")
    [GeneratedRegex(@"^(?:(?:site|page|global|main|top)[-_])?(nav|navbar|navigation|menu|breadcrumbs?|sidebar|widget|footer|header-menu|masthead|related|recommended|most-popular|trending|teaser-list|newsletter|cookie|consent)(?:[-_](?:left|right|top|bottom|wrap|wrapper|container|area|inner|menu|nav|links|list|posts|articles))?$", RegexOptions.IgnoreCase)]
    private static partial Regex ChromeClass();

    [GeneratedRegex(@"(^|[\s_-])(comments?|comment-list|commentlist|discussion|disqus|replies|reply|author-?bio|author-?box|abh_\w*|recentcomments)($|[\s_-])", RegexOptions.IgnoreCase)]
    private static partial Regex CommentClass();

    [GeneratedRegex(@"written by|geschrieben von|verfasst von|escrito por|écrit par|autor", RegexOptions.IgnoreCase)]
    private static partial Regex WrittenBy();

    [GeneratedRegex(@"^\s*(?:(?:by|written by|words by|posted by|story by|text|von|vom|par|por|di|door|autor(?:in|en)?|auteur|erstellt von|geschrieben von|verfasst von|view all posts by|all posts by|alle artikel von|alle beiträge von|zeige alle beiträge von|artikel von|beitrag von|blog beitrag von|more by|articles by|escrito por|publicado por|écrit par)(?:\s*:\s*|\s+)|geschrieben von(?=\p{Lu})|[\p{L}-]+-(?:experte|expertin|autor|autorin|redakteur|redakteurin)\s+|(?:責任編輯|责任编辑|編輯|编辑|作者|记者|記者)\s*[:：]\s*)", RegexOptions.IgnoreCase)]
    private static partial Regex BylinePrefix();

    [GeneratedRegex(@"(?:\s+|\s*[|,·•–-]\s*)(?:updated|published|posted|aktualisiert|veröffentlicht|publiziert|am|on|le|el|il)\b.*$|\s+\d{1,2}\s+(hours?|minutes?|days?)\s+ago.*$|\s*[|·•]\s*\d.*$|\s*,\s*\d{1,2}[./]\d{1,2}[./]\d{2,4}.*$|\s+(twitter|facebook|linkedin|instagram|e-?mail|mail|rss|x\.com|mastodon|bluesky)(\s.*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex BylineSuffix();

    [GeneratedRegex(@"\s*(?:,|;|&)\s*|(?:^|\s+)(?:and|und|et|y|e)\s+(?!\.)")]
    private static partial Regex AuthorSeparators();

    [GeneratedRegex(@"(\b\p{Lu}\.|\bJr\.|\bSr\.)$")]
    private static partial Regex Initial();

    [GeneratedRegex(@"^((?:published|posted|written|words|story|article|photos?|video|text) by|about the author|by|staff|admin|administrator|editor|anonymous|unknown|guest|share|follow|more|mehr|publisher|pressestelle|posts?|beitrag|archiv\b.*|anzeigen|read more|view profile|home|menu|search|login|sign in|comments?|\d+ comments?|publiziert|veröffentlicht|published|posted|updated|aktualisiert|agencies|agency|wordpressadmin|webmaster|redaktion intern|zuletzt geändert|datum|por|par|von|pub med|.{1,30}:)$", RegexOptions.IgnoreCase)]
    private static partial Regex NotAName();

    [GeneratedRegex(@"\b(GmbH|designed by|drupal|wordpress|theme|powered by|all rights reserved|copyright)\b|^https?:|\.(com|de|org|net|ch|at|es|cl|fr|it|pl)\b", RegexOptions.IgnoreCase)]
    private static partial Regex OrganisationNoise();

    // the name part is case-sensitive ((?-i:…)): "Creative Commons funktionieren wie ein" is no name
    [GeneratedRegex(@"^(?:(?:by|von|par|por|door|di|posted by|written by|text|ein artikel von|autor(?:in|en)?|auteur(?:e)?|autore|author|verfasser(?:in)?)\s*:?\s+|.*\b(?:posted|published|veröffentlicht|erstellt)\b.*\bby\s+|.{0,40}\d.{0,20}?\s(?:von|by|par|por)\s+|\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s*[-–|]?\s*\d{1,2}:\d{2}(?:\s*(?:Uhr|h))?)?\s*[-–|]\s*|[\p{L} ]{0,25}\b(?:beitrag|artikel|text|ein beitrag|blog post)\s+(?:von|by)\s+)(?<name>(?-i:\p{Lu}[\p{L}'’.-]+(?:\s+(?:de|la|von|van|da|del|der|den|\p{Lu}[\p{L}'’.-]+)){0,4}(?:(?:\s*,\s*|\s+(?:und|and|et|y|&)\s+)\p{Lu}[\p{L}'’.-]+(?:\s+(?:de|la|von|van|da|del|der|den|\p{Lu}[\p{L}'’.-]+)){0,4}){0,3}))\s*(?:\|.*)?$|(?:责任编辑|責任編輯)\s*[:：]\s*(?<name>\S{2,12})", RegexOptions.IgnoreCase)]
    private static partial Regex BylineText();

    // "updated" labels, and a forum member's "registered" or "joined" date, are not when the article was published
    [GeneratedRegex(@"\b(updated|aktualisiert|zuletzt|last (edited|modified|updated)|current as of|stand:?|geändert|mis à jour|actualizado|aggiornato|registriert|registered|joined|member since|mitglied seit|dabei seit)\b", RegexOptions.IgnoreCase)]
    private static partial Regex UpdatedLabel();

    [GeneratedRegex(@"\b(published|posted|veröffentlicht|erschienen|erstellt|gepostet|datum|publié|mis en ligne|pubblicato|publicado|postado|opublikowano)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PublishedLabel();

    [GeneratedRegex(@"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2})?|\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\.?\s+(?:de\s+)?\p{L}{3,}\.?,?\s+(?:de\s+)?\d{4}|\p{L}{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}")]
    private static partial Regex VisibleDateToken();

    [GeneratedRegex(@"^(\d{1,2})/(\d{1,2})/(\d{4})$")]
    private static partial Regex SlashDate();

    [GeneratedRegex(@"/((?:19|20)\d{2})[/\-_]?(0[1-9]|1[0-2])[/\-_]?(0[1-9]|[12]\d|3[01])(?=/|[-_.]|$)")]
    private static partial Regex UrlDate();
}

/// <summary>How far a metadata value can be trusted: a weak one never replaces a stronger one from another place (the feed, say).</summary>
public enum MetadataStrength { Weak = 1, Medium = 2, Strong = 3 }

/// <summary>Where a metadata value came from (json-ld, meta, microdata, h1, time, byline, visible-text, url, feed, …) and how strong that is.</summary>
public sealed record MetadataSource(string Source, MetadataStrength Strength);
