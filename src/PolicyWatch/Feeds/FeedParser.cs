using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using CodeHollow.FeedReader;
using CodeHollow.FeedReader.Parser;

namespace PolicyWatch.Feeds;

/// <summary>
/// Turns a fetched listing (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.x, HTML page, sitemap or sitemap index
/// (gzipped or not), Federal Register API JSON) into items. Never throws: a listing that cannot be read gives
/// <see cref="FeedParseResult.Error"/>; one read only after repairs gives <see cref="FeedParseResult.Warnings"/>.
/// </summary>
public static class FeedParser
{
    /// <summary>Largest decompressed size of a gzipped listing (a sitemap may hold 50,000 URLs, about 10 MB).</summary>
    public const int MaxInflatedBytes = 64 << 20;

    /// <summary>
    /// Reads fetched bytes: gzip recognised by its magic bytes (servers send <c>.xml.gz</c> sitemaps without a
    /// Content-Encoding), then decoded as <see cref="Fetch.TextDecoding.Decode"/> does, then <see cref="Parse(SourceDefinition, string, Uri)"/>.
    /// </summary>
    public static FeedParseResult Parse(SourceDefinition source, byte[] body, string? charset, string? mediaType, Uri baseUrl) =>
        DecodeListing(body, charset, mediaType, out var error) is { } text ? Parse(source, text, baseUrl) : FeedParseResult.Failed(error!);

    /// <summary>
    /// The text of fetched listing bytes: gzip inflated when the bytes say so (at most <see cref="MaxInflatedBytes"/>),
    /// then decoded as <see cref="Fetch.TextDecoding.Decode"/> does. Null, with the reason, for damaged gzip data.
    /// </summary>
    public static string? DecodeListing(byte[] body, string? charset, string? mediaType, out string? error)
    {
        error = null;
        if (body.Length >= 2 && body[0] == 0x1F && body[1] == 0x8B)
        {
            try
            {
                body = Inflate(body);
                charset = null;
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                error = $"unreadable gzip data: {Short(e.Message)}";
                return null;
            }
        }
        return Fetch.TextDecoding.Decode(body, charset, mediaType);
    }

