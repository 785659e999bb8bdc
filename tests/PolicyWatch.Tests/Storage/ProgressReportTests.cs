namespace PolicyWatch.Tests.Storage;

public sealed class ProgressReportTests
{
    [Fact]
    public void ReportsAtTheEnd_WithCountPercentAndRate_AndNotOnEveryStep()
    {
        var lines = new List<string>();
        var progress = new ProgressReport("articles", 10_000, lines.Add);
        for (var i = 0; i < 10_000; i++) progress.Advance();
        // a tight loop takes far less than the interval: only the final line
        var line = Assert.Single(lines);
        Assert.StartsWith("articles: 10,000/10,000 (100%), ", line);
        Assert.Contains("/s, done in", line);
        Assert.Contains("(50%)", progress.Line(5_000));
        Assert.Contains("left", progress.Line(5_000));
    }
}
