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
        return artefacts;
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
            var artefact = await store.GetArtefactAsync(parse.GetValue(id)!, ct) ?? throw new ArgumentException($"no stored article has cited {parse.GetValue(id)}");
            var citations = await store.ArtefactCitationsAsync(artefact.Id, Math.Clamp(parse.GetValue(limit), 1, 500), ct);
            if (parse.GetValue(format) == "json")
            {
                await o.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    artefact.Id, artefact.Kind, artefact.Title, artefact.Agency, artefact.Status,
                    citedBy = citations.Select(c => new { id = c.ArticleId, title = c.ArticleTitle, c.Url, c.Source, published = c.Published, c.Sentence }),
                }, ExtractCommand.Json));
                return;
            }
            await o.WriteLineAsync($"{artefact.Title} ({artefact.Id}), cited by {citations.Count} article(s)");
            foreach (var c in citations)
                await o.WriteLineAsync($"  {c.Published?.ToString("yyyy-MM-dd") ?? "undated",-10}  {c.ArticleTitle ?? c.Url}\n              \"{c.Sentence}\"");
        }));
        return command;
    }
}