    /// <summary>Reads listing text of the source's kind; relative links resolve against <paramref name="baseUrl"/>.</summary>
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
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // a fault in a parser must cost this listing only, never the poll of other sources
            return FeedParseResult.Failed($"could not read the {KindName(source.Kind)} ({e.GetType().Name}): {Short(e.Message)}");
        }
    }

    /// <summary>The kind of a listing, from its content: JSON Feed, Federal Register JSON, sitemap, RSS/Atom, or an HTML page. Null when none.</summary>
    public static SourceKind? DetectKind(string text)
    {
        var t = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (t.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(t, JsonOptions);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
                if (doc.RootElement.TryGetProperty("results", out _) || doc.RootElement.TryGetProperty("count", out _) && !doc.RootElement.TryGetProperty("items", out _))
                    return SourceKind.FederalRegister;
                return SourceKind.JsonFeed;
            }
            catch (JsonException) { return SourceKind.JsonFeed; }
        }
        if (LooksLikeHtml(t)) return SourceKind.Page;
        var head = t.Length > 4096 ? t[..4096] : t;
        if (head.Contains("<urlset", StringComparison.Ordinal) || head.Contains("<sitemapindex", StringComparison.Ordinal)) return SourceKind.Sitemap;
        if (head.Contains("<feed", StringComparison.Ordinal) || head.Contains(":feed", StringComparison.Ordinal)) return SourceKind.Atom;
        return t.StartsWith('<') ? SourceKind.Rss : null;
    }

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private static readonly XmlReaderSettings StrictXml = new()
    {
        DtdProcessing = DtdProcessing.Parse, XmlResolver = null, MaxCharactersFromEntities = 1 << 20, IgnoreComments = true,
    };

    /// <summary>
    /// Well-formed feeds go through the feed library (CodeHollow.FeedReader) as before, with our link rules; feeds it
    /// cannot read, or reads fewer items from than the document holds, go through <see cref="SyndicationReader"/>,
    /// after <see cref="TolerantXml"/> repairs when the XML is not well-formed.
    /// </summary>
    private static FeedParseResult ParseSyndication(string text, Uri baseUrl)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (LooksLikeHtml(trimmed))
            return FeedParseResult.Failed("not a feed: the server sent an HTML page");
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
            return FeedParseResult.Failed("not an RSS or Atom feed: the content is JSON (a JSON Feed? use kind jsonfeed)");
        try
        {
            var feed = FeedReader.ReadFromString(trimmed);
            if (feed.SpecificFeed?.Element is { } root && feed.Items.Count == SyndicationReader.CountEntries(root.Document?.Root ?? root))
                return FromLibrary(feed, baseUrl);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // not readable by the library (malformed XML, unusual roots, its own faults): read it ourselves below
        }

        var repairs = new List<string>();
        var doc = LoadXml(trimmed, repairs);
        var result = SyndicationReader.Read(doc, baseUrl);
        if (doc.Root?.Name == TolerantXml.NoElements)
            return FeedParseResult.Failed("malformed feed: no XML elements found");
        return repairs.Count == 0 ? result : result with { Warnings = ["read with repairs: " + string.Join("; ", repairs)] };
    }

    /// <summary>Strict XML first; when that fails, the tolerant reader, whose repairs go to <paramref name="repairs"/>.</summary>
    private static XDocument LoadXml(string text, List<string> repairs)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), StrictXml);
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return TolerantXml.Parse(text, repairs);
        }
    }

    private static FeedParseResult FromLibrary(Feed feed, Uri baseUrl)
    {
        var items = new List<FeedItem>();
        foreach (var item in feed.Items)
        {
            if (item.SpecificItem?.Element is not { } element || SyndicationReader.ItemLink(element, baseUrl) is not { } url) continue;
            DateTimeOffset? updated = null;
            if (item.SpecificItem is CodeHollow.FeedReader.Feeds.AtomFeedItem atom)
                updated = Dates.Parse(atom.UpdatedDateString);
            var published = Dates.Parse(item.PublishingDateString) ?? (item.PublishingDate is { } p ? new DateTimeOffset(DateTime.SpecifyKind(p, DateTimeKind.Utc)) : null);
            items.Add(new FeedItem(url, Clean(item.Title), published ?? updated, updated, Clean(item.Description)));
        }
        return new FeedParseResult(items, [], null);
    }

    private static byte[] Inflate(byte[] gz)
    {
        using var input = new System.IO.Compression.GZipStream(new MemoryStream(gz), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = input.Read(buffer)) > 0)
        {
            if (output.Length + n > MaxInflatedBytes) throw new InvalidDataException($"more than {MaxInflatedBytes >> 20} MB when decompressed");
            output.Write(buffer, 0, n);
        }
        return output.ToArray();
    }

    private static FeedParseResult ParseJsonFeed(string text, Uri baseUrl)
    {
        var trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        List<JsonElement> entries;
        var warnings = new List<string>();
        JsonDocument? doc = null;
        try
        {
            doc = JsonDocument.Parse(trimmed, JsonOptions);
            if (!doc.RootElement.TryGetProperty("items", out var array) || array.ValueKind != JsonValueKind.Array)
                return FeedParseResult.Failed("malformed JSON Feed: no \"items\" array");
            entries = [.. array.EnumerateArray()];
        }
        catch (JsonException e)
        {
            entries = LenientJsonItems(trimmed, out var repairs);
            if (entries.Count == 0) throw new JsonException(e.Message, e);
            warnings.Add("read with repairs: " + string.Join("; ", repairs));
        }
        try
        {
            var items = new List<FeedItem>();
            foreach (var e in entries)
            {
                if (e.ValueKind != JsonValueKind.Object) continue;
                // ids are opaque unless they are absolute URLs
                var link = Str(e, "url") ?? Str(e, "external_url") ?? (Uri.TryCreate(Str(e, "id"), UriKind.Absolute, out var idUrl) ? idUrl.AbsoluteUri : null);
                if (ResolveHttp(baseUrl, link) is not { } url) continue;
                items.Add(new FeedItem(url, Clean(Str(e, "title")), Dates.Parse(Str(e, "date_published")), Dates.Parse(Str(e, "date_modified")),
                    Clean(Str(e, "summary") ?? Str(e, "content_text"))));
            }
            return new FeedParseResult(items, [], null) { Warnings = warnings };
        }
        finally
        {
            doc?.Dispose();
        }
    }

    /// <summary>
    /// The complete objects of a damaged JSON Feed's <c>"items"</c> array: raw control characters inside strings are
    /// escaped, and reading stops at the first item the text does not complete (a feed cut off mid-way).
    /// </summary>
    private static List<JsonElement> LenientJsonItems(string text, out List<string> repairs)
    {
        repairs = [];
        var sb = new System.Text.StringBuilder(text.Length + 16);
        var inString = false;
        var escaped = false;
        var controls = false;
        foreach (var c in text)
        {
            if (inString && !escaped && c < ' ')
            {
                sb.Append(c switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ => $"\\u{(int)c:x4}" });
                controls = true;
                continue;
            }
            sb.Append(c);
            if (escaped) escaped = false;
            else if (inString && c == '\\') escaped = true;
            else if (c == '"') inString = !inString;
        }
        if (controls) repairs.Add("unescaped control characters in strings");
        var bytes = System.Text.Encoding.UTF8.GetBytes(sb.ToString());
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var found = new List<JsonElement>();
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1 || !reader.ValueTextEquals("items")) continue;
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) break;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    found.Add(JsonElement.ParseValue(ref reader));
                break;
            }
        }
        catch (JsonException)
        {
            repairs.Add($"the document ends early or is damaged after {found.Count} complete item(s)");
        }
        return found;
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
        var repairs = new List<string>();
        var doc = LoadXml(text.TrimStart('\uFEFF', ' ', '\r', '\n', '\t'), repairs);
        var root = doc.Root ?? throw new FormatException("empty document");
        var warnings = repairs.Count == 0 ? (IReadOnlyList<string>)[] : ["read with repairs: " + string.Join("; ", repairs)];
        if (root.Name.LocalName == "sitemapindex")
        {
            var children = root.Elements().Where(e => e.Name.LocalName == "sitemap")
                .Select(e => (Loc: ResolveHttp(baseUrl, Child(e, "loc")), Modified: Dates.Parse(Child(e, "lastmod"))))
                .Where(x => x.Loc is not null)
                .OrderByDescending(x => x.Modified ?? DateTimeOffset.MinValue)
                .Select(x => x.Loc!)
                .ToList();
            return new FeedParseResult([], children, null) { Warnings = warnings };
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
        return new FeedParseResult(items, [], null) { Warnings = warnings };
    }

    private static FeedParseResult ParseFederalRegister(string text, Uri baseUrl)
    {
        using var doc = JsonDocument.Parse(text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n'), JsonOptions);
        if (!doc.RootElement.TryGetProperty("results", out var results))
            return doc.RootElement.TryGetProperty("count", out _)
                ? new FeedParseResult([], [], null) // a query with no documents has no "results"
                : FeedParseResult.Failed("malformed Federal Register response: no \"results\"");
        if (results.ValueKind != JsonValueKind.Array) return FeedParseResult.Failed("malformed Federal Register response: \"results\" is not a list");
        var items = new List<FeedItem>();
        var documents = new List<Artefacts.FederalRegisterDocument>();
        foreach (var e in results.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object) continue;
            if (Artefacts.FederalRegisterDocument.FromJson(e) is { } document) documents.Add(document);
            if (ResolveHttp(baseUrl, Str(e, "html_url") ?? Str(e, "pdf_url")) is not { } url) continue;
            items.Add(new FeedItem(url, Clean(Str(e, "title")), Dates.Parse(Str(e, "publication_date")), null, Clean(Str(e, "abstract"))));
        }
        return new FeedParseResult(items, [], null) { FederalRegisterDocuments = documents };
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
