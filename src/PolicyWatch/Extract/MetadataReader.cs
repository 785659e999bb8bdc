using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace PolicyWatch.Extract;

/// <summary>Page metadata from JSON-LD, Open Graph / article:* meta tags, bylines, &lt;time&gt; and the URL, in that order of trust.</summary>
internal static partial class MetadataReader
{
    private static readonly HashSet<string> ArticleTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "Article", "NewsArticle", "BlogPosting", "ReportageNews", "AnalysisNewsArticle", "OpinionNewsArticle", "BackgroundNewsArticle",
        "Report", "ScholarlyArticle", "TechArticle", "LiveBlogPosting", "Review", "SocialMediaPosting", "GovernmentPublication",
    };

    public sealed record Metadata(
        string? Title, IReadOnlyList<string> Authors, DateTimeOffset? Published, DateTimeOffset? Modified, string? Language,
        string? SiteName, Uri? Canonical, string? Description, Uri? Image, string? JsonLdBody);

    public static Metadata Read(IHtmlDocument doc, Uri url)
    {
        var ld = JsonLdArticle(doc);
        var siteName = Meta(doc, "og:site_name") ?? LdString(ld?.Publisher, "name") ?? Meta(doc, "application-name");
        var title = LdString(ld?.Article, "headline") ?? LdString(ld?.Article, "name");
        var ogTitle = Meta(doc, "og:title") ?? Meta(doc, "twitter:title");
        var h1 = doc.QuerySelectorAll("h1").Select(h => Text.Collapse(h.TextContent)).FirstOrDefault(t => t.Length > 3);
        title = ChooseTitle(title, ogTitle, h1, Text.Collapse(doc.Title ?? ""), siteName);

        var authors = LdAuthors(ld?.Article);
        if (authors.Count == 0) authors = MetaAuthors(doc);
        if (authors.Count == 0) authors = BylineAuthors(doc);

        var published = Dates.Parse(LdString(ld?.Article, "datePublished"))
            ?? FirstDate(doc, "article:published_time", "og:published_time", "published_time", "datePublished", "date", "pubdate", "publishdate",
                "dc.date", "dc.date.issued", "dcterms.created", "dcterms.date", "citation_publication_date", "sailthru.date", "parsely-pub-date", "article.published")
            ?? Dates.Parse(doc.QuerySelector("[itemprop=datePublished]")?.GetAttribute("content") ?? doc.QuerySelector("[itemprop=datePublished]")?.GetAttribute("datetime"))
            ?? Dates.Parse(doc.QuerySelector("article time[datetime], time[pubdate], time[datetime]")?.GetAttribute("datetime"))
            ?? DateFromUrl(url);
        var modified = Dates.Parse(LdString(ld?.Article, "dateModified"))
            ?? FirstDate(doc, "article:modified_time", "og:updated_time", "dcterms.modified", "last-modified", "article.updated");

        var language = NormalizeLanguage(doc.DocumentElement.GetAttribute("lang") ?? doc.DocumentElement.GetAttribute("xml:lang")
            ?? doc.QuerySelector("meta[http-equiv='content-language' i]")?.GetAttribute("content")
            ?? LdString(ld?.Article, "inLanguage") ?? Meta(doc, "og:locale"));

        var canonical = AbsoluteHttp(url, doc.QuerySelector("link[rel~=canonical][href]")?.GetAttribute("href"))
            ?? AbsoluteHttp(url, Meta(doc, "og:url"));
        var description = Meta(doc, "og:description") ?? Meta(doc, "description") ?? Meta(doc, "twitter:description") ?? LdString(ld?.Article, "description");
        var image = AbsoluteHttp(url, Meta(doc, "og:image") ?? Meta(doc, "twitter:image") ?? LdImage(ld?.Article));

        return new Metadata(title, authors, published, modified, language, Clean(siteName), canonical, Clean(description), image,
            LdString(ld?.Article, "articleBody"));
    }

    /// <summary>The headline without the " | Site" decoration pages add to &lt;title&gt; and og:title.</summary>
    internal static string? ChooseTitle(string? jsonLd, string? og, string? h1, string? title, string? siteName)
    {
        foreach (var candidate in new[] { jsonLd, og, title, h1 })
        {
            if (string.IsNullOrWhiteSpace(candidate)) continue;
            var t = StripSiteSuffix(Text.Collapse(candidate), siteName);
            // an h1 that the title starts with is the bare headline
            if (h1 is { Length: > 10 } && t.Length > h1.Length && t.StartsWith(h1, StringComparison.OrdinalIgnoreCase)) return h1;
            if (t.Length > 0) return t.Length > 500 ? t[..500] : t;
        }
        return null;
    }

    internal static string StripSiteSuffix(string title, string? siteName)
    {
        foreach (var sep in new[] { " | ", " – ", " — ", " - ", " :: ", " · ", " • ", " / " })
        {
            var i = title.LastIndexOf(sep, StringComparison.Ordinal);
            if (i <= 0) continue;
            var head = title[..i].Trim();
            var tail = title[(i + sep.Length)..].Trim();
            var tailIsSite = siteName is not null && (tail.Contains(siteName, StringComparison.OrdinalIgnoreCase) || siteName.Contains(tail, StringComparison.OrdinalIgnoreCase));
            // a short, capitalised tail is a site or section name; anything else is part of the headline
            var nameLike = tail.Split(' ').Length <= 4 && tail.Split(' ').All(w => w.Length > 0 && (char.IsUpper(w[0]) || char.IsDigit(w[0]) || w is "of" or "the" or "and" or "&"));
            if (tailIsSite || (nameLike && head.Split(' ').Length >= 3 && tail.Length < head.Length))
                return StripSiteSuffix(head, siteName);
            var j = title.IndexOf(sep, StringComparison.Ordinal);
            var lead = title[..j].Trim();
            if (siteName is not null && lead.Equals(siteName, StringComparison.OrdinalIgnoreCase))
                return title[(j + sep.Length)..].Trim();
        }
        return title;
    }

    private static (JsonElement? Article, JsonElement? Publisher)? JsonLdArticle(IHtmlDocument doc)
    {
        foreach (var script in doc.QuerySelectorAll("script[type='application/ld+json' i]"))
        {
            JsonDocument parsed;
            try
            {
                parsed = JsonDocument.Parse(script.TextContent, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
            }
            catch (JsonException)
            {
                continue; // real pages ship broken JSON-LD; the other sources still apply
            }
            var found = FindArticle(parsed.RootElement.Clone(), depth: 0);
            parsed.Dispose();
            if (found is { } article)
            {
                JsonElement? publisher = article.TryGetProperty("publisher", out var p) ? (p.ValueKind == JsonValueKind.Array && p.GetArrayLength() > 0 ? p[0] : p) : null;
                return (article, publisher);
            }
        }
        return null;
    }

    private static JsonElement? FindArticle(JsonElement e, int depth)
    {
        if (depth > 6) return null;
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                    if (FindArticle(item, depth + 1) is { } a) return a;
                return null;
            case JsonValueKind.Object:
                if (e.TryGetProperty("@type", out var type) && TypeNames(type).Any(ArticleTypes.Contains)) return e;
                if (e.TryGetProperty("@graph", out var graph)) return FindArticle(graph, depth + 1);
                if (e.TryGetProperty("mainEntity", out var main)) return FindArticle(main, depth + 1);
                return null;
            default:
                return null;
        }
    }

    private static IEnumerable<string> TypeNames(JsonElement type) => type.ValueKind switch
    {
        JsonValueKind.String => [type.GetString()!],
        JsonValueKind.Array => type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!),
        _ => [],
    };

    private static string? LdString(JsonElement? e, string name)
    {
        if (e is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty(name, out var v)) return null;
        var s = v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Array when v.GetArrayLength() > 0 && v[0].ValueKind == JsonValueKind.String => v[0].GetString(),
            JsonValueKind.Object when v.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(s) ? null : System.Net.WebUtility.HtmlDecode(s).Trim();
    }

    private static string? LdImage(JsonElement? e)
    {
        if (e is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty("image", out var v)) return null;
        if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0) v = v[0];
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object when v.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String => u.GetString(),
            _ => null,
        };
    }

    private static List<string> LdAuthors(JsonElement? e)
    {
        if (e is not { ValueKind: JsonValueKind.Object } o) return [];
        if (!o.TryGetProperty("author", out var a) && !o.TryGetProperty("creator", out a)) return [];
        var names = new List<string>();
        foreach (var item in a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().ToArray() : [a])
        {
            var name = item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Object when item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String => n.GetString(),
                _ => null,
            };
            if (name is not null) names.AddRange(SplitAuthors(name));
        }
        return Distinct(names);
    }

    private static List<string> MetaAuthors(IHtmlDocument doc)
    {
        var values = doc.QuerySelectorAll("meta[name='author' i], meta[property='article:author' i], meta[name='dc.creator' i], meta[name='citation_author' i], meta[name='parsely-author' i], meta[name='sailthru.author' i]")
            .Select(m => m.GetAttribute("content"))
            .Where(v => !string.IsNullOrWhiteSpace(v) && !v!.StartsWith("http", StringComparison.OrdinalIgnoreCase));
        return Distinct(values.SelectMany(v => SplitAuthors(v!)));
    }

    private static List<string> BylineAuthors(IHtmlDocument doc)
    {
        var nodes = doc.QuerySelectorAll("[itemprop=author] [itemprop=name], [itemprop=author], [rel=author], .byline__name, .author-name, .byline .author, .author a, .byline");
        foreach (var node in nodes)
        {
            var text = Text.Collapse(node.TextContent);
            if (text.Length is > 2 and < 120)
            {
                var names = SplitAuthors(text);
                if (names.Count > 0) return names;
            }
        }
        return [];
    }

    internal static List<string> SplitAuthors(string raw)
    {
        var text = Text.Collapse(System.Net.WebUtility.HtmlDecode(raw));
        text = BylinePrefix().Replace(text, "");
        text = BylineSuffix().Replace(text, "");
        var parts = AuthorSeparators().Split(text).Select(p => p.Trim(' ', ',', '.', ';')).Where(LooksLikeName).ToList();
        return parts;
    }

    private static bool LooksLikeName(string s) =>
        s.Length is >= 3 and <= 60 && !s.Contains('@') && !s.StartsWith("http") && s.Split(' ').Length <= 6 && s.Any(char.IsLetter);

    private static List<string> Distinct(IEnumerable<string> names) =>
        names.GroupBy(n => n.ToLowerInvariant()).Select(g => g.First()).Take(20).ToList();

    private static string? Meta(IHtmlDocument doc, string key)
    {
        foreach (var m in doc.Head?.QuerySelectorAll("meta") ?? doc.QuerySelectorAll("meta"))
        {
            var k = m.GetAttribute("property") ?? m.GetAttribute("name") ?? m.GetAttribute("itemprop");
            if (k is not null && k.Equals(key, StringComparison.OrdinalIgnoreCase) && m.GetAttribute("content") is { } c && !string.IsNullOrWhiteSpace(c))
                return System.Net.WebUtility.HtmlDecode(c).Trim();
        }
        return null;
    }

    private static DateTimeOffset? FirstDate(IHtmlDocument doc, params string[] keys)
    {
        foreach (var key in keys)
            if (Dates.Parse(Meta(doc, key)) is { } d) return d;
        return null;
    }

    internal static DateTimeOffset? DateFromUrl(Uri url)
    {
        var m = UrlDate().Match(url.AbsolutePath);
        if (!m.Success) return null;
        var y = int.Parse(m.Groups[1].Value);
        var mo = int.Parse(m.Groups[2].Value);
        var d = m.Groups[3].Success ? int.Parse(m.Groups[3].Value) : 1;
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

    [GeneratedRegex(@"^\s*(by|written by|words by|posted by|von|par|por)\s*[:\-]?\s+", RegexOptions.IgnoreCase)]
    private static partial Regex BylinePrefix();

    [GeneratedRegex(@"\s*(\||,)?\s*(updated|published|posted)\b.*$|\s+\d{1,2}\s+(hours?|minutes?|days?)\s+ago.*$", RegexOptions.IgnoreCase)]
    private static partial Regex BylineSuffix();

    [GeneratedRegex(@"\s*(?:,|;|\band\b|&|\bund\b|\bet\b|\by\b)\s*", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorSeparators();

    [GeneratedRegex(@"/((?:19|20)\d{2})[/\-_]?(0[1-9]|1[0-2])(?:[/\-_]?(0[1-9]|[12]\d|3[01]))?(?=/|[-_]|$)")]
    private static partial Regex UrlDate();
}
