using System.Net;
using System.Text.Json;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Cli;

[Collection("postgres")]
public sealed class ServeTests(PostgresFixture pg)
{
    [Fact]
    public async Task Serve_ConfiguredDatabase_AnswersHealthAndStopsOnSigint()
    {
        var port = Ports.FreeLoopbackPort();
        var feeds = Path.Combine(Path.GetTempPath(), $"policywatch-serve-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(feeds, """{"sources":[{"slug":"one","name":"One","url":"http://127.0.0.1:9/feed","kind":"rss","pollInterval":"1d"}]}""");
        await using var serve = PolicyWatchProcess.Start(["serve", "--urls", $"http://127.0.0.1:{port}"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__PolicyWatch"] = await pg.CreateDatabaseAsync(migrated: false),
            ["Ingest__FeedsFile"] = feeds,
        });
        await serve.WaitForOutputAsync("Application started");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Contains("Applied migration 0001", serve.Output);
        Assert.DoesNotContain("Password=", serve.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Sources from", serve.Output);
        // the dashboard needs an admin now (AnalystApiTests); anonymous callers are turned away
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/hangfire/recurring")).StatusCode);

        await serve.SignalAsync("INT");
        await serve.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, serve.ExitCode);
        File.Delete(feeds);
    }
}
