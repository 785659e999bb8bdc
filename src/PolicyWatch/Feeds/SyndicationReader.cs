using System.Xml.Linq;

namespace PolicyWatch.Feeds;

/// <summary>
/// Reads items from an RSS 0.9x/1.0/2.0 or Atom 0.3/1.0 document tree, whatever its prefixes or namespaces, with
/// feedparser's rules for which link is an item's article link (see <see cref="ItemLink"/>). Used for every feed
/// the feed library cannot read (damaged, unusual roots, RDF quirks); names are matched by local name.
/// </summary>
public static class SyndicationReader
{
    private static readonly HashSet<string> FeedRoots = new(StringComparer.OrdinalIgnoreCase) { "rss", "RDF", "feed", "channel" };

    /// <summary>
    /// The items of <paramref name="doc"/>, with links resolved against <c>xml:base</c> and then
    /// <paramref name="baseUrl"/>. Failed (with a reason) when the root is not a feed's and holds no items.
    /// </summary>
    public static FeedParseResult Read(XDocument doc, Uri baseUrl)
    {
        var root = doc.Root!;
        var isAtom = root.Name.LocalName == "feed";
        var entryName = isAtom ? "entry" : "item";
        var entries = Entries(root, entryName).ToList();
        if (entries.Count == 0 && !isAtom && Entries(root, "entry").Any())
            entries = Entries(root, "entry").ToList();
        if (entries.Count == 0 && !FeedRoots.Contains(root.Name.LocalName))
            return FeedParseResult.Failed(root.Name.LocalName.Equals("html", StringComparison.OrdinalIgnoreCase)
                ? "not a feed: the server sent an HTML page"
                : $"not a feed: root element <{root.Name.LocalName}>");

        var items = new List<FeedItem>();
        foreach (var entry in entries)
        {
            if (ItemLink(entry, baseUrl) is not { } url) continue;
            var published = FirstDate(entry, "pubDate", "published", "issued", "date", "created");
            var updated = FirstDate(entry, "updated", "modified");
            items.Add(new FeedItem(url, FeedParser.Clean(Field(entry, "title")), published ?? updated, updated,
                FeedParser.Clean(Field(entry, "description") ?? Field(entry, "summary") ?? Field(entry, "encoded") ?? Field(entry, "content"))));
        }
        return new FeedParseResult(items, [], null);
    }

    /// <summary>Number of items (or Atom entries) in a document, counted as <see cref="Read"/> finds them.</summary>
    public static int CountEntries(XElement root)
    {
        var n = Entries(root, root.Name.LocalName == "feed" ? "entry" : "item").Count();
        return n == 0 && root.Name.LocalName != "feed" ? Entries(root, "entry").Count() : n;
    }

