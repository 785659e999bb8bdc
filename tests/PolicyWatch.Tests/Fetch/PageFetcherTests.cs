using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PolicyWatch.Fetch;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Fetch;

public sealed class PageFetcherTests : IAsyncLifetime
{
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static PageFetcher Fetcher(Dictionary<string, string?>? settings = null) =>
        Pipeline.Fetching(settings).GetRequiredService<PageFetcher>();

    [Fact]
    public async Task Ok_SendsDescriptiveUserAgentAndAcceptsCompression()
    {
        _server.Serve("/page", "<p>hello</p>");
        var r = await Fetcher().FetchAsync(_server.Url("/page"));
        Assert.Equal(FetchOutcome.Ok, r.Outcome);
        var headers = _server.Requests.Last(q => q.Path == "/page").Headers;
        Assert.Contains("PolicyWatch", headers.UserAgent.ToString());
        Assert.Contains("br", headers.AcceptEncoding.ToString());
    }

    [Fact]
    public async Task ConditionalGet_304_IsNotModified()
    {
        _server.Map("/feed", c =>
        {
            if (c.Request.Headers.IfNoneMatch == "\"v1\"") { c.Response.StatusCode = 304; return Task.CompletedTask; }
            c.Response.Headers.ETag = "\"v1\"";
            return c.Response.WriteAsync("<rss/>");
        });
        var fetcher = Fetcher();
        var first = await fetcher.FetchAsync(_server.Url("/feed"));
        var second = await fetcher.FetchAsync(_server.Url("/feed"), new FetchRequest { ETag = first.ETag });
        Assert.Equal("\"v1\"", first.ETag);
        Assert.Equal(FetchOutcome.NotModified, second.Outcome);
    }

    [Theory]
    [InlineData(404, FetchOutcome.PermanentFailure)]
    [InlineData(410, FetchOutcome.PermanentFailure)]
    [InlineData(403, FetchOutcome.PermanentFailure)]
    [InlineData(503, FetchOutcome.TemporaryFailure)]
    public async Task ErrorStatus_IsClassified(int status, FetchOutcome expected)
    {
        _server.Status("/x", status);
        var r = await Fetcher().FetchAsync(_server.Url("/x"));
        Assert.Equal(expected, r.Outcome);
        Assert.Contains($"HTTP {status}", r.Error);
    }

    [Fact]
    public async Task Status500ThenSuccess_IsRetriedInPlace()
    {
        _server.Sequence("/flaky", c => { c.Response.StatusCode = 500; return Task.CompletedTask; }, c => c.Response.WriteAsync("recovered"));
        var r = await Fetcher().FetchAsync(_server.Url("/flaky"));
        Assert.Equal(FetchOutcome.Ok, r.Outcome);
        Assert.Equal("recovered", r.Text);
        Assert.Equal(2, _server.Hits("/flaky"));
    }

