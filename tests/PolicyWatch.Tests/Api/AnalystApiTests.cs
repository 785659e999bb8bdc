using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Api;

[Collection("postgres")]
public sealed class AnalystApiTests(PostgresFixture pg) : IAsyncLifetime
{
    private ServedApp _app = null!;

    public async Task InitializeAsync() => _app = await ServedApp.StartAsync(pg);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<JsonElement> GetJsonAsync(string path, string? key = null)
    {
        using var http = _app.Client(key ?? _app.AnalystKey);
        var response = await http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Theory]
    [InlineData("/api/search?q=export")]
    [InlineData("/api/articles/1")]
    [InlineData("/api/topics")]
    [InlineData("/api/sources")]
    [InlineData("/")]
    [InlineData("/openapi/v1.json")]
    public async Task EverythingButHealth_NeedsAuthentication(string path)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _app.BaseUrl };
        var response = await http.GetAsync(path);
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect, $"{path}: {response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.Redirect) Assert.StartsWith("/login", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task HealthForOrchestrators_LiveAndReady_AnswerJsonWithoutSignIn()
    {
        using var http = new HttpClient { BaseAddress = _app.BaseUrl };
        var live = await http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var ready = await http.GetAsync("/health/ready");
        var body = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.StatusCode == HttpStatusCode.OK, body);
        var checks = JsonDocument.Parse(body).RootElement.GetProperty("checks");
        foreach (var name in new[] { "database", "migrations", "topic-model", "hangfire" })
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_ForAdminsOnly_InPrometheusFormat_WithOurNames()
    {
        await GetJsonAsync("/api/search?q=export");
        using var admin = _app.Client(_app.AdminKey);
        var response = await admin.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Contains("policywatch_search_duration_seconds_bucket", text);
        Assert.Contains("policywatch_sources{", text);
        using var analyst = _app.Client(_app.AnalystKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/metrics")).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = _app.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task RevokedOrWrongKey_IsRefused()
    {
        using var http = _app.Client("pw_00000000_not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/topics")).StatusCode);
    }

    [Fact]
    public async Task Search_RanksMatchesHighlightsAndCountsFacets()
    {
        var result = await GetJsonAsync("/api/search?q=export%20controls");
        var hits = result.GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(2, result.GetProperty("total").GetInt64());
        Assert.Equal("Commerce widens export controls on AI accelerators", hits[0].GetProperty("title").GetString());
        Assert.Contains("<mark>export</mark>", hits[0].GetProperty("snippetHtml").GetString());
        var topics = result.GetProperty("facets").GetProperty("topics").EnumerateArray().ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("count").GetInt64());
        Assert.Equal(2, topics["export-controls"]);
        Assert.Equal(1, topics["chips-compute"]);
    }

    [Fact]
    public async Task Search_TitleMarkupIsEncodedInTheHighlight()
    {
        var result = await GetJsonAsync("/api/search?q=mentioned%20markup");
        var hit = Assert.Single(result.GetProperty("hits").EnumerateArray());
        var html = hit.GetProperty("snippetHtml").GetString()!;
        Assert.Contains("<mark>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<b>", html);
    }

    [Fact]
    public async Task Search_FiltersByTopicsSourceLanguageAndDate()
    {
        Assert.Equal(1, (await GetJsonAsync("/api/search?topic=pax-silica")).GetProperty("total").GetInt64());
        Assert.Equal(1, (await GetJsonAsync("/api/search?topic=export-controls&topic=chips-compute&allTopics=true")).GetProperty("total").GetInt64());
        Assert.Equal(3, (await GetJsonAsync("/api/search?topic=export-controls&topic=open-weights")).GetProperty("total").GetInt64());
        Assert.Equal(1, (await GetJsonAsync("/api/search?language=de")).GetProperty("total").GetInt64());
        Assert.Equal(2, (await GetJsonAsync("/api/search?since=2026-11-19&sort=date")).GetProperty("total").GetInt64());
        Assert.Equal(5, (await GetJsonAsync("/api/search?source=seed-wire")).GetProperty("total").GetInt64());
        Assert.Equal(1, (await GetJsonAsync("/api/search?q=Sauerteigbrot")).GetProperty("total").GetInt64()); // 'simple' configuration
    }

    [Fact]
    public async Task Search_KeysetPagesCoverEverythingOnce()
    {
        var seen = new List<long>();
        string? after = null;
        do
        {
            var page = await GetJsonAsync("/api/search?sort=date&limit=2" + (after is null ? "" : "&after=" + after));
            seen.AddRange(page.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetInt64()));
            after = page.GetProperty("next").ValueKind == JsonValueKind.String ? page.GetProperty("next").GetString() : null;
        } while (after is not null);
        Assert.Equal(_app.ArticleIds, seen); // seeded newest first
    }

    [Theory]
    [InlineData("'")]
    [InlineData("\\")]
    [InlineData("&&&")]
    [InlineData("!!! ::: ((( |||")]
    [InlineData("\"unclosed phrase")]
    [InlineData("'; DROP TABLE articles; --")]
    [InlineData("export) OR (1=1")]
    [InlineData("中国 芯片 出口管制")]
    [InlineData("Ümläut ß ﬁ 🙂")]
    [InlineData("-")]
    [InlineData("or or or")]
    public async Task Search_HostileQueries_AreAnsweredNeverA500(string q)
    {
        using var http = _app.Client(_app.AnalystKey);
        var response = await http.GetAsync("/api/search?q=" + Uri.EscapeDataString(q));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, await CountArticlesAsync()); // nothing dropped
    }

    private async Task<long> CountArticlesAsync() => (await GetJsonAsync("/api/search?facets=true")).GetProperty("total").GetInt64();

    [Theory]
    [InlineData("/api/search?limit=0")]
    [InlineData("/api/search?limit=abc")]
    [InlineData("/api/search?since=yesterday-ish")]
    [InlineData("/api/search?sort=popularity")]
    [InlineData("/api/search?after=not-a-cursor")]
    [InlineData("/api/search?minScore=2")]
    [InlineData("/api/topics/export-controls/trend?days=100000")]
    public async Task BadParameters_Are400WithTheReason(string path)
    {
        using var http = _app.Client(_app.AnalystKey);
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task LongQueries_AreRefusedWithAClientErrorNotA500()
    {
        using var http = _app.Client(_app.AnalystKey);
        var tooLongForUs = await http.GetAsync("/api/search?q=" + new string('x', 5_000));
        var tooLongForHttp = await http.GetAsync("/api/search?q=" + new string('x', 10_000));
        Assert.Equal(HttpStatusCode.BadRequest, tooLongForUs.StatusCode);
        Assert.Contains("longer than 1000 characters", await tooLongForUs.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.RequestUriTooLong, tooLongForHttp.StatusCode); // Kestrel's request-line limit
    }

    [Fact]
    public async Task Article_HasTagsExplanationsAndSimilar()
    {
        var article = await GetJsonAsync($"/api/articles/{_app.ArticleIds[0]}");
        Assert.Equal("Commerce widens export controls on AI accelerators", article.GetProperty("title").GetString());
        var tag = article.GetProperty("tags").EnumerateArray().First(t => t.GetProperty("topic").GetString() == "export-controls");
        Assert.Equal("export controls", tag.GetProperty("explanation").GetProperty("terms")[0].GetProperty("term").GetString());
        Assert.Contains(article.GetProperty("similar").EnumerateArray(), s => s.GetProperty("id").GetInt64() == _app.ArticleIds[3]);
        using var http = _app.Client(_app.AnalystKey);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/articles/999999")).StatusCode);
    }

    [Fact]
    public async Task Feedback_ChangesTheTags()
    {
        using var http = _app.Client(_app.AnalystKey);
        var id = _app.ArticleIds[1];
        var rejected = await http.PostAsJsonAsync($"/api/articles/{id}/feedback", new { topic = "open-weights", verdict = "reject" });
        var added = await http.PostAsJsonAsync($"/api/articles/{id}/feedback", new { topic = "us-china-ai-race", verdict = "add" });
        var bad = await http.PostAsJsonAsync($"/api/articles/{id}/feedback", new { topic = "open-weights", verdict = "maybe" });
        var unknown = await http.PostAsJsonAsync($"/api/articles/{id}/feedback", new { topic = "weather", verdict = "add" });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(["us-china-ai-race"], (await _app.Store.GetTopicsAsync(id)).Select(t => t.Topic));
    }

    [Fact]
    public async Task TopicsTrendSourcesAndSavedSearches()
    {
        var topics = (await GetJsonAsync("/api/topics")).EnumerateArray().ToList();
        Assert.Equal(8, topics.Count);
        Assert.Equal(2, topics.Single(t => t.GetProperty("slug").GetString() == "export-controls").GetProperty("articles").GetInt64());
        Assert.Equal(30, (await GetJsonAsync("/api/topics/export-controls/trend")).GetArrayLength());
        Assert.Equal("seed-wire", (await GetJsonAsync("/api/sources"))[0].GetProperty("slug").GetString());

        using var http = _app.Client(_app.AnalystKey);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/saved-searches", new { name = "Chip rules", query = "q=export&topic=export-controls" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/saved-searches", new { name = "Broken", query = "limit=0" })).StatusCode);
        var saved = Assert.Single((await GetJsonAsync("/api/saved-searches")).EnumerateArray());
        Assert.Equal("Chip rules", saved.GetProperty("name").GetString());
        Assert.Empty((await GetJsonAsync("/api/saved-searches", _app.AdminKey)).EnumerateArray()); // per user

        // an alert: what matches and was found after the search was last run
        Assert.Equal(0, saved.GetProperty("newSinceLastSeen").GetInt64());
        await _app.AddArticleAsync("Export licence rules tighten again", "New export licence rules for chips.", ["export-controls"], "2026-11-21T08:00:00Z");
        await _app.AddArticleAsync("Gallery opens a sculpture park", "Nothing about trade here.", [], "2026-11-21T09:00:00Z");
        saved = Assert.Single((await GetJsonAsync("/api/saved-searches")).EnumerateArray());
        Assert.Equal(1, saved.GetProperty("newSinceLastSeen").GetInt64());
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync($"/api/saved-searches/{saved.GetProperty("id").GetInt64()}/seen", null)).StatusCode);
        Assert.Equal(0, Assert.Single((await GetJsonAsync("/api/saved-searches")).EnumerateArray()).GetProperty("newSinceLastSeen").GetInt64());
    }

    [Fact]
    public async Task Unsubscribe_WithTheSignedLink_NoLoginNeeded()
    {
        var s = await _app.Store.UpsertSubscriberAsync(new PolicyWatch.Storage.Subscriber { Email = "leaving@example.test" });
        var token = PolicyWatch.Digest.UnsubscribeToken.Create(s.Id, PolicyWatchProcess.TestSigningKey);
        using var anonymous = _app.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync($"/unsubscribe?s={s.Id}&t=forged", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/unsubscribe?s={s.Id}&t={token}")).StatusCode);
        Assert.True((await _app.Store.FindSubscriberAsync("leaving@example.test"))!.Active); // GET only asks
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsync($"/unsubscribe?s={s.Id}&t={token}", new StringContent("List-Unsubscribe=One-Click"))).StatusCode);
        Assert.False((await _app.Store.FindSubscriberAsync("leaving@example.test"))!.Active);
    }

    [Fact]
    public async Task Subscribers_AdminOnly_ValidatedUpsertAndDelete()
    {
        using var analyst = _app.Client(_app.AnalystKey);
        using var admin = _app.Client(_app.AdminKey);
        var body = new { email = "desk@example.test", topics = new[] { "pax-silica" }, sendTime = "08:15", timeZone = "Asia/Tokyo", frequency = "weekdays" };
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PutAsJsonAsync("/api/subscribers", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/api/subscribers", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/subscribers", body with { frequency = "daily" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/subscribers", body with { timeZone = "Nowhere/Else" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/subscribers", body with { sendTime = "25:99" })).StatusCode);
        var unknownTopic = await admin.PutAsJsonAsync("/api/subscribers", body with { topics = new[] { "no-such-topic" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknownTopic.StatusCode);
        Assert.Contains("unknown topic no-such-topic", await unknownTopic.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/subscribers", body with { frequency = "hourly" })).StatusCode);
        var saved = (await _app.Store.FindSubscriberAsync("desk@example.test"))!;
        Assert.Equal(("daily", new TimeOnly(8, 15), "Asia/Tokyo"), (saved.Frequency, saved.SendTime, saved.TimeZone));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/subscribers/desk@example.test")).StatusCode);
    }

    [Fact]
    public async Task HangfireDashboard_IsForAdminsOnly()
    {
        using var analyst = _app.Client(_app.AnalystKey);
        using var admin = _app.Client(_app.AdminKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync("/hangfire/recurring")).StatusCode);
        var page = await admin.GetAsync("/hangfire/recurring");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("poll-due-sources", await page.Content.ReadAsStringAsync());
    }
}
