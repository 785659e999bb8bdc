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
        return artefacts;
    }
}
