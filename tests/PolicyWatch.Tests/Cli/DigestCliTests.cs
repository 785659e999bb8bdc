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

    [Fact]
    public async Task SavedSearches_AddListFollowRemove()
    {
        var env = new Dictionary<string, string?> { ["ConnectionStrings__PolicyWatch"] = await pg.CreateDatabaseAsync() };

        Assert.Equal(0, (await PolicyWatchProcess.RunAsync(["users", "add", "ana"], env)).ExitCode);
        var add = await PolicyWatchProcess.RunAsync(["saved-searches", "add", "ana", "Entity list", "q=\"entity list\"&topic=export-controls"], env);
        var bad = await PolicyWatchProcess.RunAsync(["saved-searches", "add", "ana", "Broken", "since=yesterday-ish"], env);
        var id = add.Output.Split("saved search ")[1].Split(':')[0];
        var list = await PolicyWatchProcess.RunAsync(["saved-searches", "list"], env);
        var follow = await PolicyWatchProcess.RunAsync(["subscribers", "add", "ana@example.test", "--saved-search", id], env);
        var unknown = await PolicyWatchProcess.RunAsync(["subscribers", "add", "bo@example.test", "--saved-search", "99999"], env);
        var unknownTopic = await PolicyWatchProcess.RunAsync(["subscribers", "add", "cy@example.test", "--topic", "no-such-topic"], env);
        var remove = await PolicyWatchProcess.RunAsync(["saved-searches", "remove", id], env);
        var after = await PolicyWatchProcess.RunAsync(["subscribers", "list"], env);

        Assert.Equal(0, add.ExitCode);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("not a date", bad.Output);
        Assert.Contains($"{id}\tana\tEntity list\tq=\"entity list\"&topic=export-controls", list.Output);
        Assert.Equal(0, follow.ExitCode);
        Assert.Contains($"no topics, saved searches {id}", follow.Output);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no saved search 99999", unknown.Output);
        Assert.Equal(1, unknownTopic.ExitCode);
        Assert.Contains("unknown topic no-such-topic", unknownTopic.Output);
        Assert.Equal(0, remove.ExitCode);
        Assert.Contains("ana@example.test\tall topics", after.Output);
    }
}
