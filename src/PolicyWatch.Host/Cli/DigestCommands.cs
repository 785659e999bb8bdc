using System.CommandLine;
using System.Globalization;
using PolicyWatch.Classify;
using PolicyWatch.Digest;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Cli;

/// <summary>`policywatch subscribers add|list|update|remove` and `policywatch digest preview|send`.</summary>
public static class DigestCommands
{
    public static Command BuildSubscribers()
    {
        var command = new Command("subscribers", "Manage digest subscribers: add, list, update, remove");
        var email = new Argument<string>("email");
        Option<string?> name = new("--name") { Description = "Display name" };
        Option<string[]> topics = new("--topic") { Description = "Topic slug (repeatable; none means every topic)" };
        Option<float?> minScore = new("--min-score") { Description = "Minimum topic score (0–1, default 0.5)" };
        Option<string?> sendTime = new("--send-time") { Description = "Local send time, HH:mm (default 07:00)" };
        Option<string?> zone = new("--time-zone") { Description = "IANA time zone, e.g. Europe/Brussels (default UTC)" };
        Option<string?> frequency = new("--frequency") { Description = "daily or weekdays" };
        frequency.AcceptOnlyFromAmong("daily", "weekdays");
        Option<bool?> sendEmpty = new("--send-empty") { Description = "Send a short note when nothing is new (default: skip)" };
        Option<bool?> active = new("--active") { Description = "true or false" };
        Option<long[]> searches = new("--saved-search") { Description = "Saved search id, a section of its own (repeatable; --saved-search 0 clears them)" };
        Option[] all = [name, topics, minScore, sendTime, zone, frequency, sendEmpty, active, searches];

        Command Upsert(string verb, string description, bool mustExist)
        {
            var c = new Command(verb, description);
            c.Arguments.Add(email);
            foreach (var o in all) c.Options.Add(o);
            c.SetAction((parse, ct) => AppRuntime.RunVerbAsync(parse, ct, async services =>
            {
                var store = services.GetRequiredService<Store>();
                if (parse.GetValue(topics) is { Length: > 0 } given) services.GetRequiredService<TopicClassifier>().CheckTopics(given);
                var existing = await store.FindSubscriberAsync(parse.GetValue(email)!, ct);
                if (mustExist && existing is null) throw new ArgumentException($"no subscriber {parse.GetValue(email)}");
                if (!mustExist && existing is not null) throw new ArgumentException($"{parse.GetValue(email)} is subscribed already (use update)");
                var b = existing ?? new Subscriber { Email = parse.GetValue(email)! };
                // the rules themselves are the subscriber's own (Subscriber.Validated, applied by the store)
                var time = parse.GetValue(sendTime) is { } t
                    ? TimeOnly.TryParseExact(t, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : throw new ArgumentException($"--send-time '{t}' is not HH:mm")
                    : b.SendTime;
                var saved = await store.UpsertSubscriberAsync(new Subscriber
                {
                    Email = b.Email, Name = parse.GetValue(name) ?? b.Name,
                    Topics = parse.GetValue(topics) is { Length: > 0 } ts ? ts : b.Topics,
                    MinScore = parse.GetValue(minScore) ?? b.MinScore, SendTime = time, TimeZone = parse.GetValue(zone) ?? b.TimeZone, Frequency = parse.GetValue(frequency) ?? b.Frequency,
                    SendEmpty = parse.GetValue(sendEmpty) ?? b.SendEmpty, Active = parse.GetValue(active) ?? b.Active,
                    SavedSearches = parse.GetValue(searches) is { Length: > 0 } ss ? ss.Where(id => id != 0).ToArray() : b.SavedSearches,
                }, ct);
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{(mustExist ? "updated" : "added")} {saved.Email}: {Describe(saved)}");
            }));
            return c;
        }
        command.Subcommands.Add(Upsert("add", "Add a subscriber", mustExist: false));
        command.Subcommands.Add(Upsert("update", "Change a subscriber", mustExist: true));
        var list = new Command("list", "List subscribers");
        list.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            foreach (var s in await store.ListSubscribersAsync(ct: ct)) await parse.InvocationConfiguration.Output.WriteLineAsync($"{s.Email}\t{Describe(s)}");
        }));
        command.Subcommands.Add(list);
        var remove = new Command("remove", "Remove a subscriber");
        remove.Arguments.Add(email);
        remove.SetAction((parse, ct) => WithStore(parse, ct, async store =>
        {
            if (!await store.RemoveSubscriberAsync(parse.GetValue(email)!, ct)) throw new ArgumentException($"no subscriber {parse.GetValue(email)}");
            await parse.InvocationConfiguration.Output.WriteLineAsync($"removed {parse.GetValue(email)}");
        }));
        command.Subcommands.Add(remove);
        return command;
    }

    public static Command BuildDigest()
    {
        var command = new Command("digest", "Daily digest emails: preview, send");
        Option<string> subscriber = new("--subscriber") { Description = "Subscriber email" };
        Option<string?> date = new("--date") { Description = "Local delivery date, yyyy-mm-dd (default: today in the subscriber's time zone)" };
        Option<string?> output = new("--out") { Description = "Write the HTML here" };

        var preview = new Command("preview", "Render a digest without sending it");
        subscriber.Required = true;
        preview.Options.Add(subscriber);
        preview.Options.Add(date);
        preview.Options.Add(output);
        preview.SetAction((parse, ct) => WithServices(parse, ct, async (store, sender) =>
        {
            var s = await store.FindSubscriberAsync(parse.GetValue(subscriber)!, ct) ?? throw new ArgumentException($"no subscriber {parse.GetValue(subscriber)}");
            var digest = await sender.BuildAsync(s, Day(parse.GetValue(date), s), ct);
            if (parse.GetValue(output) is { } file) await File.WriteAllTextAsync(file, DigestRenderer.Html(digest), ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync(DigestRenderer.Text(digest));
        }));

        var send = new Command("send", "Send digests now (still at most once per subscriber and day)");
        Option<string?> one = new("--subscriber") { Description = "Only this subscriber" };
        send.Options.Add(one);
        send.Options.Add(date);
        send.SetAction((parse, ct) => WithServices(parse, ct, async (store, sender) =>
        {
            var targets = parse.GetValue(one) is { } e
                ? [await store.FindSubscriberAsync(e, ct) ?? throw new ArgumentException($"no subscriber {e}")]
                : await store.ListSubscribersAsync(activeOnly: true, ct);
            foreach (var s in targets)
            {
                string result;
                try { result = (await sender.SendAsync(s.Id, Day(parse.GetValue(date), s), ct)).ToString(); }
                catch (DigestRetryException x) { result = "failed for now: " + x.Message; }
                await parse.InvocationConfiguration.Output.WriteLineAsync($"{s.Email}: {result}");
            }
        }));
        command.Subcommands.Add(preview);
        command.Subcommands.Add(send);
        return command;
    }

    private static DateOnly Day(string? text, Subscriber s)
    {
        if (text is not null)
            return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : throw new ArgumentException($"--date '{text}' is not yyyy-mm-dd");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(s.TimeZone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
    }

    private static string Describe(Subscriber s) =>
        $"{(s.Topics.Length > 0 ? string.Join(",", s.Topics) : s.SavedSearches.Length > 0 ? "no topics" : "all topics")}{(s.SavedSearches.Length > 0 ? $", saved searches {string.Join(",", s.SavedSearches)}" : "")}, score ≥ {s.MinScore:0.##}, {s.Frequency} at {s.SendTime:HH:mm} {s.TimeZone}{(s.SendEmpty ? ", sends empty digests" : "")}{(s.Active ? "" : ", inactive")}";

    private static Task<int> WithStore(ParseResult parse, CancellationToken ct, Func<Store, Task> work) =>
        AppRuntime.RunVerbAsync(parse, ct, services => work(services.GetRequiredService<Store>()));

    private static Task<int> WithServices(ParseResult parse, CancellationToken ct, Func<Store, DigestSender, Task> work) =>
        AppRuntime.RunVerbAsync(parse, ct, services => work(services.GetRequiredService<Store>(), services.GetRequiredService<DigestSender>()));
}
