using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Cli;

[Collection("postgres")]
public sealed class DigestCliTests(PostgresFixture pg)
{
    [Fact]
    public async Task Subscribers_AddUpdateListRemove_AndPreview()
    {
        var env = new Dictionary<string, string?> { ["ConnectionStrings__PolicyWatch"] = await pg.CreateDatabaseAsync() };
        var html = Path.Combine(Path.GetTempPath(), $"policywatch-preview-{Guid.NewGuid():N}.html");

        var add = await PolicyWatchProcess.RunAsync(["subscribers", "add", "ana@example.test", "--topic", "export-controls", "--send-time", "06:30", "--time-zone", "Europe/Brussels"], env);
        var again = await PolicyWatchProcess.RunAsync(["subscribers", "add", "ana@example.test"], env);
        var badZone = await PolicyWatchProcess.RunAsync(["subscribers", "update", "ana@example.test", "--time-zone", "Mars/Olympus"], env);
        var update = await PolicyWatchProcess.RunAsync(["subscribers", "update", "ana@example.test", "--frequency", "weekdays"], env);
        var list = await PolicyWatchProcess.RunAsync(["subscribers", "list"], env);
        var preview = await PolicyWatchProcess.RunAsync(["digest", "preview", "--subscriber", "ana@example.test", "--date", "2026-11-23", "--out", html], env);
        var remove = await PolicyWatchProcess.RunAsync(["subscribers", "remove", "ana@example.test"], env);

        Assert.Equal(0, add.ExitCode);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("subscribed already", again.Output);
        Assert.Equal(1, badZone.ExitCode);
        Assert.Contains("not an IANA time zone", badZone.Output);
        Assert.Equal(0, update.ExitCode);
        Assert.Contains("ana@example.test\texport-controls, score ≥ 0.5, weekdays at 06:30 Europe/Brussels", list.Output);
        Assert.Equal(0, preview.ExitCode);
        Assert.Contains("nothing new", preview.Output);
        Assert.Contains("<!doctype html>", await File.ReadAllTextAsync(html));
        Assert.Equal(0, remove.ExitCode);
        File.Delete(html);
    }
}
