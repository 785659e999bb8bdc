using System.CommandLine;
using System.Text.Json;
using PolicyWatch.Feeds;
using PolicyWatch.Fetch;
using PolicyWatch.Jobs;

namespace PolicyWatch.Host.Cli;

/// <summary>
/// `policywatch feed FILE|URL`: reads one listing exactly as a poll would (the same fetcher for a URL, the same
/// parser and URL rules) and prints its items. Exit 0 when a listing was read (even an empty one), 1 with a
/// one-line reason when the input is not a readable listing.
/// </summary>
public static class FeedCommand
{
    private static readonly string[] Kinds = ["rss", "atom", "jsonfeed", "page", "sitemap", "federal-register"];

    /// <summary>The verb: reads FILE or URL, prints items on stdout (text, or JSON lines), warnings and the reason for exit 1 on stderr.</summary>
    public static Command Build()
    {
        var input = new Argument<string>("input") { Description = "A feed file, or an http(s) URL to fetch" };
        var kind = new Option<string?>("--kind") { Description = "rss, atom, jsonfeed, page, sitemap or federal-register (detected when not given)" };
        kind.AcceptOnlyFromAmong(Kinds);
        var selector = new Option<string?>("--link-selector") { Description = "CSS selector of article links (kind page)" };
        var format = new Option<string>("--format") { Description = "text, or json (one item per line: url, title, published, updated, summary)", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var baseUrl = new Option<string?>("--url") { Description = "The listing's address, for relative links (files only)" };
        var command = new Command("feed", "Read one feed, page listing or sitemap as a poll would, and print its items (warnings on stderr)");
        command.Arguments.Add(input);
        command.Options.Add(kind);
        command.Options.Add(selector);
        command.Options.Add(format);
        command.Options.Add(baseUrl);
        command.Validators.Add(r =>
        {
            string? kindValue;
            try { kindValue = r.GetValue(kind); }
            catch (InvalidOperationException) { return; } // an unknown kind is reported by the option itself
            if (kindValue == "page" && string.IsNullOrWhiteSpace(r.GetValue(selector))) r.AddError("--kind page needs --link-selector CSS");
            if (r.GetValue(baseUrl) is { } u && !(Uri.TryCreate(u, UriKind.Absolute, out var b) && b.Scheme is "http" or "https"))
                r.AddError("--url must be an absolute http(s) URL");
        });
        command.SetAction(async (parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var target = parse.GetValue(input)!;
            var linkSelector = parse.GetValue(selector);
            FeedParseResult result;
            if (Uri.TryCreate(target, UriKind.Absolute, out var web) && web.Scheme is "http" or "https")
            {
                await using var runtime = await AppRuntime.StartWithoutDatabaseAsync(PolicyWatchCli.Globals(parse));
                await using var services = runtime.BuildFetchServices();
                var fetcher = services.GetRequiredService<PageFetcher>();
                var given = ParseKind(parse.GetValue(kind));
                var page = await fetcher.FetchAsync(web, new FetchRequest { CheckRobots = given is SourceKind.Page or SourceKind.Sitemap }, ct);
                if (!page.IsSuccess) return await FailAsync(stderr, $"{web}: {page.Error}");
                var source = Definition(page.FinalUrl, given ?? FeedParser.DetectKind(FeedParser.DecodeListing(page.Body, page.Charset, page.MediaType, out _) ?? ""), linkSelector);
                if (source is null) return await FailAsync(stderr, $"{web}: not a feed, sitemap or listing that PolicyWatch reads");
                result = FeedParser.Parse(source, page.Body, page.Charset, page.MediaType, page.FinalUrl);
                if (result.Error is null && result.ChildSitemaps.Count > 0)
                    result = await SourcePoller.ReadChildSitemapsAsync(fetcher, source, result, runtime.Configuration.GetValue("Ingest:MaxChildSitemaps", new IngestOptions().MaxChildSitemaps), ct);
            }
            else
            {
                if (!File.Exists(target)) return await FailAsync(stderr, $"no such file: {target}");
                byte[] bytes;
                try { bytes = await File.ReadAllBytesAsync(target, ct); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return await FailAsync(stderr, $"{target}: {e.Message}"); }
                var listingUrl = parse.GetValue(baseUrl) is { } u ? new Uri(u) : new Uri(Path.GetFullPath(target));
                var source = Definition(listingUrl, ParseKind(parse.GetValue(kind)) ?? DetectKind(bytes), linkSelector);
                if (source is null) return await FailAsync(stderr, $"{target}: not a feed, sitemap or listing that PolicyWatch reads");
                result = FeedParser.Parse(source, bytes, null, null, listingUrl);
                if (result.Error is null && result.ChildSitemaps.Count > 0)
                    foreach (var child in result.ChildSitemaps) await stderr.WriteLineAsync($"policywatch: sitemap index: child sitemap {child} (give the index's URL to read its children)");
            }
            foreach (var warning in result.Warnings) await stderr.WriteLineAsync($"policywatch: warning: {warning}");
            if (result.Error is not null) return await FailAsync(stderr, $"{target}: {result.Error}");
            var json = parse.GetValue(format) == "json";
            foreach (var item in result.Items)
            {
                if (json)
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        url = item.Url.AbsoluteUri, title = item.Title, published = item.Published?.ToString("o"), updated = item.Updated?.ToString("o"), summary = item.Summary,
                    }, ExtractCommand.JsonLine));
                else
                    await stdout.WriteLineAsync($"{item.Published?.ToString("yyyy-MM-dd HH:mm zzz") ?? "(no date)",-22}  {item.Title ?? "(no title)"}\n{"",24}{item.Url.AbsoluteUri}");
            }
            if (!json) await stderr.WriteLineAsync($"{result.Items.Count} item(s)");
            return 0;
        });
        return command;
    }

    private static async Task<int> FailAsync(TextWriter stderr, string reason)
    {
        await stderr.WriteLineAsync($"policywatch: {reason}");
        return 1;
    }

    private static SourceKind? ParseKind(string? name) => name switch
    {
        null => null,
        "atom" => SourceKind.Atom, "jsonfeed" => SourceKind.JsonFeed, "page" => SourceKind.Page,
        "sitemap" => SourceKind.Sitemap, "federal-register" => SourceKind.FederalRegister, _ => SourceKind.Rss,
    };

    private static SourceKind? DetectKind(byte[] bytes) => FeedParser.DecodeListing(bytes, null, null, out _) is { } text ? FeedParser.DetectKind(text) : null;

    private static SourceDefinition? Definition(Uri url, SourceKind? kind, string? linkSelector)
    {
        if (kind is null || kind == SourceKind.Page && string.IsNullOrWhiteSpace(linkSelector)) return null;
        return new SourceDefinition
        {
            Slug = "feed-command", Name = "feed command", Url = url, Kind = kind.Value, PollInterval = TimeSpan.FromHours(1), LinkSelector = linkSelector,
        };
    }
}
