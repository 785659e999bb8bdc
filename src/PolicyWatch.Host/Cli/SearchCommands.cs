using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PolicyWatch.Auth;
using PolicyWatch.Search;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Cli;

/// <summary>`policywatch search`, `article`, `users`, `apikeys`.</summary>
public static class SearchCommands
{
    public static Command BuildSearch()
    {
        var text = new Argument<string?>("query") { Description = "Web-search syntax: words, \"phrases\", or, -exclusion", Arity = ArgumentArity.ZeroOrOne };
        var topic = new Option<string[]>("--topic") { Description = "Topic slug (repeat for any of several)" };
        var source = new Option<string[]>("--source") { Description = "Source slug (repeatable)" };
        var since = new Option<string?>("--since") { Description = "7d, 24h or a date" };
        var until = new Option<string?>("--until") { Description = "A date" };
        var artefact = new Option<string[]>("--artefact") { Description = "Only articles citing this artefact, e.g. eccn:3A090 (repeat for any of several)" };
        var limit = new Option<int>("--limit") { Description = "Results", DefaultValueFactory = _ => 20 };
        var sort = new Option<string>("--sort") { Description = "relevance or date", DefaultValueFactory = _ => "relevance" };
        sort.AcceptOnlyFromAmong("relevance", "date");
        var format = new Option<string>("--format") { Description = "table, json (one object per line) or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var command = new Command("search", "Search stored articles (full text, topics, sources, dates)");
        command.Arguments.Add(text);
        foreach (var o in new Option[] { topic, source, since, until, artefact, limit, sort, format }) command.Options.Add(o);
        command.SetAction(async (parse, ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            SearchQuery query;
            try
            {
                query = new SearchQuery
                {
                    Text = parse.GetValue(text), Topics = parse.GetValue(topic) ?? [], Sources = parse.GetValue(source) ?? [],
                    Artefacts = parse.GetValue(artefact) ?? [],
                    Since = SearchQuery.ParseWhen(parse.GetValue(since), now), Until = SearchQuery.ParseWhen(parse.GetValue(until), now),
                    Limit = parse.GetValue(limit), Sort = parse.GetValue(sort) == "date" ? SearchSort.Date : SearchSort.Relevance, Facets = false,
                }.Validated();
            }
            catch (ArgumentException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"policywatch: {e.Message}");
                return PolicyWatchCli.UsageError;
            }
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            await using var services = runtime.BuildServices();
            await services.GetRequiredService<Migrator>().MigrateAsync(ct);
            var result = await services.GetRequiredService<Store>().SearchAsync(query, now, ct);
            var o = parse.InvocationConfiguration.Output;
            switch (parse.GetValue(format))
            {
                case "json":
                    foreach (var h in result.Hits)
                        await o.WriteLineAsync(JsonSerializer.Serialize(new
                        {
                            id = h.Id, url = h.Url, title = h.Title, source = h.Source, published = h.Published, topics = h.Topics, snippet = h.Snippet,
                            alsoPublishedBy = h.AlsoPublishedBy,
                        }, ExtractCommand.JsonLine));
                    break;
                case "csv":
                    await o.WriteLineAsync("id,published,source,title,url,topics");
                    foreach (var h in result.Hits)
                        await o.WriteLineAsync(string.Join(',', h.Id, h.Published?.ToString("yyyy-MM-dd"), Csv(h.Source), Csv(h.Title), Csv(h.Url),
                            Csv(string.Join(' ', h.Topics.Select(t => $"{t.Key}:{t.Value:0.00}")))));
                    break;
                default:
                    foreach (var h in result.Hits)
                        await o.WriteLineAsync($"{h.Id,7}  {h.Published?.ToString("yyyy-MM-dd") ?? "",-10}  {IngestCommands.Cut(h.Source, 20),-20}  {IngestCommands.Cut(h.Title, 70)}");
                    break;
            }
            return 0;
        });
        return command;
    }

    private static string Csv(string? s) => s is null ? "" : "\"" + s.Replace("\"", "\"\"") + "\"";

