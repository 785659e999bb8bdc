using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using CodeHollow.FeedReader;
using CodeHollow.FeedReader.Parser;

namespace PolicyWatch.Feeds;

/// <summary>Turns a fetched listing (RSS 0.9x/1.0/2.0, Atom, JSON Feed, HTML page, news sitemap, Federal Register JSON) into items.</summary>
public static class FeedParser
{
    public static FeedParseResult Parse(SourceDefinition source, string text, Uri baseUrl)
    {
        try
        {
            var result = source.Kind switch
            {
                SourceKind.Rss or SourceKind.Atom => ParseSyndication(text, baseUrl),
                SourceKind.JsonFeed => ParseJsonFeed(text, baseUrl),
                SourceKind.Page => ParsePage(text, baseUrl, source.LinkSelector!),
                SourceKind.Sitemap => ParseSitemap(text, baseUrl),
                SourceKind.FederalRegister => ParseFederalRegister(text, baseUrl),
                _ => FeedParseResult.Failed($"unknown kind {source.Kind}"),
            };
            return result.Error is null ? result with { Items = Filter(result.Items, source) } : result;
        }
        catch (Exception e) when (e is XmlException or JsonException or FormatException or InvalidOperationException or FeedTypeNotSupportedException or ArgumentException)
        {
            return FeedParseResult.Failed($"malformed {KindName(source.Kind)}: {Short(e.Message)}");
        }
    }

