using System.CommandLine;
using System.Text.Json;
using PolicyWatch.Artefacts;

namespace PolicyWatch.Host.Cli;

/// <summary>`policywatch artefacts recognise --in FILE.jsonl --out FILE.jsonl`: the reference recogniser on its own, so it can be judged.</summary>
public static class ArtefactCommands
{
    /// <summary>
    /// Reads <c>{"id","text"}</c> lines and writes <c>{"id","artefacts":[{"id","kind","start","end","text"}]}</c> lines,
    /// offsets in UTF-16 code units of <c>text</c>. A line that is not such an object is an error naming its line number (exit 1).
    /// </summary>
    public static Command Build()
    {
        var input = new Option<string>("--in") { Description = "JSON Lines of {\"id\",\"text\"}", Required = true };
        var output = new Option<string>("--out") { Description = "JSON Lines of {\"id\",\"artefacts\":[{\"id\",\"kind\",\"start\",\"end\",\"text\"}]}", Required = true };
        var recognise = new Command("recognise", "Find references to rules, orders, bills, dockets, ECCNs and named lists in texts");
        recognise.Aliases.Add("recognize");
        recognise.Options.Add(input);
        recognise.Options.Add(output);
        recognise.SetAction(async (parse, ct) =>
        {
            var inFile = parse.GetValue(input)!;
            if (!File.Exists(inFile)) throw new ConfigurationException($"no such file: {inFile}");
            // written beside the target and moved into place at the end: a bad line never leaves half a file
            var outFile = parse.GetValue(output)!;
            var partial = outFile + ".partial";
            var n = 0;
            var found = 0;
            await using (var writer = new StreamWriter(partial))
            {
                foreach (var line in File.ReadLines(inFile))
                {
                    n++;
                    if (string.IsNullOrWhiteSpace(line)) continue;
                    string id, text;
                    try
                    {
                        using var doc = JsonDocument.Parse(line);
                        id = doc.RootElement.GetProperty("id").ToString();
                        text = doc.RootElement.GetProperty("text").GetString() ?? "";
                    }
                    catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
                    {
                        writer.Close();
                        File.Delete(partial);
                        throw new ConfigurationException($"{inFile}:{n}: not a {{\"id\",\"text\"}} object ({e.Message})");
                    }
                    var refs = ArtefactRecognizer.Recognize(text);
                    found += refs.Count;
                    await writer.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        id, artefacts = refs.Select(r => new { id = r.Id, kind = r.Kind, start = r.Start, end = r.End, text = r.Text }),
                    }, ExtractCommand.JsonLine));
                }
            }
            File.Move(partial, outFile, overwrite: true);
            await parse.InvocationConfiguration.Error.WriteLineAsync($"recognised {found} reference(s) in {n} line(s)");
            return 0;
        });
        var artefacts = new Command("artefacts", "Policy artefacts (rules, orders, bills, ECCNs, lists) referenced in texts");
        artefacts.Subcommands.Add(recognise);
        var backfill = new Command("backfill", "Record what every stored article cites (for articles stored before citations were kept); safe to run again");
        backfill.SetAction((parse, ct) => AppRuntime.RunVerbAsync(parse, ct, async services =>
        {
            var (articles, citations) = await services.GetRequiredService<PolicyWatch.Storage.Store>().RecordAllCitationsAsync(ct: ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"recorded {citations} citation(s) in {articles} article(s)");
        }));
        artefacts.Subcommands.Add(backfill);
        artefacts.Subcommands.Add(BuildEntityList());
        return artefacts;
    }

    /// <summary>
    /// `policywatch artefacts entity-list NAME [--format text|json]`: the Entity List changes whose entity or alias
    /// contains NAME, newest rule first (is it listed, since when, by which rule). Exit 0 even when none.
    /// </summary>
    private static Command BuildEntityList()
    {
        var name = new Argument<string>("name") { Description = "Part of an entity's name or alias, as the rule writes it (case-insensitive)" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("entity-list", "Entity List additions, revisions and removals naming an entity, with the rule that made each");
        command.Arguments.Add(name);
        command.Options.Add(format);
        command.SetAction((parse, ct) => AppRuntime.RunVerbAsync(parse, ct, async services =>
        {
            var q = parse.GetValue(name)!.Trim();
            if (q.Length < 2) throw new ArgumentException("give at least two characters of the name");
            var hits = await services.GetRequiredService<PolicyWatch.Storage.Store>().SearchEntityListAsync(q, 200, ct);
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(format) == "json")
            {
                await o.WriteLineAsync(JsonSerializer.Serialize(new { query = q, changes = hits.Select(Api.ArtefactJson.Of) }, ExtractCommand.Json));
                return;
            }
            if (hits.Count == 0) await o.WriteLineAsync($"no Entity List change names \"{q}\"");
            foreach (var h in hits)
                await o.WriteLineAsync($"{h.Published?.ToString("yyyy-MM-dd") ?? "undated",-10}  {h.Action,-7} {h.Entity}{(h.Country is null ? "" : " (" + h.Country + ")")}"
                    + $"\n            by {h.RuleTitle ?? h.Url}{(h.DocumentId is null ? "" : " [" + h.DocumentId + "]")}");
        }));
        return command;
    }

    /// <summary>`policywatch artefact ID [--format text|json]`: one artefact and every stored article citing it, newest first, with the citing sentence. Exit 1 when nothing cites it.</summary>
    public static Command BuildShow()
    {
        var id = new Argument<string>("id") { Description = "Canonical id, e.g. eccn:3A090, eo:14110, cfr:15-744.21, list:entity-list" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var limit = new Option<int>("--limit") { Description = "At most this many citing articles", DefaultValueFactory = _ => 50 };
        var command = new Command("artefact", "One policy artefact and the articles citing it, newest first");
        command.Arguments.Add(id);
        command.Options.Add(format);
        command.Options.Add(limit);
        command.SetAction((parse, ct) => AppRuntime.RunVerbAsync(parse, ct, async services =>
        {
            var store = services.GetRequiredService<PolicyWatch.Storage.Store>();
            var o = parse.InvocationConfiguration.Output;
            // RunVerbAsync makes this "policywatch: …" with exit code 1
            var d = await store.ArtefactDetailAsync(parse.GetValue(id)!, Math.Clamp(parse.GetValue(limit), 1, 500), ct)
                    ?? throw new ArgumentException($"no artefact {parse.GetValue(id)} is known: no stored article cites it and no Federal Register source describes it");
            if (parse.GetValue(format) == "json")
            {
                await o.WriteLineAsync(JsonSerializer.Serialize(Api.ArtefactJson.Of(d), ExtractCommand.Json));
                return;
            }
            var f = d.Artefact;
            await o.WriteLineAsync($"{f.Title} ({f.Id}){(f.Agency is null ? "" : " · " + f.Agency)}{(f.Status is null ? "" : " · " + f.Status)}");
            if (d.Document is { } doc)
                await o.WriteLineAsync($"  {doc.Type}{(doc.Citation is null ? "" : ", " + doc.Citation)}{(doc.HtmlUrl is null ? "" : " · " + doc.HtmlUrl)}");
            if (d.Timeline.Count > 0) await o.WriteLineAsync("Timeline:");
            foreach (var e in d.Timeline)
                await o.WriteLineAsync($"  {e.Date:yyyy-MM-dd}  {e.Label,-30} {e.DocumentId}{(e.DocumentTitle is null ? "" : "  " + e.DocumentTitle)}");
            if (d.EntityListChanges.Count > 0) await o.WriteLineAsync("Entity List changes:");
            foreach (var c in d.EntityListChanges)
                await o.WriteLineAsync($"  {c.Action,-7} {c.Entity}{(c.Country is null ? "" : " (" + c.Country + ")")}{(c.Aliases.Count == 0 ? "" : "; aliases: " + string.Join("; ", c.Aliases))}");
            await o.WriteLineAsync($"Cited by {d.CitedBy.Count} article(s)");
            foreach (var c in d.CitedBy)
                await o.WriteLineAsync($"  {c.Published?.ToString("yyyy-MM-dd") ?? "undated",-10}  {c.ArticleTitle ?? c.Url}\n              \"{c.Sentence}\"");
        }));
        return command;
    }
}