    public static Command BuildArticle()
    {
        var id = new Argument<long>("id") { Description = "Article id" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("article", "Print one stored article with its tags");
        command.Arguments.Add(id);
        command.Options.Add(format);
        command.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            await using var services = runtime.BuildServices();
            var store = services.GetRequiredService<Store>();
            var a = await store.GetArticleAsync(parse.GetValue(id), ct);
            if (a is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"policywatch: no article {parse.GetValue(id)}");
                return 1;
            }
            var tags = await store.GetTopicsAsync(a.Id, ct);
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == "json")
            {
                await o.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    a.Id, url = a.CanonicalUrl, a.Title, a.Authors, published = a.PublishedAt, a.Language, source = a.SourceSlug, a.Status, a.Error, a.Body,
                    // where each metadata value came from (feed, json-ld, h1, url, ...) and how strong that source is
                    metadataSources = a.MetadataSources is null ? (JsonElement?)null : JsonDocument.Parse(a.MetadataSources).RootElement,
                    tags = tags.Select(t => new { t.Topic, t.Score, model = t.ModelVersion, evidence = PolicyWatch.Classify.TagEvidence.From(t.ExplanationJson, a.Body) }),
                }, ExtractCommand.Json));
                return 0;
            }
            await o.WriteLineAsync($"{a.Title}\n{a.CanonicalUrl}\n{a.SourceSlug} · {a.PublishedAt:yyyy-MM-dd} · {string.Join(", ", a.Authors)}");
            await o.WriteLineAsync("Topics: " + string.Join(", ", tags.Select(t => $"{t.Topic} {t.Score:0.00}")));
            await o.WriteLineAsync();
            await o.WriteLineAsync(a.Body);
            return 0;
        });
        return command;
    }

    public static Command BuildUsers()
    {
        var users = new Command("users", "Manage sign-in accounts: add, list, remove, reset-password");
        var name = new Argument<string>("username");
        var role = new Option<string>("--role") { Description = "analyst or admin", DefaultValueFactory = _ => Roles.Analyst };
        role.AcceptOnlyFromAmong(Roles.All);
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (else one is generated and printed once)" };

        var add = new Command("add", "Add a user");
        add.Arguments.Add(name);
        add.Options.Add(role);
        add.Options.Add(stdin);
        add.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            var (password, generated) = await PasswordAsync(parse.GetValue(stdin));
            await store.CreateUserAsync(parse.GetValue(name)!, password, parse.GetValue(role)!, ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"added {parse.GetValue(name)} ({parse.GetValue(role)})" + (generated ? $"; password: {password}" : ""));
        }));

        var list = new Command("list", "List users");
        list.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            foreach (var u in await store.ListUsersAsync(ct)) await parse.InvocationConfiguration.Output.WriteLineAsync($"{u.Username}\t{u.Role}");
        }));

        var remove = new Command("remove", "Remove a user");
        remove.Arguments.Add(name);
        remove.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            if (!await store.RemoveUserAsync(parse.GetValue(name)!, ct)) throw new ArgumentException($"no user '{parse.GetValue(name)}'");
            await parse.InvocationConfiguration.Output.WriteLineAsync($"removed {parse.GetValue(name)}");
        }));

        var reset = new Command("reset-password", "Set a new password");
        reset.Arguments.Add(name);
        reset.Options.Add(stdin);
        reset.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            var (password, generated) = await PasswordAsync(parse.GetValue(stdin));
            if (!await store.ResetPasswordAsync(parse.GetValue(name)!, password, ct)) throw new ArgumentException($"no user '{parse.GetValue(name)}'");
            await parse.InvocationConfiguration.Output.WriteLineAsync($"password of {parse.GetValue(name)} reset" + (generated ? $": {password}" : ""));
        }));

        foreach (var c in new[] { add, list, remove, reset }) users.Subcommands.Add(c);
        return users;
    }

    public static Command BuildApiKeys()
    {
        var keys = new Command("apikeys", "Manage API keys: create, list, revoke");
        var user = new Argument<string>("username");
        var label = new Option<string>("--name") { Description = "What the key is for", DefaultValueFactory = _ => "api" };
        var create = new Command("create", "Create a key for a user (printed once; only its hash is stored)");
        create.Arguments.Add(user);
        create.Options.Add(label);
        create.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            var (key, prefix) = await store.CreateApiKeyAsync(parse.GetValue(user)!, parse.GetValue(label)!, ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync(key);
            await parse.InvocationConfiguration.Error.WriteLineAsync($"key {prefix} created; send it as the X-Api-Key header. It cannot be shown again.");
        }));
        var list = new Command("list", "List keys (prefixes only)");
        list.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            foreach (var k in await store.ListApiKeysAsync(ct))
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{k.Prefix}\t{k.Username}\t{k.Name}\t{(k.RevokedAt is null ? "active" : "revoked")}\t{k.LastUsedAt:yyyy-MM-dd HH:mm}");
        }));
        var prefix = new Argument<string>("prefix");
        var revoke = new Command("revoke", "Revoke a key by its prefix");
        revoke.Arguments.Add(prefix);
        revoke.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            if (!await store.RevokeApiKeyAsync(parse.GetValue(prefix)!, ct)) throw new ArgumentException($"no active key '{parse.GetValue(prefix)}'");
            await parse.InvocationConfiguration.Output.WriteLineAsync($"revoked {parse.GetValue(prefix)}");
        }));
        foreach (var c in new[] { create, list, revoke }) keys.Subcommands.Add(c);
        return keys;
    }

    public static Command BuildSavedSearches()
    {
        var command = new Command("saved-searches", "Saved searches, which digests can carry as sections: list, add, remove");
        var list = new Command("list", "List every user's saved searches with their ids");
        list.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            foreach (var (s, user) in await store.ListAllSavedSearchesAsync(ct))
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{s.Id}\t{user}\t{s.Name}\t{s.Query}");
        }));
        var user = new Argument<string>("username");
        var name = new Argument<string>("name");
        var query = new Argument<string>("query") { Description = "Search parameters as the API takes them, e.g. 'q=\"entity list\"&topic=export-controls'" };
        var add = new Command("add", "Save a search for a user (replaces one of the same name)");
        add.Arguments.Add(user);
        add.Arguments.Add(name);
        add.Arguments.Add(query);
        add.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            var owner = (await store.ListUsersAsync(ct)).FirstOrDefault(u => u.Username == parse.GetValue(user))
                ?? throw new ArgumentException($"no user '{parse.GetValue(user)}'");
            var saved = await store.SaveSearchQueryAsync(owner.Id, parse.GetValue(name), parse.GetValue(query)!, DateTimeOffset.UtcNow, ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"saved search {saved.Id}: {saved.Name}");
        }));
        var id = new Argument<long>("id");
        var remove = new Command("remove", "Remove a saved search (and it leaves the digests that carried it)");
        remove.Arguments.Add(id);
        remove.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            if (!await store.RemoveSavedSearchAsync(parse.GetValue(id), ct)) throw new ArgumentException($"no saved search {parse.GetValue(id)}");
            await parse.InvocationConfiguration.Output.WriteLineAsync($"removed saved search {parse.GetValue(id)}");
        }));
        foreach (var c in new[] { list, add, remove }) command.Subcommands.Add(c);
        return command;
    }

    private static Task<int> WithStore(ParseResult parse, CancellationToken ct, Func<Store, Task> work) =>
        AppRuntime.RunVerbAsync(parse, ct, services => work(services.GetRequiredService<Store>()));

    private static async Task<(string Password, bool Generated)> PasswordAsync(bool fromStdin)
    {
        if (fromStdin) return ((await Console.In.ReadLineAsync())?.TrimEnd('\r', '\n') ?? "", false);
        var bytes = RandomNumberGenerator.GetBytes(15);
        return (Convert.ToBase64String(bytes).Replace('+', 'x').Replace('/', 'y'), true);
    }
}