    [Fact]
    public async Task Status429_LongRetryAfter_IsHandedBackNotWaitedOut()
    {
        _server.Status("/busy", 429, r => r.Headers.RetryAfter = "3600");
        var started = DateTime.UtcNow;
        var r = await Fetcher().FetchAsync(_server.Url("/busy"));
        Assert.Equal(FetchOutcome.TemporaryFailure, r.Outcome);
        Assert.Equal(TimeSpan.FromHours(1), r.RetryAfter);
        Assert.Equal(1, _server.Hits("/busy"));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Status429_ShortRetryAfter_IsWaitedOutThenSucceeds()
    {
        _server.Sequence("/slowdown", c => { c.Response.StatusCode = 429; c.Response.Headers.RetryAfter = "1"; return Task.CompletedTask; },
            c => c.Response.WriteAsync("ok now"));
        var r = await Fetcher().FetchAsync(_server.Url("/slowdown"));
        Assert.Equal(FetchOutcome.Ok, r.Outcome);
        Assert.Equal(2, _server.Hits("/slowdown"));
    }

    [Fact]
    public async Task ServerThatNeverAnswers_TimesOut()
    {
        _server.Map("/hang", async c => await Task.Delay(Timeout.Infinite, c.RequestAborted));
        var r = await Fetcher(new() { ["Fetch:Timeout"] = "00:00:01", ["Fetch:Retries"] = "0" }).FetchAsync(_server.Url("/hang"));
        Assert.Equal(FetchOutcome.TemporaryFailure, r.Outcome);
        Assert.Contains("timed out", r.Error);
    }

    [Fact]
    public async Task ServerThatTricklesBytes_TimesOut()
    {
        _server.Map("/trickle", async c =>
        {
            c.Response.ContentType = "text/html";
            for (var i = 0; i < 1000 && !c.RequestAborted.IsCancellationRequested; i++)
            {
                await c.Response.Body.WriteAsync("a"u8.ToArray(), c.RequestAborted);
                await c.Response.Body.FlushAsync(c.RequestAborted);
                await Task.Delay(100, c.RequestAborted);
            }
        });
        var r = await Fetcher(new() { ["Fetch:Timeout"] = "00:00:01.5" }).FetchAsync(_server.Url("/trickle"));
        Assert.Equal(FetchOutcome.TemporaryFailure, r.Outcome);
        Assert.Contains("timed out", r.Error);
    }

    [Fact]
    public async Task FiftyMegabyteBody_IsRefusedWhileStreaming()
    {
        var sent = 0L;
        _server.Map("/huge", async c =>
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            try
            {
                for (var i = 0; i < 50 * 16; i++) { await c.Response.Body.WriteAsync(chunk, c.RequestAborted); Interlocked.Add(ref sent, chunk.Length); }
            }
            catch (OperationCanceledException) { }
            catch (IOException) { }
        });
        var r = await Fetcher().FetchAsync(_server.Url("/huge"));
        Assert.Equal(FetchOutcome.PermanentFailure, r.Outcome);
        Assert.Contains("larger than 10 MB", r.Error);
        Assert.Empty(r.Body);
    }

    [Fact]
    public async Task DeclaredContentLengthOverCap_IsRefusedBeforeReading()
    {
        _server.Map("/declared", c => { c.Response.ContentLength = 20_000_000; return c.Response.Body.WriteAsync(new byte[10]).AsTask(); });
        var r = await Fetcher().FetchAsync(_server.Url("/declared"));
        Assert.Equal(FetchOutcome.PermanentFailure, r.Outcome);
    }

    [Fact]
    public async Task RedirectLoop_IsDetected()
    {
        _server.Redirect("/a", "/b").Redirect("/b", "/a");
        var r = await Fetcher().FetchAsync(_server.Url("/a"));
        Assert.Equal(FetchOutcome.PermanentFailure, r.Outcome);
        Assert.Contains("redirect loop", r.Error);
    }

    [Fact]
    public async Task Redirects_AreFollowedToTheFinalUrl()
    {
        _server.Redirect("/short", "/middle", 301).Redirect("/middle", "/final?utm_source=x", 302).Serve("/final", "<p>final</p>");
        var r = await Fetcher().FetchAsync(_server.Url("/short"));
        Assert.Equal(FetchOutcome.Ok, r.Outcome);
        Assert.Equal(_server.Url("/final?utm_source=x"), r.FinalUrl);
    }

    [Fact]
    public async Task TooManyRedirects_Stops()
    {
        for (var i = 0; i < 10; i++) _server.Redirect($"/r{i}", $"/r{i + 1}");
        var r = await Fetcher(new() { ["Fetch:MaxRedirects"] = "3" }).FetchAsync(_server.Url("/r0"));
        Assert.Equal(FetchOutcome.PermanentFailure, r.Outcome);
        Assert.Contains("more than 3 redirects", r.Error);
    }