    private static FeedParseResult ParseSyndication(string text, Uri baseUrl)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (LooksLikeHtml(trimmed))
            return FeedParseResult.Failed("not a feed: the server sent an HTML page");
        var feed = FeedReader.ReadFromString(trimmed);
        var items = new List<FeedItem>();
        foreach (var item in feed.Items)
        {
            var link = item.Link;
            if (string.IsNullOrWhiteSpace(link) && Uri.TryCreate(item.Id, UriKind.Absolute, out var idUrl) && idUrl.Scheme.StartsWith("http"))
                link = item.Id;
            if (ResolveHttp(baseUrl, link) is not { } url) continue;
            DateTimeOffset? updated = null;
            if (item.SpecificItem is CodeHollow.FeedReader.Feeds.AtomFeedItem atom)
                updated = Dates.Parse(atom.UpdatedDateString);
            var published = Dates.Parse(item.PublishingDateString) ?? (item.PublishingDate is { } p ? new DateTimeOffset(DateTime.SpecifyKind(p, DateTimeKind.Utc)) : null);
            items.Add(new FeedItem(url, Clean(item.Title), published ?? updated, updated, Clean(item.Description)));
        }
        return new FeedParseResult(items, [], null);
    }

    private static FeedParseResult ParseJsonFeed(string text, Uri baseUrl)
    {
        using var doc = JsonDocument.Parse(text);
        if (!doc.RootElement.TryGetProperty("items", out var array) || array.ValueKind != JsonValueKind.Array)
            return FeedParseResult.Failed("malformed JSON Feed: no \"items\" array");
        var items = new List<FeedItem>();
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object) continue;
            // ids are opaque unless they are absolute URLs
            var link = Str(e, "url") ?? Str(e, "external_url") ?? (Uri.TryCreate(Str(e, "id"), UriKind.Absolute, out var idUrl) ? idUrl.AbsoluteUri : null);
            if (ResolveHttp(baseUrl, link) is not { } url) continue;
            items.Add(new FeedItem(url, Clean(Str(e, "title")), Dates.Parse(Str(e, "date_published")), Dates.Parse(Str(e, "date_modified")),
                Clean(Str(e, "summary") ?? Str(e, "content_text"))));
        }
        return new FeedParseResult(items, [], null);
    }

    private static FeedParseResult ParsePage(string html, Uri baseUrl, string selector)
    {
        var doc = new HtmlParser().ParseDocument(html);
        var pageBase = doc.QuerySelector("base[href]")?.GetAttribute("href") is { } b && Uri.TryCreate(baseUrl, b, out var bu) ? bu : baseUrl;
        var items = new List<FeedItem>();
        var seen = new HashSet<string>();
        foreach (var element in doc.QuerySelectorAll(selector))
        {
            var anchor = element.LocalName == "a" ? element : element.QuerySelector("a[href]") ?? element.Closest("a[href]");
            if (ResolveHttp(pageBase, anchor?.GetAttribute("href")) is not { } url) continue;
            var withoutFragment = new UriBuilder(url) { Fragment = "" }.Uri;
            if (withoutFragment.AbsoluteUri == baseUrl.AbsoluteUri || !seen.Add(withoutFragment.AbsoluteUri)) continue;
            var title = Clean(anchor!.TextContent);
            var time = anchor.Closest("article, li, div")?.QuerySelector("time[datetime]")?.GetAttribute("datetime");
            items.Add(new FeedItem(withoutFragment, title, Dates.Parse(time), null, null));
        }
        return new FeedParseResult(items, [], null);
    }

    private static FeedParseResult ParseSitemap(string text, Uri baseUrl)
    {
        var doc = XDocument.Parse(text.TrimStart('\uFEFF', ' ', '\r', '\n', '\t'));
        var root = doc.Root ?? throw new FormatException("empty document");
        if (root.Name.LocalName == "sitemapindex")
        {
            var children = root.Elements().Where(e => e.Name.LocalName == "sitemap")
                .Select(e => (Loc: ResolveHttp(baseUrl, Child(e, "loc")), Modified: Dates.Parse(Child(e, "lastmod"))))
                .Where(x => x.Loc is not null)
                .OrderByDescending(x => x.Modified ?? DateTimeOffset.MinValue)
                .Select(x => x.Loc!)
                .ToList();
            return new FeedParseResult([], children, null);
        }
        if (root.Name.LocalName != "urlset") return FeedParseResult.Failed($"not a sitemap: root element <{root.Name.LocalName}>");
        var items = new List<FeedItem>();
        foreach (var u in root.Elements().Where(e => e.Name.LocalName == "url"))
        {
            if (ResolveHttp(baseUrl, Child(u, "loc")) is not { } url) continue;
            var news = u.Elements().FirstOrDefault(e => e.Name.LocalName == "news");
            var published = Dates.Parse(news is null ? null : Child(news, "publication_date"));
            var lastmod = Dates.Parse(Child(u, "lastmod"));
            items.Add(new FeedItem(url, Clean(news is null ? null : Child(news, "title")), published ?? lastmod, lastmod, null));
        }
        return new FeedParseResult(items, [], null);
    }

    private static FeedParseResult ParseFederalRegister(string text, Uri baseUrl)
    {
        using var doc = JsonDocument.Parse(text);
        if (!doc.RootElement.TryGetProperty("results", out var results))
            return doc.RootElement.TryGetProperty("count", out _)
                ? new FeedParseResult([], [], null) // a query with no documents has no "results"
                : FeedParseResult.Failed("malformed Federal Register response: no \"results\"");
        var items = new List<FeedItem>();
        foreach (var e in results.EnumerateArray())
        {
            if (ResolveHttp(baseUrl, Str(e, "html_url") ?? Str(e, "pdf_url")) is not { } url) continue;
            items.Add(new FeedItem(url, Clean(Str(e, "title")), Dates.Parse(Str(e, "publication_date")), null, Clean(Str(e, "abstract"))));
        }
        return new FeedParseResult(items, [], null);
    }

    private static IReadOnlyList<FeedItem> Filter(IReadOnlyList<FeedItem> items, SourceDefinition source)
    {
        if (source.Include.Count == 0 && source.Exclude.Count == 0) return items;
        var include = source.Include.Select(p => new System.Text.RegularExpressions.Regex(p, System.Text.RegularExpressions.RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100))).ToList();
        var exclude = source.Exclude.Select(p => new System.Text.RegularExpressions.Regex(p, System.Text.RegularExpressions.RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100))).ToList();
        return items.Where(i =>
        {
            var u = i.Url.AbsoluteUri;
            return (include.Count == 0 || include.Any(r => r.IsMatch(u))) && !exclude.Any(r => r.IsMatch(u));
        }).ToList();
    }

    private static bool LooksLikeHtml(string text)
    {
        var head = text.Length > 512 ? text[..512] : text;
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    private static Uri? ResolveHttp(Uri baseUrl, string? link)
    {
        if (string.IsNullOrWhiteSpace(link)) return null;
        if (!Uri.TryCreate(baseUrl, link.Trim(), out var url)) return null;
        return url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps ? url : null;
    }

    private static string? Child(XElement e, string localName) =>
        e.Elements().FirstOrDefault(c => c.Name.LocalName == localName)?.Value.Trim();

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Plain text of a title or summary that may carry markup or entities.</summary>
    internal static string? Clean(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (text.Contains('<') || text.Contains('&'))
        {
            var doc = new HtmlParser().ParseDocument("<body>" + text + "</body>");
            text = string.Join(" ", doc.Body!.Descendants<IText>().Select(t => t.Data));
        }
        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length == 0 ? null : collapsed.Length > 2000 ? collapsed[..2000] : collapsed;
    }

    private static string KindName(SourceKind kind) => kind switch
    {
        SourceKind.Rss or SourceKind.Atom => "feed",
        SourceKind.JsonFeed => "JSON Feed",
        SourceKind.Page => "page",
        SourceKind.Sitemap => "sitemap",
        _ => "Federal Register response",
    };

    private static string Short(string message) => message.Length > 300 ? message[..300] : message;
}
