using Dapper;
using Npgsql;
using PolicyWatch.Search;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Storage;

/// <summary>
/// Search over more matches than its ranking window, spread over two years so that every time slice is read:
/// what is counted, ranked and paged, and that nothing is skipped or repeated at the slices' edges.
/// </summary>
[Collection("postgres")]
public sealed class SearchWindowTests(PostgresFixture pg) : IAsyncLifetime
{
    private const int Articles = 1300;
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _db = null!;
    private Store _store = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync());
        _store = new Store(_db);
        await using var conn = await _db.OpenConnectionAsync();
        // article g is g × 13 hours old: 1,300 of them reach back 704 days; every 100th also mentions a quokka
        await conn.ExecuteAsync("""
            INSERT INTO sources (slug, name, url, kind) VALUES ('wire-a', 'Wire A', 'https://a.example/rss', 'rss'), ('wire-b', 'Wire B', 'https://b.example/rss', 'rss');
            INSERT INTO articles (source_id, url, canonical_url, title, body, published_at, discovered_at, language, status)
            SELECT (SELECT id FROM sources WHERE slug = CASE WHEN g % 4 = 0 THEN 'wire-a' ELSE 'wire-b' END),
                   'https://x.example/' || g, 'https://x.example/' || g,
                   'Tariff story ' || g || CASE WHEN g % 100 = 0 THEN ' about a quokka' ELSE '' END,
                   'Officials discussed tariffs and trade in story number ' || g || '.',
                   @now - g * interval '13 hours', @now - g * interval '13 hours', 'en', 'processed'
            FROM generate_series(0, @last) g;
            INSERT INTO article_topics (article_id, topic, score, model_version)
            SELECT id, 'export-controls', 0.8, 'test' FROM articles WHERE id % 10 = 0;
            ANALYZE articles; ANALYZE article_topics;
            """, new { now = Now, last = Articles - 1 });
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task ByDate_PagesThroughEveryMatchOnce_AcrossTheTimeSlices()
    {
        var seen = new List<SearchHit>();
        string? after = null;
        do
        {
            var page = await _store.SearchAsync(new SearchQuery { Text = "tariff", Sort = SearchSort.Date, Limit = 200, After = after }, Now);
            seen.AddRange(page.Hits);
            after = page.Next;
        } while (after is not null);

        Assert.Equal(Articles, seen.Count);
        Assert.Equal(Articles, seen.Select(h => h.Id).Distinct().Count());
        Assert.Equal(seen.OrderByDescending(h => h.Published).Select(h => h.Id), seen.Select(h => h.Id));
    }

    [Fact]
    public async Task ByRelevance_MoreMatchesThanTheWindow_RanksTheNewestAndEstimatesTheTotal()
    {
        var result = await _store.SearchAsync(new SearchQuery { Text = "tariff", Limit = 20 }, Now);

        Assert.True(result.TotalIsEstimate);
        Assert.InRange(result.Total, Store.SearchWindow, Articles * 2);
        Assert.Equal(Store.SearchWindow, result.WindowSize);
        // the 500th newest is story 499, 499 × 13 hours old
        Assert.Equal(Now.AddHours(-13 * (Store.SearchWindow - 1)), result.WindowFrom);
        Assert.All(result.Hits, h => Assert.True(h.Published >= result.WindowFrom!.Value.UtcDateTime));
        Assert.Equal(Store.SearchWindow, result.SourceFacets.Sum(f => f.Count));
        Assert.Equal(Store.SearchWindow / 4, result.SourceFacets.Single(f => f.Key == "wire-a").Count);
    }

    [Fact]
    public async Task ByRelevance_PagesCoverTheWindowOnce()
    {
        var seen = new List<long>();
        string? after = null;
        do
        {
            var page = await _store.SearchAsync(new SearchQuery { Text = "tariff", Limit = 150, After = after, Facets = false }, Now);
            seen.AddRange(page.Hits.Select(h => h.Id));
            after = page.Next;
        } while (after is not null);

        Assert.Equal(Store.SearchWindow, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task RareTerm_IsFoundInEverySliceAndCountedExactly()
    {
        var result = await _store.SearchAsync(new SearchQuery { Text = "quokka", Limit = 20 }, Now);

        Assert.False(result.TotalIsEstimate);
        Assert.Null(result.WindowFrom);
        Assert.Equal(Articles / 100, result.Total);
        Assert.Equal(Articles / 100, result.Hits.Count);
        Assert.Contains(result.Hits, h => h.Title == "Tariff story 1200 about a quokka"); // 650 days old
    }

    [Fact]
    public async Task Since_BoundsTheSlicesAndTheCountIsExact()
    {
        var since = Now.AddDays(-30);
        var result = await _store.SearchAsync(new SearchQuery { Text = "tariff", Since = since, Sort = SearchSort.Date, Limit = 200 }, Now);

        var expected = Enumerable.Range(0, Articles).Count(g => Now.AddHours(-13 * g) >= since);
        Assert.False(result.TotalIsEstimate);
        Assert.Equal(expected, result.Total);
        Assert.Equal(expected, result.Hits.Count);
        Assert.Null(result.Next);
    }

    [Fact]
    public async Task TopicFilter_WithoutText_FewerMatchesThanTheWindow_CountsExactly()
    {
        await using var conn = await _db.OpenConnectionAsync();
        var tagged = await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM article_topics WHERE topic = 'export-controls'");

        var result = await _store.SearchAsync(new SearchQuery { Topics = ["export-controls"], Limit = 20 }, Now);

        Assert.InRange(tagged, 1, Store.SearchWindow - 1);
        Assert.False(result.TotalIsEstimate);
        Assert.Equal(tagged, result.Total);
        Assert.Equal(tagged, result.TopicFacets.Single(f => f.Key == "export-controls").Count);
        Assert.All(result.Hits, h => Assert.Contains("export-controls", h.Topics.Keys));
    }

    [Fact]
    public async Task SyndicatedCopies_AreShownOnce_AlsoPublishedByTheOthers()
    {
        await using (var conn = await _db.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO articles (source_id, url, canonical_url, title, body, published_at, discovered_at, language, status)
                SELECT s.id, 'https://copy.example/' || s.slug, 'https://copy.example/' || s.slug, t.title, 'The wombat census counted more wombats than ever.', @now - t.age, @now - t.age, 'en', 'processed'
                FROM (VALUES ('wire-a', 'Wombat census: record year!', interval '1 hour'), ('wire-b', 'Wombat Census — record year', interval '2 hours')) AS t(slug, title, age)
                JOIN sources s ON s.slug = t.slug
                """, new { now = Now });

        foreach (var sort in new[] { SearchSort.Relevance, SearchSort.Date })
        {
            var result = await _store.SearchAsync(new SearchQuery { Text = "wombat", Sort = sort }, Now);

            var hit = Assert.Single(result.Hits);
            Assert.Equal("Wombat census: record year!", hit.Title);
            Assert.Equal(["Wire B"], hit.AlsoPublishedBy);
        }
    }

    [Fact]
    public async Task TagDates_FollowTheArticle_WhateverWritesThem()
    {
        await using var conn = await _db.OpenConnectionAsync();
        var id = await conn.ExecuteScalarAsync<long>("SELECT id FROM articles WHERE title = 'Tariff story 7'");
        await conn.ExecuteAsync("INSERT INTO article_topics (article_id, topic, score, model_version) VALUES (@id, 'pax-silica', 0.9, 'test')", new { id });
        Task<DateTime> TagDate() => conn.ExecuteScalarAsync<DateTime>("SELECT sort_date FROM article_topics WHERE article_id = @id AND topic = 'pax-silica'", new { id });

        Assert.Equal(Now.AddHours(-13 * 7).UtcDateTime, await TagDate());

        await conn.ExecuteAsync("UPDATE articles SET published_at = @d WHERE id = @id", new { id, d = Now.AddDays(-400) });
        Assert.Equal(Now.AddDays(-400).UtcDateTime, await TagDate());

        await conn.ExecuteAsync("UPDATE articles SET published_at = NULL, discovered_at = @d WHERE id = @id", new { id, d = Now.AddDays(-2) });
        Assert.Equal(Now.AddDays(-2).UtcDateTime, await TagDate());
        var found = await _store.SearchAsync(new SearchQuery { Topics = ["pax-silica"], Since = Now.AddDays(-3) }, Now);
        Assert.Equal([id], found.Hits.Select(h => h.Id));
    }

    [Fact]
    public async Task ByRelevance_ArticlesFoundAfterTheFirstPage_DoNotShiftLaterPages()
    {
        var all = new List<long>();
        var first = await _store.SearchAsync(new SearchQuery { Text = "tariff", Limit = 100, Facets = false }, Now);
        all.AddRange(first.Hits.Select(h => h.Id));
        // fifty more matches turn up, newer than most of the window: found after the first page, so not part of this search
        await using (var conn = await _db.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO articles (source_id, url, canonical_url, title, body, published_at, discovered_at, language, status)
                SELECT (SELECT id FROM sources WHERE slug = 'wire-a'), 'https://late.example/' || g, 'https://late.example/' || g,
                       'Late tariff item ' || g, 'Tariffs again.', @now - interval '1 hour', @now + interval '1 minute', 'en', 'processed'
                FROM generate_series(1, 50) g
                """, new { now = Now });

        var after = first.Next;
        while (after is not null)
        {
            var page = await _store.SearchAsync(new SearchQuery { Text = "tariff", Limit = 100, Facets = false, After = after }, Now.AddMinutes(5));
            all.AddRange(page.Hits.Select(h => h.Id));
            after = page.Next;
        }

        Assert.Equal(Store.SearchWindow, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        await using var check = await _db.OpenConnectionAsync();
        Assert.Empty(await check.QueryAsync<long>("SELECT id FROM articles WHERE url LIKE 'https://late.example/%' AND id = ANY(@all)", new { all = all.ToArray() }));
    }

    [Fact]
    public async Task ByDate_CopiesFoldIntoOneStory_PagesStayFull_NothingRepeats()
    {
        await using (var conn = await _db.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO articles (source_id, url, canonical_url, title, body, published_at, discovered_at, language, status)
                SELECT (SELECT id FROM sources WHERE slug = CASE WHEN g % 2 = 0 THEN 'wire-a' ELSE 'wire-b' END), 'https://copy.example/' || g, 'https://copy.example/' || g,
                       'Ministers agree new tariff schedule', 'The tariff schedule was agreed.', @now - g * interval '1 minute', @now - g * interval '1 minute', 'en', 'processed'
                FROM generate_series(1, 6) g
                """, new { now = Now });

        var seen = new List<SearchHit>();
        var pages = new List<int>();
        string? after = null;
        do
        {
            var page = await _store.SearchAsync(new SearchQuery { Text = "tariff", Sort = SearchSort.Date, Limit = 7, After = after, Facets = false }, Now);
            seen.AddRange(page.Hits);
            pages.Add(page.Hits.Count);
            after = page.Next;
        } while (after is not null && pages.Count < 10);

        Assert.All(pages, n => Assert.Equal(7, n));
        Assert.Single(seen, h => h.Title == "Ministers agree new tariff schedule");
        Assert.Equal(["Wire A"], seen.Single(h => h.Title == "Ministers agree new tariff schedule").AlsoPublishedBy);
        Assert.Equal(seen.Count, seen.Select(h => h.Id).Distinct().Count());
    }

    [Fact]
    public async Task ByDate_ACopyBehindAnotherStory_IsNotShownAgainOnALaterPage()
    {
        await using (var conn = await _db.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO articles (source_id, url, canonical_url, title, body, published_at, discovered_at, language, status)
                SELECT s.id, 'https://w.example/' || t.n, 'https://w.example/' || t.n, t.title, 'Wombats.', @now - t.age, @now - t.age, 'en', 'processed'
                FROM (VALUES (1, 'wire-a', 'Wombat census hits record high', interval '1 minute'),
                             (2, 'wire-b', 'Other wombat news this week', interval '2 minutes'),
                             (3, 'wire-b', 'Wombat census hits record high!', interval '3 minutes')) AS t(n, slug, title, age)
                JOIN sources s ON s.slug = t.slug
                """, new { now = Now });

        var titles = new List<string?>();
        string? after = null;
        do
        {
            var page = await _store.SearchAsync(new SearchQuery { Text = "wombat", Sort = SearchSort.Date, Limit = 1, After = after, Facets = false }, Now);
            titles.AddRange(page.Hits.Select(h => h.Title));
            after = page.Next;
        } while (after is not null && titles.Count < 10);

        Assert.Equal(["Wombat census hits record high", "Other wombat news this week"], titles);
    }
}
