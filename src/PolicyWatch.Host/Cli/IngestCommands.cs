using System.CommandLine;
using System.Text.Json;
using PolicyWatch.Feeds;
using PolicyWatch.Jobs;
using PolicyWatch.Model;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Cli;

/// <summary>`policywatch ingest --once`, `policywatch articles`, `policywatch sources`.</summary>
public static class IngestCommands
{
    public static Command BuildIngest()
    {
        var once = new Option<bool>("--once") { Description = "Poll now and process every discovered item to the end (required; continuous ingestion is `serve` or `worker`)" };
        var feeds = new Option<string?>("--feeds") { Description = "A one-off source file: its sources are added or updated and only they are polled; the main catalogue's other sources stay as they are (default: Ingest:FeedsFile, the main catalogue, synced in full)" };
        var source = new Option<string?>("--source") { Description = "Poll only the source with this slug" };
        var parallel = new Option<int>("--parallel") { Description = "Concurrent fetches", DefaultValueFactory = _ => 8 };
        var command = new Command("ingest", "Poll sources and fetch, extract, tag and store their new articles, once");
        command.Options.Add(once);
        command.Options.Add(feeds);
        command.Options.Add(source);
        command.Options.Add(parallel);
        parallel.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 64) r.AddError("--parallel must be between 1 and 64"); });
        command.Validators.Add(r =>
        {
            if (!r.GetValue(once)) r.AddError("ingest needs --once (for continuous ingestion run `policywatch serve` or `policywatch worker`)");
        });
        command.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            await using var services = runtime.BuildServices();
            var oneOff = parse.GetValue(feeds);
            var file = JobsSetup.ResolveFeedsFile(oneOff ?? services.GetRequiredService<IngestOptions>().FeedsFile);
            var catalogue = FeedCatalog.Load(file); // a configuration error ends here with exit 1
            var slug = parse.GetValue(source);
            if (slug is not null && catalogue.All(s => s.Slug != slug))
                throw new ConfigurationException($"{file}: no source with slug '{slug}'");

            await services.GetRequiredService<Migrator>().MigrateAsync(ct);
            await services.GetRequiredService<Store>().SyncSourcesAsync(catalogue, ct, disableMissing: oneOff is null);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyCollection<string>? only = slug is not null ? [slug] : oneOff is not null ? catalogue.Select(s => s.Slug).ToHashSet() : null;
            var summary = await services.GetRequiredService<Ingester>().RunOnceAsync(only, parse.GetValue(parallel), ct);
            var o = parse.InvocationConfiguration.Output;
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            await o.WriteLineAsync($"sources polled: {summary.SourcesPolled} ({summary.SourcesFailed} failed)");
            await o.WriteLineAsync($"items: {summary.New} new, {summary.Updated} updated, {summary.Unchanged} unchanged");
            await o.WriteLineAsync($"articles: {summary.Stored} stored, {summary.Merged} merged into existing, {summary.ArticlesFailed} failed, {summary.Retrying} to retry");
            await o.WriteLineAsync($"time: {clock.Elapsed.TotalSeconds:0.0} s, peak memory: {self.PeakWorkingSet64 / 1024 / 1024} MB");
            return 0;
        });
        return command;
    }

    public static Command BuildArticles()
    {
        var source = new Option<string?>("--source") { Description = "Only this source (slug)" };
        var status = new Option<string?>("--status") { Description = "pending, processed, failed or skipped" };
        status.AcceptOnlyFromAmong(ArticleStatus.All);
        var limit = new Option<int>("--limit") { Description = "At most this many (newest first)", DefaultValueFactory = _ => 50 };
        var format = FormatOption();
        var command = new Command("articles", "List stored articles for operators: id, url, title, source, published, status, error");
        command.Options.Add(source);
        command.Options.Add(status);
        command.Options.Add(limit);
        command.Options.Add(format);
        limit.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 100_000) r.AddError("--limit must be between 1 and 100000"); });
        command.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            await using var services = runtime.BuildServices();
            var rows = await services.GetRequiredService<Store>().ListArticlesAsync(new ArticleFilter
            {
                SourceSlug = parse.GetValue(source), Status = parse.GetValue(status), Limit = parse.GetValue(limit),
            }, ct);
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == "json")
            {
                foreach (var a in rows)
                    await o.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        id = a.Id, url = a.CanonicalUrl, title = a.Title, source = a.SourceSlug, published = a.PublishedAt,
                        status = a.Status, error = a.Error, attempts = a.Attempts, method = a.ExtractionMethod,
                    }, ExtractCommand.JsonLine));
                return 0;
            }
            await o.WriteLineAsync($"{"ID",7}  {"SOURCE",-22} {"PUBLISHED",-10} {"STATUS",-9} {"TITLE / URL",-60}  ERROR");
            foreach (var a in rows)
                await o.WriteLineAsync($"{a.Id,7}  {Cut(a.SourceSlug, 22),-22} {a.PublishedAt?.ToString("yyyy-MM-dd") ?? "",-10} {a.Status,-9} {Cut(a.Title ?? a.CanonicalUrl, 60),-60}  {Cut(a.Error, 60)}");
            return 0;
        });
        return command;
    }

    public static Command BuildSources()
    {
        var format = FormatOption();
        var command = new Command("sources", "List sources with their health: last poll, last success, errors, items");
        command.Options.Add(format);
        command.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            await using var services = runtime.BuildServices();
            await services.GetRequiredService<Migrator>().MigrateAsync(ct);
            var rows = await services.GetRequiredService<Store>().ListSourcesAsync(ct: ct);
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == "json")
            {
                foreach (var s in rows)
                    await o.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        slug = s.Slug, name = s.Name, kind = s.Kind, enabled = s.Enabled, healthy = s.Healthy, lastPolled = s.LastPolledAt,
                        lastSuccess = s.LastSuccessAt, nextPoll = s.NextPollAt, interval = s.CurrentInterval.ToString(), errors = s.ErrorCount,
                        lastError = s.LastError, warning = s.LastWarning, items = s.ItemsTotal,
                    }, ExtractCommand.JsonLine));
                return 0;
            }
            await o.WriteLineAsync($"{"SLUG",-26} {"KIND",-8} {"STATE",-9} {"LAST SUCCESS",-16} {"NEXT POLL",-16} {"ITEMS",6}  LAST ERROR OR WARNING");
            foreach (var s in rows)
            {
                var state = !s.Enabled ? "disabled" : !s.Healthy ? "unhealthy" : s.LastWarning is not null ? "warning" : "ok";
                await o.WriteLineAsync($"{Cut(s.Slug, 26),-26} {s.Kind,-8} {state,-9} {s.LastSuccessAt?.ToString("yyyy-MM-dd HH:mm") ?? "never",-16} {s.NextPollAt:yyyy-MM-dd HH:mm} {s.ItemsTotal,6}  {Cut(s.LastError ?? s.LastWarning, 70)}");
            }
            return 0;
        });
        return command;
    }

    internal static Option<string> FormatOption()
    {
        var format = new Option<string>("--format") { Description = "table or json (one object per line)", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        return format;
    }

    internal static string Cut(string? s, int n) => s is null ? "" : s.Length <= n ? s : s[..(n - 1)] + "…";
}
