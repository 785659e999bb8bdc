using System.Text.Json;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Cli;

public sealed class ClassifyCliTests : IDisposable
{
    private readonly string _dir = TempDirs.Create("classify-cli");

    private string Write(string name, IEnumerable<object> lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines.Select(l => JsonSerializer.Serialize(l)));
        return path;
    }

    [Fact]
    public async Task TrainClassifyEval_AnyLabelSet_EndToEnd()
    {
        var data = Write("train.jsonl", TinyCorpus.Documents().Select(d => new { id = d.Id, title = d.Title, text = d.Text, topics = d.Labels }));
        var model = Path.Combine(_dir, "model");

        var (trainExit, trainOut) = await PolicyWatchProcess.RunAsync(["train", "--no-feedback", "--data", data, "--out", model, "--folds", "3"]);
        Assert.Equal(0, trainExit);
        Assert.Matches(@"(?m)^fruit\s+12\s+[01]\.\d{3}\s+[01]\.\d{3}\s+[01]\.\d{3}", trainOut);
        Assert.Contains("micro", trainOut);

        var input = Write("in.jsonl", [new { id = "x1", title = "Orchard", text = "The apple harvest in the orchard." }, new { id = "x2", title = "Council", text = "Library hours changed." }]);
        var output = Path.Combine(_dir, "out.jsonl");
        var (classifyExit, _) = await PolicyWatchProcess.RunAsync(["classify", "--model", model, "--in", input, "--out", output]);
        Assert.Equal(0, classifyExit);
        var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("x1", lines[0].GetProperty("id").GetString());
        Assert.Equal(["fruit"], lines[0].GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(3, lines[0].GetProperty("scores").EnumerateObject().Count());
        Assert.Empty(lines[1].GetProperty("topics").EnumerateArray());

        var (evalExit, evalOut) = await PolicyWatchProcess.RunAsync(["eval", "--model", model, "--data", data]);
        Assert.Equal(0, evalExit);
        Assert.Matches(@"(?m)^micro\s+", evalOut);
        Assert.Matches(@"(?m)^macro F1\s+", evalOut);
    }

    [Fact]
    public async Task Classify_ShippedModel_TagsAnExportControlsStory()
    {
        var input = Write("in.jsonl", [new
        {
            id = "ec",
            title = "Commerce tightens licence rules for AI chip exports",
            text = "The Bureau of Industry and Security issued an interim final rule requiring export licences for shipments of advanced " +
                   "AI accelerators and chipmaking tools to additional destinations, and added fourteen companies to the Entity List.",
        }]);
        var output = Path.Combine(_dir, "out.jsonl");
        var (exit, log) = await PolicyWatchProcess.RunAsync(["classify", "--in", input, "--out", output]);
        Assert.Equal(0, exit);
        var topics = JsonDocument.Parse(File.ReadAllLines(output)[0]).RootElement.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains("export-controls", topics);
        Assert.DoesNotContain("pax-silica", topics);
    }

    [Fact]
    public async Task Train_BadDataLine_NamesFileAndLine()
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(path, "{\"id\":\"1\",\"title\":\"ok\",\"text\":\"ok\",\"topics\":[]}\nnot json\n");
        var (exit, output) = await PolicyWatchProcess.RunAsync(["train", "--no-feedback", "--data", path]);
        Assert.Equal(1, exit);
        Assert.Contains($"{path}:2: not a JSON object", output);
    }

    public void Dispose() => TempDirs.Delete(_dir);
}
