using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PolicyWatch.Fetch;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Fetch;

/// <summary>robots.txt shared through the database: processes on one database fetch a site's robots.txt once per cache period.</summary>
[Collection("postgres")]
public sealed class SharedRobotsTests(PostgresFixture pg) : IAsyncLifetime
{
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task TwoProcesses_FetchRobotsTxtOnce_AndBothObeyIt()
    {
        var db = await pg.CreateDatabaseAsync();
        _server.Serve("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain");
        _server.Serve("/news/a", "<p>a</p>");
        _server.Serve("/private/b", "<p>b</p>");
        // two service graphs on one database: two workers
        await using var first = Pipeline.Services(db);
        await first.GetRequiredService<Migrator>().MigrateAsync();
        await using var second = Pipeline.Services(db);

        Assert.Equal(FetchOutcome.Ok, (await first.GetRequiredService<PageFetcher>().FetchAsync(_server.Url("/news/a"))).Outcome);
        var blocked = await second.GetRequiredService<PageFetcher>().FetchAsync(_server.Url("/private/b"));

        Assert.Equal(FetchOutcome.PermanentFailure, blocked.Outcome);
        Assert.Contains("robots.txt", blocked.Error);
        Assert.Equal(1, _server.Hits("/robots.txt"));
        Assert.Equal(0, _server.Hits("/private/b"));
        await using var conn = new NpgsqlConnection(db);
        Assert.Equal(_server.BaseUrl.GetLeftPart(UriPartial.Authority), await conn.ExecuteScalarAsync<string>("SELECT origin FROM robots_txt"));
    }

    [Fact]
    public async Task AnExpiredSharedAnswer_IsFetchedAgain_AndAServerErrorIsNeverShared()
    {
        var db = await pg.CreateDatabaseAsync();
        await using var services = Pipeline.Services(db);
        await services.GetRequiredService<Migrator>().MigrateAsync();
        var store = services.GetRequiredService<IRobotsStore>();
        var origin = _server.BaseUrl.GetLeftPart(UriPartial.Authority);
        await store.PutAsync(origin, "User-agent: *\nDisallow: /\n", DateTimeOffset.UtcNow.AddMinutes(-1), default);
        Assert.Null(await store.GetAsync(origin, default));

        _server.Status("/robots.txt", 503);
        _server.Serve("/news/a", "<p>a</p>");
        var r = await services.GetRequiredService<PageFetcher>().FetchAsync(_server.Url("/news/a"));
        Assert.Equal(FetchOutcome.TemporaryFailure, r.Outcome);
        // asked again (the client's own retries of a 5xx included), not taken from the expired row
        Assert.True(_server.Hits("/robots.txt") >= 1);
        Assert.Null(await store.GetAsync(origin, default));
    }
}
