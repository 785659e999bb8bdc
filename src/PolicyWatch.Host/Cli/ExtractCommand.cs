using System.CommandLine;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using PolicyWatch.Extract;
using PolicyWatch.Fetch;

namespace PolicyWatch.Host.Cli;

/// <summary>`policywatch extract FILE|URL` and `policywatch extract --html-dir DIR --out FILE.json`.</summary>
public static class ExtractCommand
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    internal static readonly JsonSerializerOptions JsonLine = new(Json) { WriteIndented = false };

    public static Command Build()
    {
        var input = new Argument<string?>("input") { Description = "An HTML or PDF file, or an http(s) URL to fetch", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var url = new Option<string?>("--url") { Description = "The page's address, for relative links and URL dates (files only)" };
        var htmlDir = new Option<string?>("--html-dir") { Description = "Extract every *.html and *.html.gz in this folder" };
        var output = new Option<string?>("--out") { Description = "With --html-dir: the JSON file to write" };
        var urls = new Option<string?>("--urls") { Description = "With --html-dir: a JSON object mapping each page's id (file name before the first dot) to {\"url\": …}, such as a benchmark's spec.json, so each page is read with its own address" };
        var command = new Command("extract", "Extract article text and metadata from a page or PDF (file or URL), or a folder of pages");
        command.Arguments.Add(input);
        command.Options.Add(format);
        command.Options.Add(url);
        command.Options.Add(htmlDir);
        command.Options.Add(output);
        command.Options.Add(urls);
        command.Validators.Add(r =>
        {
            var dir = r.GetValue(htmlDir);
            var single = r.GetValue(input);
            if (dir is null == single is null) r.AddError("give either an input file/URL or --html-dir");
            if (dir is not null && r.GetValue(output) is null) r.AddError("--html-dir needs --out FILE.json");
        });
        command.SetAction(async (parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var extractor = new ArticleExtractor();
            if (parse.GetValue(htmlDir) is { } dir)
            {
                var addresses = parse.GetValue(urls) is { } urlFile ? ReadAddresses(urlFile) : null;
                var count = ExtractFolder(extractor, dir, parse.GetValue(output)!, addresses);
                await parse.InvocationConfiguration.Error.WriteLineAsync($"extracted {count} page(s) to {parse.GetValue(output)}");
                return 0;
            }
            var target = parse.GetValue(input)!;
            ExtractedArticle article;
            if (Uri.TryCreate(target, UriKind.Absolute, out var web) && web.Scheme is "http" or "https")
            {
                await using var runtime = await AppRuntime.StartWithoutDatabaseAsync(PolicyWatchCli.Globals(parse));
                await using var services = runtime.BuildFetchServices();
                var page = await services.GetRequiredService<PageFetcher>().FetchAsync(web, ct: ct);
                if (!page.IsSuccess)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"policywatch: {web}: {page.Error}");
                    return 1;
                }
                article = extractor.Extract(page.Body, page.FinalUrl, page.MediaType, page.Charset);
            }
            else
            {
                if (!File.Exists(target))
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"policywatch: no such file: {target}");
                    return 1;
                }
                var pageUrl = parse.GetValue(url) is { } u ? new Uri(u) : new Uri(Path.GetFullPath(target));
                article = extractor.Extract(ReadMaybeGzip(target), pageUrl);
            }
            await stdout.WriteLineAsync(parse.GetValue(format) == "json" ? JsonSerializer.Serialize(article, Json) : AsText(article));
            return article.Status == ExtractionStatus.Ok ? 0 : 1;
        });
        return command;
    }

    /// <summary>Page id → address from a JSON object of <c>{"id": {"url": "…"}}</c>; entries without an absolute http(s) URL are left out. Throws <see cref="ConfigurationException"/> for a missing or malformed file.</summary>
    private static Dictionary<string, Uri> ReadAddresses(string file)
    {
        if (!File.Exists(file)) throw new ConfigurationException($"no such file: {file}");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            return doc.RootElement.EnumerateObject()
                .Select(p => (p.Name, Url: p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String
                                          && Uri.TryCreate(u.GetString(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? url : null))
                .Where(x => x.Url is not null).ToDictionary(x => x.Name, x => x.Url!);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new ConfigurationException($"{file}: not a JSON object of {{\"id\": {{\"url\": …}}}} ({e.Message})");
        }
    }

    /// <summary>
    /// Extracts every page of <paramref name="dir"/> into one JSON object keyed by page id (<c>articleBody</c>, <c>title</c>,
    /// <c>authors</c>, <c>published</c>, <c>language</c>); each page read with its address from <paramref name="addresses"/>
    /// when given, else a placeholder address. Returns the number of pages.
    /// </summary>
    public static int ExtractFolder(ArticleExtractor extractor, string dir, string outFile, IReadOnlyDictionary<string, Uri>? addresses = null)
    {
        var files = Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".html") || f.EndsWith(".html.gz") || f.EndsWith(".htm")).OrderBy(f => f).ToList();
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, object>();
        Parallel.ForEach(files, file =>
        {
            var name = Path.GetFileName(file);
            var id = name[..name.IndexOf('.')];
            var a = extractor.Extract(ReadMaybeGzip(file), addresses?.GetValueOrDefault(id) ?? new Uri("https://example.invalid/" + id));
            results[id] = new { articleBody = a.Body, title = a.Title, authors = a.Authors, published = a.Published?.ToString("o"), language = a.Language };
        });
        var ordered = results.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => kv.Value);
        File.WriteAllText(outFile, JsonSerializer.Serialize(ordered, Json));
        return ordered.Count;
    }

    internal static byte[] ReadMaybeGzip(string file)
    {
        var bytes = File.ReadAllBytes(file);
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static string AsText(ExtractedArticle a)
    {
        var lines = new List<string>
        {
            $"Title:     {a.Title}",
            $"Authors:   {string.Join(", ", a.Authors)}",
            $"Published: {a.Published:o}",
            $"Modified:  {a.Modified:o}",
            $"Language:  {a.Language}",
            $"Site:      {a.SiteName}",
            $"Canonical: {a.CanonicalUrl}",
            $"Status:    {a.Status}{(a.Error is null ? "" : " — " + a.Error)}",
            $"Method:    {a.Method}{(a.PageCount is { } p ? $" ({p} pages)" : "")}",
            "",
            a.Body,
        };
        return string.Join('\n', lines);
    }
}
