using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PolicyWatch.Artefacts;
using PolicyWatch.Feeds;
using PolicyWatch.Jobs;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Api;

[Collection("postgres")]
public sealed class ArtefactRecordTests(PostgresFixture pg) : IAsyncLifetime
{
    private ServedApp _app = null!;

    public async Task InitializeAsync() => _app = await ServedApp.StartAsync(pg);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Json)> GetAsync(string path)
    {
        using var http = _app.Client(_app.AnalystKey);
        var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text[0] == '{' ? JsonDocument.Parse(text).RootElement : default);
    }

    [Fact]
    public async Task StoredArticles_BecomeCitationsOfTheirArtefacts_WithTheCitingSentence()
    {
        // fictional wording; the identifiers are real ones
        var first = await _app.AddArticleAsync("Licence rule tightens accelerator exports",
            "Officials spoke on Monday. The rule moves more accelerators under ECCN 3A090 and adds three firms to the Entity List. Shipments already licensed may continue.",
            ["export-controls"], "2026-11-21T08:00:00Z");
        var second = await _app.AddArticleAsync("Analysis: what 3A090 covers now",
            "Our reading of ECCN 3A090.a is narrower than the agency's. Nothing else is cited here.",
            ["export-controls"], "2026-11-22T08:00:00Z");

        var (status, eccn) = await GetAsync("/api/artefacts/eccn:3A090");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("eccn", eccn.GetProperty("kind").GetString());
        Assert.Equal("ECCN 3A090", eccn.GetProperty("title").GetString());
        var citing = eccn.GetProperty("citedBy").EnumerateArray().ToList();
        Assert.Contains(citing, c => c.GetProperty("id").GetInt64() == first
            && c.GetProperty("sentence").GetString() == "The rule moves more accelerators under ECCN 3A090 and adds three firms to the Entity List.");

        var (_, list) = await GetAsync("/api/artefacts/list:entity-list");
        Assert.Equal(first, Assert.Single(list.GetProperty("citedBy").EnumerateArray()).GetProperty("id").GetInt64());

        var (_, article) = await GetAsync($"/api/articles/{first}");
        var cited = article.GetProperty("artefacts").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToList();
        Assert.Equal(["eccn:3A090", "list:entity-list"], cited);

        var (_, search) = await GetAsync("/api/search?artefact=list:entity-list");
        Assert.Equal(first, Assert.Single(search.GetProperty("hits").EnumerateArray()).GetProperty("id").GetInt64());
        var (_, facetted) = await GetAsync("/api/search?q=accelerators");
        var artefactFacets = facetted.GetProperty("facets").GetProperty("artefacts").EnumerateArray()
            .ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("count").GetInt64());
        Assert.Equal(1, artefactFacets["list:entity-list"]);
        Assert.Equal(1, artefactFacets["eccn:3A090"]);
        Assert.Equal(0, (await GetAsync("/api/search?artefact=eo:99999")).Json.GetProperty("total").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/api/search?artefact=no-colon")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/api/artefacts/eo:99999")).Status);
        Assert.Contains(citing, c => c.GetProperty("id").GetInt64() == second);
        // newest first
        Assert.Equal(second, citing[0].GetProperty("id").GetInt64());

        var env = new Dictionary<string, string?> { ["ConnectionStrings__PolicyWatch"] = _app.ConnectionString };
        var (exit, output) = await PolicyWatchProcess.RunAsync(["artefact", "eccn:3A090"], env);
        Assert.True(exit == 0, output);
        Assert.Contains("ECCN 3A090 (eccn:3A090)", output);
        Assert.Contains("Cited by 2 article(s)", output);
        Assert.Contains("\"The rule moves more accelerators under ECCN 3A090", output);
        var (searchExit, searchOutput) = await PolicyWatchProcess.RunAsync(["search", "--artefact", "list:entity-list", "--format", "json"], env);
        Assert.True(searchExit == 0, searchOutput);
        Assert.Contains("Licence rule tightens accelerator exports", searchOutput);
        Assert.DoesNotContain("what 3A090 covers now", searchOutput);
        var (missingExit, missingOutput) = await PolicyWatchProcess.RunAsync(["artefact", "eo:99999"], env);
        Assert.Equal(1, missingExit);
        Assert.Contains("no artefact eo:99999 is known", missingOutput);
    }

    [Fact]
    public async Task FederalRegisterSource_FillsRecords_Timeline_EntityListChanges_AndDeadlines_Idempotently()
    {
        // recorded Federal Register answers of our own making: a proposed rule, its final rule, and a correction
        await using var fr = await LoopbackServer.StartAsync();
        fr.Serve("/api/v1/documents.json", Fixtures.Read("federal-register/documents.json", fr.BaseUrl), "application/json");
        fr.Serve("/documents/2026-20002", Fixtures.Read("federal-register/final-rule.html"));
        fr.Serve("/documents/2026-10001", Fixtures.ArticlePage("Entity List Procedures for Advanced Computing Intermediaries"));
        fr.Serve("/documents/2026-20555", Fixtures.ArticlePage("Additions of Entities to the Entity List and Revision of an Entry; Correction"));
        await using var services = Pipeline.Services(_app.ConnectionString);
        await services.AddSourceAsync(Pipeline.Source("fr-test", fr.Url("/api/v1/documents.json"), SourceKind.FederalRegister));
        var ingester = services.GetRequiredService<Ingester>();
        var first = await ingester.RunOnceAsync(["fr-test"], 2, default);
        Assert.Equal((3, 3, 0), (first.New, first.Stored, first.ArticlesFailed));

        async Task<(long Artefacts, long Changes)> CountsAsync()
        {
            await using var conn = new NpgsqlConnection(_app.ConnectionString);
            return (await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM artefacts WHERE document_type IS NOT NULL"),
                    await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM entity_list_changes"));
        }
        var before = await CountsAsync();
        Assert.Equal((3, 4), before);
        // a second poll of the same answer (a Hangfire retry, another worker) changes nothing
        var source = Pipeline.Source("fr-test", fr.Url("/api/v1/documents.json"), SourceKind.FederalRegister);
        var again = FeedParser.Parse(source, Fixtures.Read("federal-register/documents.json", fr.BaseUrl), source.Url).FederalRegisterDocuments;
        await services.GetRequiredService<PolicyWatch.Storage.Store>().RecordFederalRegisterDocumentsAsync(again);
        await ingester.RunOnceAsync(["fr-test"], 2, default);
        Assert.Equal(before, await CountsAsync());

        var (status, final) = await GetAsync("/api/artefacts/fr-doc:2026-20002");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Additions of Entities to the Entity List and Revision of an Entry", final.GetProperty("title").GetString());
        Assert.Equal("Industry and Security Bureau", final.GetProperty("agency").GetString());
        var document = final.GetProperty("document");
        Assert.Equal(("Rule", "2026-10-15", "91 FR 47210"), (document.GetProperty("type").GetString(), document.GetProperty("effectiveOn").GetString(), document.GetProperty("citation").GetString()));
        Assert.True(document.GetProperty("articleId").GetInt64() > 0);
        Assert.Equal(["proposed", "comments-close", "final", "correction", "effective"],
            final.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        var changes = final.GetProperty("entityListChanges").EnumerateArray().ToList();
        Assert.Equal(["add", "add", "revise", "remove"], changes.Select(c => c.GetProperty("action").GetString()));
        Assert.Equal(["Harbour Lantern Technology", "HLC Intelligent Systems Co., Ltd."], changes[0].GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));

        // the RIN's page has the same rulemaking's timeline; a correction's page has it too
        var (_, rin) = await GetAsync("/api/artefacts/rin:0694-AZ99");
        Assert.Equal(5, rin.GetProperty("timeline").GetArrayLength());
        Assert.Equal("Additions of Entities to the Entity List and Revision of an Entry", rin.GetProperty("title").GetString());
        var (_, correction) = await GetAsync("/api/artefacts/fr-doc:2026-20555");
        Assert.Equal("fr-doc:2026-20002", correction.GetProperty("document").GetProperty("correctionOf").GetString());
        Assert.Equal(5, correction.GetProperty("timeline").GetArrayLength());

        // "is this company listed, since when, by which rule?" — an alias finds it too
        var (_, hits) = await GetAsync("/api/entity-list?q=hlc%20intelligent");
        var hit = Assert.Single(hits.GetProperty("changes").EnumerateArray());
        Assert.Equal(("Harbour Lantern Computing Co., Ltd.", "add", "fr-doc:2026-20002"),
            (hit.GetProperty("entity").GetString(), hit.GetProperty("action").GetString(), hit.GetProperty("rule").GetProperty("document").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync("/api/entity-list?q=x")).Status);
        Assert.Equal(0, (await GetAsync("/api/entity-list?q=%25_")).Json.GetProperty("changes").GetArrayLength());

        // the digest's deadlines: the final rule takes effect within 14 days of 2026-10-05, for a subscriber of its topic
        var store = services.GetRequiredService<PolicyWatch.Storage.Store>();
        var ruleArticle = document.GetProperty("articleId").GetInt64();
        await using (var conn = new NpgsqlConnection(_app.ConnectionString))
            await conn.ExecuteAsync("DELETE FROM article_topics WHERE article_id = @ruleArticle; INSERT INTO article_topics (article_id, topic, score, model_version) VALUES (@ruleArticle, 'export-controls', 0.9, 'analyst')",
                new { ruleArticle });
        var longAgo = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var effective = Assert.Single(await store.DeadlineCandidatesAsync(new DateOnly(2026, 10, 5), new DateOnly(2026, 10, 19), longAgo, longAgo.AddDays(1), ["export-controls"]));
        Assert.Equal("fr-doc:2026-20002", effective.Id);
        Assert.False(effective.NewInPeriod);
        Assert.StartsWith(fr.BaseUrl.AbsoluteUri, effective.Url);
        Assert.Empty(await store.DeadlineCandidatesAsync(new DateOnly(2026, 10, 5), new DateOnly(2026, 10, 19), longAgo, longAgo.AddDays(1), ["pax-silica"]));
        // recorded in this digest's period: a new rule, once
        var now = DateTimeOffset.UtcNow;
        var fresh = await store.DeadlineCandidatesAsync(new DateOnly(2030, 1, 1), new DateOnly(2030, 1, 2), now.AddHours(-1), now.AddHours(1), ["export-controls"]);
        Assert.True(Assert.Single(fresh, c => c.Id == "fr-doc:2026-20002").NewInPeriod);
        Assert.DoesNotContain(await store.DeadlineCandidatesAsync(new DateOnly(2030, 1, 1), new DateOnly(2030, 1, 2), now.AddHours(1), now.AddHours(2), ["export-controls"]),
            c => c.Id == "fr-doc:2026-20002");

        var env = new Dictionary<string, string?> { ["ConnectionStrings__PolicyWatch"] = _app.ConnectionString };
        var (exit, output) = await PolicyWatchProcess.RunAsync(["artefact", "fr-doc:2026-20002"], env);
        Assert.True(exit == 0, output);
        Assert.Contains("2026-10-15  Takes effect", output);
        Assert.Contains("add     Qingshan Northfield Microsystems (CHINA, PEOPLE'S REPUBLIC OF)", output);
        var (listExit, listOutput) = await PolicyWatchProcess.RunAsync(["artefacts", "entity-list", "oktava"], env);
        Assert.True(listExit == 0, listOutput);
        Assert.Contains("remove  Oktava Components LLC (RUSSIA)", listOutput);
    }

    [Fact]
    public async Task ReStoringAnArticle_ReplacesItsCitations_NeverDuplicates()
    {
        var id = await _app.AddArticleAsync("Order on compute reporting",
            "Executive Order 14110 set reporting duties. A later order revoked Executive Order 14110.",
            ["ai-governance"], "2026-11-23T08:00:00Z");
        var (_, before) = await GetAsync("/api/artefacts/eo:14110");
        Assert.Single(before.GetProperty("citedBy").EnumerateArray(), c => c.GetProperty("id").GetInt64() == id);

        // the feed says the item was updated: the article is fetched and stored again
        var article = (await _app.Store.GetArticleAsync(id))!;
        var url = new Uri(article.Url);
        var source = (await _app.Store.ListSourcesAsync()).Single(s => s.Slug == "seed-wire").Id;
        var found = await _app.Store.RecordDiscoveredAsync(source, [new PolicyWatch.Feeds.FeedItem(url, null, null, DateTimeOffset.UtcNow.AddSeconds(2), null)]);
        Assert.Equal([id], found.UpdatedIds);
        Assert.NotNull(await _app.Store.ClaimArticleAsync(id, TimeSpan.FromMinutes(1)));
        await _app.Store.SaveProcessedAsync(id, url, new PolicyWatch.Extract.ExtractedArticle
        {
            Title = "Order on compute reporting (corrected)", Body = "The correction cites 15 CFR 744.23 only.", Language = "en",
        }, []);
        // the record stays (first seen is history); the article no longer cites it
        var (_, after) = await GetAsync("/api/artefacts/eo:14110");
        Assert.DoesNotContain(after.GetProperty("citedBy").EnumerateArray(), c => c.GetProperty("id").GetInt64() == id);
        var (_, cfr) = await GetAsync("/api/artefacts/cfr:15-744.23");
        Assert.Equal(id, Assert.Single(cfr.GetProperty("citedBy").EnumerateArray()).GetProperty("id").GetInt64());

        // the backfill for articles stored before citations were kept: run twice, the same state as once
        var once = await _app.Store.RecordAllCitationsAsync(batch: 2);
        var twice = await _app.Store.RecordAllCitationsAsync(batch: 3);
        Assert.Equal(once, twice);
        Assert.True(once.Articles >= 6 && once.Citations >= 1, $"{once}");
        var (_, again) = await GetAsync("/api/artefacts/cfr:15-744.23");
        Assert.Equal(id, Assert.Single(again.GetProperty("citedBy").EnumerateArray()).GetProperty("id").GetInt64());
        var (exit, output) = await PolicyWatchProcess.RunAsync(["artefacts", "backfill"],
            new Dictionary<string, string?> { ["ConnectionStrings__PolicyWatch"] = _app.ConnectionString });
        Assert.True(exit == 0, output);
        Assert.Contains($"recorded {once.Citations} citation(s) in {once.Articles} article(s)", output);
    }

    [Fact]
    public async Task ArtefactPage_ShowsCitingArticles_EncodedAndUnknownIs404()
    {
        var id = await _app.AddArticleAsync("<b>Bold</b> claim about the Unverified List",
            "A firm was moved to the Unverified List <script>x</script> on Tuesday.", ["export-controls"], "2026-11-24T08:00:00Z");
        using var http = _app.Client(_app.AnalystKey);
        var page = await http.GetStringAsync("/artefacts/list:unverified-list");
        Assert.Contains("Unverified List", page);
        Assert.Contains("&lt;b&gt;Bold&lt;/b&gt;", page);
        Assert.DoesNotContain("<script>x</script>", page);
        Assert.Contains($"href=\"/articles/{id}\"", page);
        var article = await http.GetStringAsync($"/articles/{id}");
        Assert.Contains("href=\"/artefacts/list%3Aunverified-list\"", article);
        var search = await http.GetStringAsync("/?artefact=list%3Aunverified-list");
        Assert.Contains($"/articles/{id}", search);
        Assert.DoesNotContain("/articles/" + _app.ArticleIds[0] + "\"", search);
        Assert.Contains("name=\"artefact\" value=\"list:unverified-list\" checked", search); // the filter survives the next submit

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/artefacts/list:nothing")).StatusCode);
    }
}
