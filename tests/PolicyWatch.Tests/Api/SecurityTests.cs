using System.Net;
using System.Text.RegularExpressions;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Api;

/// <summary>Sessions, throttling, cross-site writes, headers and hostile input, against the real `serve` process.</summary>
[Collection("postgres")]
public sealed partial class SecurityTests(PostgresFixture pg) : IAsyncLifetime
{
    private ServedApp _app = null!;

    public async Task InitializeAsync() => _app = await ServedApp.StartAsync(pg);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>A browser-like client: cookies kept, redirects not followed.</summary>
    private (HttpClient Http, CookieContainer Cookies) Browser()
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _app.BaseUrl };
        return (http, cookies);
    }

    private static async Task<string> TokenAsync(HttpClient http, string path)
    {
        var html = await (await http.GetAsync(path)).Content.ReadAsStringAsync();
        return TokenField().Match(html).Groups[1].Value;
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient http, string user, string password)
    {
        var token = await TokenAsync(http, "/login");
        return await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["username"] = user, ["password"] = password, ["__RequestVerificationToken"] = token,
        }));
    }

    [Fact]
    public async Task RemovedAccount_ResetPassword_AndSignOut_EachEndTheSession()
    {
        await _app.Store.CreateUserAsync("gone-admin", "gone-admin-password", "admin");
        await _app.Store.CreateUserAsync("reset-me", "reset-me-password-1", "analyst");
        var (admin, _) = Browser();
        var (analyst, _) = Browser();
        var (leaver, leaverCookies) = Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(admin, "gone-admin", "gone-admin-password")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(analyst, "reset-me", "reset-me-password-1")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(leaver, "ana", ServedApp.AnalystPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync("/")).StatusCode);

        // removal
        await _app.Store.RemoveUserAsync("gone-admin");
        Assert.Equal(HttpStatusCode.Redirect, (await admin.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await admin.GetAsync("/api/subscribers")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await admin.GetAsync("/hangfire")).StatusCode);

        // password reset
        await _app.Store.ResetPasswordAsync("reset-me", "a-brand-new-password");
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.GetAsync("/")).StatusCode);

        // sign out with the header's button (its form carries the token); a copy of the cookie taken before opens nothing
        var copy = leaverCookies.GetCookieHeader(_app.BaseUrl);
        var token = await TokenAsync(leaver, "/");
        Assert.False(string.IsNullOrEmpty(token), "the sign-out form has no anti-forgery token");
        var signOut = await leaver.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        using var replay = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _app.BaseUrl };
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", copy);
        Assert.Equal(HttpStatusCode.Redirect, (await replay.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task ACookieFromOneWebReplica_IsAcceptedByAnother()
    {
        var (http, cookies) = Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(http, "ana", ServedApp.AnalystPassword)).StatusCode);
        var (replica, replicaUrl) = await _app.StartReplicaAsync();
        await using (replica)
        {
            using var other = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = replicaUrl };
            var request = new HttpRequestMessage(HttpMethod.Get, "/topics");
            request.Headers.Add("Cookie", cookies.GetCookieHeader(_app.BaseUrl));
            Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task AnalystOnAdminPage_GetsA403Page_NotAMissingOne()
    {
        var (http, _) = Browser();
        await SignInAsync(http, "ana", ServedApp.AnalystPassword);
        var admin = await http.GetAsync("/admin");
        Assert.Equal(HttpStatusCode.Redirect, admin.StatusCode);
        var denied = await http.GetAsync(admin.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("Not allowed", await denied.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WrongPasswords_BackOffPerAccount_WhateverTheAddress_AndOtherAccountsStillSignIn()
    {
        await _app.Store.CreateUserAsync("target", "target-password-1", "analyst");
        var (http, _) = Browser();
        for (var i = 0; i < 6; i++)
        {
            var (attacker, _) = Browser(); // a fresh client each time, as from many addresses
            await SignInAsync(attacker, "target", $"guess-{i}");
        }
        var right = await SignInAsync(http, "target", "target-password-1");
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Contains("Too many failed sign-ins for this account", await right.Content.ReadAsStringAsync());
        var (other, _) = Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(other, "ana", ServedApp.AnalystPassword)).StatusCode);
    }

    [Fact]
    public async Task CookieApiWrites_NeedThisSitesOriginAndTheAntiforgeryToken_ApiKeysDoNot()
    {
        var (http, _) = Browser();
        await SignInAsync(http, "ana", ServedApp.AnalystPassword);
        HttpRequestMessage Save(string? origin, string? token)
        {
            var r = new HttpRequestMessage(HttpMethod.Post, "/api/saved-searches") { Content = new StringContent("""{"name":"x","query":"q=chips"}""", System.Text.Encoding.UTF8, "application/json") };
            if (origin is not null) r.Headers.Add("Origin", origin);
            if (token is not null) r.Headers.Add("X-CSRF-TOKEN", token);
            return r;
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Save("https://evil.example", null))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Save(null, null))).StatusCode);
        var token = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/antiforgery")).RootElement.GetProperty("token").GetString();
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Save("https://evil.example", token))).StatusCode);
        Assert.True((await http.SendAsync(Save(_app.BaseUrl.GetLeftPart(UriPartial.Authority), token))).IsSuccessStatusCode);
        using var key = _app.Client(_app.AnalystKey);
        Assert.True((await key.SendAsync(Save("https://evil.example", null))).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Responses_ForbidFramingAndSniffing_AndRedirectsNeverEchoTheHostHeader()
    {
        var (http, _) = Browser();
        var login = await http.GetAsync("/login");
        Assert.Contains("frame-ancestors 'none'", login.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", login.Headers.GetValues("X-Content-Type-Options").Single());
        var request = new HttpRequestMessage(HttpMethod.Get, "/topics");
        request.Headers.Host = "evil.example";
        var redirect = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith("/login", redirect.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task BehindAnHttpsProxyOnLoopback_TheSessionCookieIsSecure()
    {
        var (http, _) = Browser();
        var token = await TokenAsync(http, "/login");
        var request = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "ana", ["password"] = ServedApp.AnalystPassword, ["__RequestVerificationToken"] = token }),
        };
        request.Headers.Add("X-Forwarded-Proto", "https");
        var response = await http.SendAsync(request);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("policywatch="));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/api/search?q=" + "-------------------------------------------")]
    [InlineData("/api/search?q=a%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20-%20b")]
    [InlineData("/api/search?topic=%00")]
    [InlineData("/api/search?source=a%00b")]
    [InlineData("/api/search?category=%00")]
    [InlineData("/api/search?language=%00")]
    [InlineData("/api/search?q=%00%01%1b[31m")]
    [InlineData("/api/search?since=99999-01-01")]
    [InlineData("/api/search?limit=99999999999999")]
    [InlineData("/api/articles/99999999999")]
    [InlineData("/api/topics/%00/trend")]
    public async Task HostileQueries_GetAnAnswerNeverA500(string path)
    {
        using var http = _app.Client(_app.AnalystKey);
        var response = await http.GetAsync(path);
        Assert.True((int)response.StatusCode < 500, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task EditedCursor_FromTheFuture_IsABadRequest()
    {
        using var http = _app.Client(_app.AnalystKey);
        var ticks = new DateTime(2300, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
        var cursor = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{ticks}|0.5|1|")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/api/search?q=export&after={cursor}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"name":"a\u0000b","query":"q=chips"}""")]
    [InlineData("""{"name":"ok","query":"q=chips&topic=%00"}""")]
    [InlineData("""{"name":"ok","query":"q=\u0000"}""")]
    public async Task WritesWithNul_AreRefusedWith400(string body)
    {
        using var http = _app.Client(_app.AnalystKey);
        var response = await http.PostAsync("/api/saved-searches", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/saved-searches")).StatusCode);
    }

    [Theory]
    [InlineData("x@y")]
    [InlineData("<b>a</b>@example.org")]
    [InlineData("a@example.org\r\nBcc: b@example.org")]
    [InlineData("Ana <ana@example.org>")]
    [InlineData("a\u0000@example.org")]
    [InlineData("@example.org")]
    public async Task SubscriberEmail_MustBeAnAddressTheMailLibraryReads(string email)
    {
        using var http = _app.Client(_app.AdminKey);
        var body = System.Text.Json.JsonSerializer.Serialize(new { email, topics = new[] { "export-controls" } });
        var response = await http.PutAsync("/api/subscribers", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        if (email == "x@y")
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync()); // a local domain is an address
        else
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task FuzzedParameters_OnEveryGetEndpoint_NeverGetA500()
    {
        using var http = _app.Client(_app.AdminKey);
        var random = new Random(7);
        string[] hostile = ["%00", "%27%3B--", "-------------------------------------", "%F0%9F%92%A9", "99999999999999999999", "-1", "NaN", "%E2%80%AE", "<script>", "1e309",
            "2300-01-01", "0001-01-01", "%C0%AF", "a%0d%0aSet-Cookie:x=1", new string('x', 3000), "[]", "{}", "true", "%", "%zz"];
        string[] parameters = ["q", "topic", "source", "category", "language", "since", "until", "sort", "limit", "minScore", "allTopics", "hasPdf", "after", "facets", "days", "n"];
        string[] paths = ["/api/search", "/api/topics", "/api/sources", "/api/saved-searches", "/api/subscribers", "/api/topics/export-controls/trend", $"/api/articles/{_app.ArticleIds[0]}",
            "/", "/topics", "/sources", "/admin", "/forbidden"];
        var failures = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var query = string.Join('&', Enumerable.Range(0, random.Next(1, 4)).Select(_ => $"{parameters[random.Next(parameters.Length)]}={hostile[random.Next(hostile.Length)]}"));
            var path = $"{paths[random.Next(paths.Length)]}?{query}";
            var response = await http.GetAsync(path);
            if ((int)response.StatusCode >= 500) failures.Add($"{(int)response.StatusCode} {path}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public async Task FuzzedBodiesAndForms_OnEveryWrite_NeverGetA500()
    {
        using var admin = _app.Client(_app.AdminKey);
        var random = new Random(11);
        string[] hostile = ["\u0000", "'; DROP TABLE users; --", new string('-', 40), "💩", "99999999999999999999", "-1", "NaN", "\u202e", "<script>alert(1)</script>",
            "a@b", "x\r\nBcc: y@z", new string('x', 5000), "", " ", "null", "%00", "../../etc/passwd", "2300-01-01", "{}", "\u001b[31m"];
        string H() => hostile[random.Next(hostile.Length)];
        var failures = new List<string>();
        async Task Check(string what, Task<HttpResponseMessage> call)
        {
            var response = await call;
            if ((int)response.StatusCode >= 500) failures.Add($"{(int)response.StatusCode} {what}");
        }
        StringContent Json(object o) => new(System.Text.Json.JsonSerializer.Serialize(o), System.Text.Encoding.UTF8, "application/json");
        for (var i = 0; i < 60; i++)
        {
            await Check("POST /api/saved-searches", admin.PostAsync("/api/saved-searches", Json(new { name = H(), query = H() })));
            await Check("PUT /api/subscribers", admin.PutAsync("/api/subscribers", Json(new { email = H(), name = H(), topics = new[] { H() }, timeZone = H(), frequency = H(), sendTime = H() })));
            await Check("POST feedback", admin.PostAsync($"/api/articles/{_app.ArticleIds[0]}/feedback", Json(new { topic = H(), verdict = H() })));
            await Check("DELETE subscriber", admin.DeleteAsync($"/api/subscribers/{Uri.EscapeDataString(H().Length == 0 ? "x" : H())}"));
            await Check("raw body", admin.PostAsync("/api/saved-searches", new StringContent(H(), System.Text.Encoding.UTF8, "application/json")));
        }
        // the sign-in form, with its token, and hostile user names and passwords
        var (browser, _) = Browser();
        for (var i = 0; i < 20; i++)
        {
            var token = await TokenAsync(browser, "/login");
            await Check("POST /login", browser.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["username"] = H(), ["password"] = H(), ["returnUrl"] = H(), ["__RequestVerificationToken"] = token,
            })));
        }
        Assert.Empty(failures);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