    /// <summary>
    /// An item's article link, as feedparser decides it: the last of its <c>&lt;link&gt;</c> texts and its
    /// <c>rel="alternate"</c> links of an HTML type (a missing rel means alternate); else a <c>&lt;guid&gt;</c> that is a
    /// permalink (no <c>isPermaLink="false"</c>); else, our addition, an enclosure that is a document (PDF, HTML,
    /// office or plain text; never audio, video or images). <c>rel="self"</c>, <c>edit</c>, <c>replies</c> and
    /// enclosures are never taken over an article link. Relative links resolve against every <c>xml:base</c> in scope
    /// (RFC 3986 §5.1), then <paramref name="baseUrl"/>. Null when the item has no http(s) link.
    /// </summary>
    public static Uri? ItemLink(XElement item, Uri baseUrl)
    {
        Uri? link = null;
        Uri? guidLink = null;
        Uri? enclosure = null;
        foreach (var child in item.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "link":
                    if (child.Attribute("href") is { } href)
                    {
                        var rel = ((string?)child.Attribute("rel"))?.Trim().ToLowerInvariant() ?? "alternate";
                        var type = (string?)child.Attribute("type");
                        if (rel == "alternate" && IsHtmlType(type))
                            link = Resolve(child, href.Value, baseUrl) ?? link;
                        else if (rel == "enclosure" && IsDocument(type, href.Value))
                            enclosure ??= Resolve(child, href.Value, baseUrl);
                    }
                    else if (!IsCut(child) && child.Value.Trim() is { Length: > 0 } text)
                        link = Resolve(child, text, baseUrl) ?? link;
                    break;
                case "guid":
                    var permalink = ((string?)child.Attribute("isPermaLink"))?.Trim();
                    if (!IsCut(child) && !"false".Equals(permalink, StringComparison.OrdinalIgnoreCase) && child.Value.Trim() is { Length: > 0 } guid)
                        guidLink ??= Resolve(child, guid, baseUrl);
                    break;
                case "enclosure":
                    if (((string?)child.Attribute("url"))?.Trim() is { Length: > 0 } encUrl && IsDocument((string?)child.Attribute("type"), encUrl))
                        enclosure ??= Resolve(child, encUrl, baseUrl);
                    break;
            }
        }
        return link ?? guidLink ?? enclosure;
    }

    private static IEnumerable<XElement> Entries(XElement root, string localName) =>
        root.Descendants().Where(e => e.Name.LocalName == localName && !e.Ancestors().Any(a => a != root && a.Name.LocalName is "item" or "entry"));

    private static bool IsCut(XElement e) => e.Annotation<TolerantXml.Truncated>() is not null;

    private static bool IsHtmlType(string? type)
    {
        if (string.IsNullOrWhiteSpace(type)) return true;
        var t = type.Split(';')[0].Trim().ToLowerInvariant();
        return t is "text/html" or "html" or "application/xhtml+xml" or "xhtml";
    }

    private static readonly string[] DocumentExtensions = [".pdf", ".htm", ".html", ".doc", ".docx", ".txt", ".rtf", ".odt"];

    /// <summary>An enclosure an article can be made of: a PDF, web page, office document or text file.</summary>
    private static bool IsDocument(string? type, string url)
    {
        var t = type?.Split(';')[0].Trim().ToLowerInvariant();
        if (!string.IsNullOrEmpty(t))
            return t is "application/pdf" or "text/html" or "application/xhtml+xml" or "text/plain" or "application/msword" or "application/rtf"
                   || t.StartsWith("application/vnd.openxmlformats-officedocument.wordprocessingml", StringComparison.Ordinal)
                   || t.StartsWith("application/vnd.oasis.opendocument.text", StringComparison.Ordinal);
        var path = url.Split('?', '#')[0];
        return DocumentExtensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Resolves <paramref name="link"/> against the <c>xml:base</c> values of the element and its ancestors.</summary>
    public static Uri? Resolve(XElement element, string link, Uri baseUrl)
    {
        var bases = new List<string>();
        for (var e = element; e is not null; e = e.Parent)
            if ((string?)e.Attribute(XNamespace.Xml + "base") is { } b && !string.IsNullOrWhiteSpace(b)) bases.Add(b.Trim());
        var current = baseUrl;
        for (var k = bases.Count - 1; k >= 0; k--)
            if (Uri.TryCreate(current, bases[k], out var next)) current = next;
        if (!Uri.TryCreate(current, link.Trim(), out var url)) return null;
        return url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps ? url : null;
    }

    private static string? Field(XElement entry, string localName)
    {
        var e = entry.Elements().FirstOrDefault(c => c.Name.LocalName == localName && !IsCut(c));
        return e is null ? null : e.HasElements ? string.Concat(e.DescendantNodes().OfType<XText>().Select(t => t.Value + " ")) : e.Value;
    }

    private static DateTimeOffset? FirstDate(XElement entry, params string[] names)
    {
        foreach (var name in names)
            if (Dates.Parse(Field(entry, name)) is { } d) return d;
        return null;
    }
}
