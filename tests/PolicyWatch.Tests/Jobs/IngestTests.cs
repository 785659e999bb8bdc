using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PolicyWatch.Feeds;
using PolicyWatch.Jobs;
using PolicyWatch.Model;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Jobs;

[Collection("postgres")]
public sealed class IngestTests(PostgresFixture pg) : IAsyncLifetime
{
    private LoopbackServer _web = null!;
    private ServiceProvider _services = null!;
    private string _db = "";

    public async Task InitializeAsync()
    {
        _web = await LoopbackServer.StartAsync();
        _db = await pg.CreateDatabaseAsync();
        _services = Pipeline.Services(_db);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _web.DisposeAsync();
    }

    private Store Store => _services.GetRequiredService<Store>();
    private Task<IngestSummary> IngestAsync() => _services.GetRequiredService<Ingester>().RunOnceAsync(null, 4, default);

    private async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var conn = new NpgsqlConnection(_db);
        return await conn.ExecuteScalarAsync<T>(sql, args) ?? default!;
    }

    private void ServeRss2Articles()
    {
        _web.Serve("/feed", Fixtures.Read("feeds/rss2.xml", _web.BaseUrl), "application/rss+xml");
        _web.Serve("/articles/licence-rules", Fixtures.ArticlePage("Commerce widens licence rules for advanced accelerators", marker: "MARKER-LICENCE"));
        _web.Serve("/articles/open-weights-week", Fixtures.ArticlePage("Three open-weight releases in one week"));
        _web.Serve("/articles/gulf-campus", Fixtures.ArticlePage("Gulf compute campus breaks ground"));
    }

    [Fact]
    public async Task Ingest_RssFeed_StoresEachArticleOnce_AndASecondRunChangesNothing()
    {
        ServeRss2Articles();
        await _services.AddSourceAsync(Pipeline.Source("lakeside", _web.Url("/feed")));

        var first = await IngestAsync();
        var second = await IngestAsync();

        Assert.Equal((3, 3, 0), (first.New, first.Stored, first.ArticlesFailed));
        Assert.Equal((0, 0, 3), (second.New, second.Stored, second.Unchanged));
        var articles = await Store.ListArticlesAsync(new ArticleFilter());
        Assert.Equal(3, articles.Count);
        Assert.All(articles, a => Assert.Equal(ArticleStatus.Processed, a.Status));
        var licence = await Store.GetArticleAsync(articles.Single(a => a.Title!.StartsWith("Commerce")).Id);
        Assert.Equal("Commerce widens licence rules for advanced accelerators", licence!.Title);      // no " | Site" suffix
        Assert.StartsWith("MARKER-LICENCE", licence.Body);
        Assert.DoesNotContain("Share on X", licence.Body);
        Assert.DoesNotContain("All rights reserved", licence.Body);
        Assert.Equal(_web.Url("/articles/licence-rules").AbsoluteUri, licence.CanonicalUrl);         // utm_* stripped
        Assert.Equal(["Jordan Vale"], licence.Authors);
        Assert.Equal(1, _web.Hits("/articles/licence-rules"));
    }

    [Fact]
    public async Task Ingest_TagsArticlesWithTheShippedModel_AndExplainsTheTags()
    {
        _web.Serve("/feed", Fixtures.Rss(_web.BaseUrl, ("/ec", "Licence rule")), "application/rss+xml");
        _web.Serve("/ec", $$"""
            <html lang="en"><head><title>Commerce tightens licence rules for AI chip exports</title></head><body><article>
            <h1>Commerce tightens licence rules for AI chip exports</h1>
            <p>The Bureau of Industry and Security issued an interim final rule on Tuesday that requires export licences for shipments of
            advanced AI accelerators and semiconductor manufacturing equipment to a longer list of destinations.</p>
            <p>The rule also adds fourteen companies to the Entity List, and officials said licence applications would be reviewed under a
            presumption of denial. Chipmakers have thirty days to comment on the new export controls.</p>
            </article></body></html>
            """);
        await _services.AddSourceAsync(Pipeline.Source("s", _web.Url("/feed")));

        await IngestAsync();

        var article = Assert.Single(await Store.ListArticlesAsync(new ArticleFilter()));
        var tags = await Store.GetTopicsAsync(article.Id);
        var tag = Assert.Single(tags, t => t.Topic == "export-controls");
        Assert.InRange(tag.Score, 0.3f, 1f);
        Assert.EndsWith("-linear-svm", tag.ModelVersion);
        Assert.Contains("\"terms\"", tag.ExplanationJson);
    }

    [Fact]
    public async Task DuplicateItemsAcrossFeedsAndRedirects_StoreOneArticle()
    {
        var canonical = _web.Url("/story").AbsoluteUri;
        _web.Serve("/feed-a", Fixtures.Rss(_web.BaseUrl, ("/story?utm_campaign=a", "Story")), "application/rss+xml");
        _web.Serve("/feed-b", Fixtures.Rss(_web.BaseUrl, ("/go/123", "Story via aggregator"), ("/story#comments", "Same story, fragment")), "application/rss+xml");
        _web.Redirect("/go/123", "/story?ref_src=agg");
        _web.Serve("/story", Fixtures.ArticlePage("One story", canonical: canonical));
        await _services.AddSourceAsync(Pipeline.Source("feed-a", _web.Url("/feed-a")));
        await _services.AddSourceAsync(Pipeline.Source("feed-b", _web.Url("/feed-b")));

        await IngestAsync();
        await IngestAsync();

        var all = await Store.ListArticlesAsync(new ArticleFilter());
        var article = Assert.Single(all);
        Assert.Equal(canonical, article.CanonicalUrl);
        Assert.Equal(ArticleStatus.Processed, article.Status);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM article_urls WHERE article_id <> @id", new { id = article.Id }));
    }

    [Fact]
    public async Task FeedWithTenThousandItems_RecordsEachOnce()
    {
        var items = Enumerable.Range(0, 10_000).Select(i => ($"/bulk/{i}", $"Item {i}")).ToArray();
        _web.Serve("/big", Fixtures.Rss(_web.BaseUrl, items), "application/rss+xml");
        var id = await _services.AddSourceAsync(Pipeline.Source("big", _web.Url("/big")));
        var poller = _services.GetRequiredService<SourcePoller>();

        var first = await poller.PollAsync(id, default);
        var second = await poller.PollAsync(id, default);

        Assert.Equal(10_000, first!.NewIds.Count);
        Assert.Empty(second!.NewIds);
        Assert.Equal(10_000, second.Unchanged);
        Assert.Equal(10_000L, await ScalarAsync<long>("SELECT count(*) FROM articles WHERE status = 'pending'"));
    }

    [Fact]
    public async Task CanonicalUrlOnAnotherSite_IsAHintNotAnIdentity_AndFutureDatesAreDropped()
    {
        // a hostile page claims a real article's address on another site, and a date far in the future
        _web.Serve("/feed", Fixtures.Rss(_web.BaseUrl, ("/squat", "Squatter"), ("/honest", "Honest")).Replace("<item>", "<item><pubDate>Mon, 01 Jan 2099 00:00:00 GMT</pubDate>"), "application/rss+xml");
        _web.Serve("/squat", Fixtures.ArticlePage("Fake story about chips", canonical: "https://victim.example/real-story", published: "2099-01-01T00:00:00Z"));
        _web.Serve("/honest", Fixtures.ArticlePage("Honest story about chips", canonical: _web.Url("/honest?utm_source=x").AbsoluteUri));
        await _services.AddSourceAsync(Pipeline.Source("mixed", _web.Url("/feed")));

        var summary = await IngestAsync();

        Assert.Equal(2, summary.Stored);
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM article_urls WHERE url LIKE '%victim.example%'"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM articles WHERE canonical_url LIKE '%victim.example%'"));
        Assert.Equal(_web.Url("/squat").AbsoluteUri, await ScalarAsync<string>("SELECT canonical_url FROM articles WHERE title LIKE 'Fake%'"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM articles WHERE published_at > now() + interval '1 day'"));
    }

    [Theory]
    [InlineData("\u0001\u0002 binary, not XML", "malformed feed")]
    [InlineData("<!doctype html><html><body><h1>Our news</h1></body></html>", "not a feed: the server sent an HTML page")]
    public async Task BadFeed_IsRecordedOnTheSource_AndOtherSourcesGoOn(string body, string error)
    {
        ServeRss2Articles();
        _web.Serve("/broken", body, "application/rss+xml");
        await _services.AddSourceAsync(Pipeline.Source("good", _web.Url("/feed")));
        var brokenId = await _services.AddSourceAsync(Pipeline.Source("broken", _web.Url("/broken")));

        var summary = await IngestAsync();

        Assert.Equal((2, 1, 3), (summary.SourcesPolled, summary.SourcesFailed, summary.Stored));
        var broken = await Store.GetSourceAsync(brokenId);
        Assert.Contains(error, broken!.LastError);
        Assert.Equal(1, broken.ErrorCount);
        Assert.True(broken.NextPollAt > DateTime.UtcNow.AddMinutes(30));
    }

    [Fact]
    public async Task FeedAnswering429_BacksOffAtLeastRetryAfter()
    {
        _web.Status("/busy", 429, r => r.Headers.RetryAfter = "7200");
        var id = await _services.AddSourceAsync(Pipeline.Source("busy", _web.Url("/busy")));
        await IngestAsync();
        var source = await Store.GetSourceAsync(id);
        Assert.Contains("HTTP 429", source!.LastError);
        Assert.True(source.NextPollAt >= DateTime.UtcNow.AddMinutes(119), $"next poll {source.NextPollAt:o}");
    }

    [Fact]
    public async Task SourceFailingRepeatedly_IsMarkedUnhealthy()
    {
        _web.Status("/gone", 500);
        var id = await _services.AddSourceAsync(Pipeline.Source("gone", _web.Url("/gone")));
        var poller = _services.GetRequiredService<SourcePoller>();
        for (var i = 0; i < PollSchedule.UnhealthyAfterFailures; i++) await poller.PollAsync(id, default);
        var source = await Store.GetSourceAsync(id);
        Assert.False(source!.Healthy);
        Assert.Equal(PollSchedule.UnhealthyAfterFailures, source.ErrorCount);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(410)]
    public async Task ArticleGone_IsFailedPermanentlyWithTheReason(int status)
    {
        _web.Serve("/feed", Fixtures.Rss(_web.BaseUrl, ("/missing", "Missing")), "application/rss+xml");
        _web.Status("/missing", status);
        await _services.AddSourceAsync(Pipeline.Source("s", _web.Url("/feed")));

        var summary = await IngestAsync();
        await IngestAsync();

        Assert.Equal(1, summary.ArticlesFailed);
        var article = Assert.Single(await Store.ListArticlesAsync(new ArticleFilter()));
        Assert.Equal(ArticleStatus.Failed, article.Status);
        Assert.Contains($"HTTP {status}", article.Error);
        Assert.Equal(1, _web.Hits("/missing"));
    }

    [Fact]
    public async Task ArticleTemporarilyDown_IsRetriedLaterAndStoredOnce()
    {
        var up = false;
        _web.Serve("/feed", Fixtures.Rss(_web.BaseUrl, ("/later", "Later")), "application/rss+xml");
        _web.Map("/later", c =>
        {
            if (!up) { c.Response.StatusCode = 503; return Task.CompletedTask; }
            return c.Response.WriteAsync(Fixtures.ArticlePage("Back again"));
        });
        await _services.AddSourceAsync(Pipeline.Source("s", _web.Url("/feed")));

        var first = await IngestAsync();
        var pending = Assert.Single(await Store.ListArticlesAsync(new ArticleFilter()));
        up = true;
        var second = await IngestAsync();

        Assert.Equal(1, first.Retrying);
        Assert.Equal(ArticleStatus.Pending, pending.Status);
        Assert.Contains("HTTP 503", pending.Error);
        Assert.Equal(1, second.Stored);
        Assert.Equal(ArticleStatus.Processed, Assert.Single(await Store.ListArticlesAsync(new ArticleFilter())).Status);
    }

    [Fact]
    public async Task ValidatorsThatLie_AreDetectedAndIgnored()
    {
        var items = new List<(string, string)> { ("/v/1", "First") };
        _web.Map("/lying", c =>
        {
            // answers 304 to any conditional request, whatever changed
            if (c.Request.Headers.IfNoneMatch.Count > 0) { c.Response.StatusCode = 304; return Task.CompletedTask; }
            c.Response.Headers.ETag = "\"always-the-same\"";
            c.Response.ContentType = "application/rss+xml";
            return c.Response.WriteAsync(Fixtures.Rss(_web.BaseUrl, [.. items]));
        });
        var id = await _services.AddSourceAsync(Pipeline.Source("lying", _web.Url("/lying")));
        var poller = _services.GetRequiredService<SourcePoller>();

        await poller.PollAsync(id, default);                       // full fetch: 1 item, ETag stored
        items.Add(("/v/2", "Second"));
        var conditional = await poller.PollAsync(id, default);     // conditional: the server lies with 304
        await using (var conn = new NpgsqlConnection(_db))         // a day passes: time for the periodic full fetch
            await conn.ExecuteAsync("UPDATE sources SET last_full_fetch_at = now() - interval '2 days' WHERE id = @id", new { id });
        var full = await poller.PollAsync(id, default);
        var before = _web.Requests.Count;
        await poller.PollAsync(id, default);

        Assert.True(conditional!.NotModified);
        Assert.Single(full!.NewIds);
        Assert.True((await Store.GetSourceAsync(id))!.ValidatorsIgnored);
        Assert.All(_web.Requests.Skip(before), r => Assert.Equal(0, r.Headers.IfNoneMatch.Count));
    }

    [Fact]
    public async Task HonestNotModified_KeepsValidatorsAndStoresNothingNew()
    {
        ServeRss2Articles();
        _web.Map("/feed", c =>
        {
            if (c.Request.Headers.IfNoneMatch == "\"v1\"") { c.Response.StatusCode = 304; return Task.CompletedTask; }
            c.Response.Headers.ETag = "\"v1\"";
            return c.Response.WriteAsync(Fixtures.Read("feeds/rss2.xml", _web.BaseUrl));
        });
        var id = await _services.AddSourceAsync(Pipeline.Source("honest", _web.Url("/feed")));
        var poller = _services.GetRequiredService<SourcePoller>();
        await poller.PollAsync(id, default);
        var second = await poller.PollAsync(id, default);
        var source = await Store.GetSourceAsync(id);
        Assert.True(second!.NotModified);
        Assert.Equal("\"v1\"", source!.Etag);
        Assert.False(source.ValidatorsIgnored);
        Assert.Equal(1, source.NotModifiedStreak);
    }

    [Fact]
    public async Task SyncSources_AddsUpdatesAndDisables()
    {
        var a = Pipeline.Source("a", _web.Url("/a"));
        var b = Pipeline.Source("b", _web.Url("/b"));
        var first = await Store.SyncSourcesAsync([a, b]);
        var again = await Store.SyncSourcesAsync([a, b]);
        var changed = await Store.SyncSourcesAsync([a with { Name = "A renamed" }]);
        var rows = await Store.ListSourcesAsync();
        Assert.Equal(new SourceSyncResult(2, 0, 0), first);
        Assert.Equal(new SourceSyncResult(0, 0, 0), again);
        Assert.Equal(new SourceSyncResult(0, 1, 1), changed);
        Assert.Equal("A renamed", rows.Single(r => r.Slug == "a").Name);
        Assert.False(rows.Single(r => r.Slug == "b").Enabled);
    }

    [Fact]
    public async Task DatabaseRestartedMidRun_NothingLostOrDuplicated()
    {
        var dir = TempDirs.Create("restart");
        await using var server = await LocalPostgres.StartAsync(new LocalPostgresOptions { DataDir = dir, NoSync = true, Tune = false }, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await using var services = Pipeline.Services(server.ConnectionString, new Dictionary<string, string?> { ["Fetch:MaxConcurrentPerHost"] = "4" });
        await services.GetRequiredService<Migrator>().MigrateAsync();
        var restarted = new TaskCompletionSource();
        _web.Serve("/feed", Fixtures.Rss(_web.BaseUrl, ("/slow/1", "One"), ("/slow/2", "Two"), ("/slow/3", "Three")), "application/rss+xml");
        foreach (var n in new[] { 1, 2, 3 })
            _web.Map($"/slow/{n}", async c => { await restarted.Task.WaitAsync(TimeSpan.FromSeconds(30)); await c.Response.WriteAsync(Fixtures.ArticlePage($"Slow article {n}")); });
        await services.AddSourceAsync(Pipeline.Source("s", _web.Url("/feed")));
        var run = services.GetRequiredService<Ingester>().RunOnceAsync(null, 4, default);
        while (_web.Hits("/slow/1") + _web.Hits("/slow/2") + _web.Hits("/slow/3") < 3) await Task.Delay(50);
        await server.RestartAsync();                 // every pooled connection is now broken
        restarted.SetResult();
        var summary = await run;

        await using var conn = new NpgsqlConnection(server.ConnectionString);
        var states = string.Join("; ", await conn.QueryAsync<string>("SELECT status || ' ' || coalesce(error, '') || ' ' || attempts FROM articles"));
        Assert.True(summary.Stored == 3, $"{summary} / {states}");
        Assert.Equal(3L, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM articles WHERE status = 'processed'"));
        await services.DisposeAsync();
        await server.DisposeAsync();                 // before its directory goes
        TempDirs.Delete(dir);
    }
}