    [Fact]
    public async Task PrivateAddresses_AreRefusedByDefault_IncludingOnRedirect()
    {
        await using var inside = await LoopbackServer.StartAsync("127.0.0.2");
        inside.Serve("/secret", "internal");
        _server.Redirect("/hop", new Uri(inside.BaseUrl, "secret").AbsoluteUri);
        // only the public-facing test server is allowed: the guard must still refuse the redirect target
        var fetcher = Fetcher(new() { ["Fetch:AllowPrivateNetworks"] = "false", ["Fetch:AllowedAddresses:0"] = "127.0.0.1" });

        var viaRedirect = await fetcher.FetchAsync(_server.Url("/hop"));
        var direct = await fetcher.FetchAsync(new Uri(inside.BaseUrl, "secret"));
        var metadata = await fetcher.FetchAsync(new Uri("http://169.254.169.254/latest/meta-data/"));

        Assert.All([viaRedirect, direct, metadata], r =>
        {
            Assert.Equal(FetchOutcome.PermanentFailure, r.Outcome);
            Assert.Contains("private, loopback, link-local or metadata address", r.Error);
        });
        Assert.Equal(0, inside.Hits("/secret"));
        Assert.Equal(1, _server.Hits("/hop"));
    }

    [Theory]
    [InlineData("text/html; charset=utf-8", "iso-8859-1")]   // header says UTF-8, bytes are Latin-1
    [InlineData("text/html; charset=iso-8859-1", "utf-8")]  // header says Latin-1, bytes are UTF-8
    [InlineData("text/html", "iso-8859-1")]                 // no header charset, a <meta> tag says it
    public async Task WrongOrMissingCharset_DecodesCorrectly(string contentType, string actualEncoding)
    {
        var html = "<html><head><meta charset=\"" + actualEncoding + "\"></head><body><p>Café à Genève: naïve coöperation</p></body></html>";
        _server.ServeBytes("/charset", Encoding.GetEncoding(actualEncoding == "utf-8" ? "utf-8" : "iso-8859-1").GetBytes(html), contentType);
        var r = await Fetcher().FetchAsync(_server.Url("/charset"));
        Assert.Contains("Café à Genève: naïve coöperation", r.Text);
    }

    [Fact]
    public async Task RobotsTxt_DisallowedPathIsNotFetched()
    {
        _server.Serve("/robots.txt", "User-agent: *\nDisallow: /private/\n\nUser-agent: PolicyWatch\nDisallow: /no-bots/\nAllow: /no-bots/ok\n", "text/plain");
        _server.Serve("/no-bots/page", "x").Serve("/no-bots/ok", "fine").Serve("/private/page", "p");
        var fetcher = Fetcher();

        var blocked = await fetcher.FetchAsync(_server.Url("/no-bots/page"));
        var allowed = await fetcher.FetchAsync(_server.Url("/no-bots/ok"));
        var otherGroup = await fetcher.FetchAsync(_server.Url("/private/page"));

        Assert.Equal(FetchOutcome.PermanentFailure, blocked.Outcome);
        Assert.Contains("robots.txt", blocked.Error);
        Assert.Equal(FetchOutcome.Ok, allowed.Outcome);
        Assert.Equal(FetchOutcome.Ok, otherGroup.Outcome); // our own group replaces the * group
        Assert.Equal(0, _server.Hits("/no-bots/page"));
        Assert.Equal(1, _server.Hits("/robots.txt")); // cached
    }

    [Fact]
    public async Task HostDelay_SpacesRequestsToOneHost()
    {
        _server.Serve("/p", "x");
        var fetcher = Fetcher(new() { ["Fetch:HostDelay"] = "00:00:00.300" });
        var started = DateTime.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => fetcher.FetchAsync(_server.Url("/p"))));
        // robots.txt, then four pages: at least four gaps of 300 ms
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(1100), $"took {(DateTime.UtcNow - started).TotalMilliseconds} ms");
    }
}
