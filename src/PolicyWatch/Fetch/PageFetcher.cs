using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace PolicyWatch.Fetch;

/// <summary>What the caller knows about a URL already, for a conditional GET.</summary>
public sealed record FetchRequest
{
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    /// <summary>Feeds and APIs are published for machines; article and listing pages are checked against robots.txt.</summary>
    public bool CheckRobots { get; init; } = true;
}

/// <summary>
/// The one HTTP path for feeds, pages and documents: follows redirects itself (so the address guard, robots.txt and
/// the loop check see every hop), holds a per-host slot, caps the body while streaming, and classifies failures.
/// </summary>
public sealed class PageFetcher(IHttpClientFactory clients, FetchOptions options, HostThrottle throttle, RobotsCache robots, TimeProvider clock, ILogger<PageFetcher> log)
{
    public const string ClientName = "policywatch";
    private const string Accept = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/feed+json,application/xml;q=0.9,application/json;q=0.8,application/pdf;q=0.8,*/*;q=0.5";

    public async Task<FetchResult> FetchAsync(Uri url, FetchRequest? request = null, CancellationToken ct = default)
    {
        request ??= new FetchRequest();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Timeout);
        var token = deadline.Token;
        var http = clients.CreateClient(ClientName);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var current = url;
        try
        {
            for (var hop = 0; hop <= options.MaxRedirects; hop++)
            {
                if (current.Scheme != Uri.UriSchemeHttp && current.Scheme != Uri.UriSchemeHttps)
                    return FetchResult.Failed(url, FetchOutcome.PermanentFailure, $"unsupported URL scheme '{current.Scheme}'", finalUrl: current);
                if (!visited.Add(current.AbsoluteUri))
                    return FetchResult.Failed(url, FetchOutcome.PermanentFailure, $"redirect loop at {current}", finalUrl: current);
                if (request.CheckRobots && options.RespectRobotsTxt)
                {
                    var verdict = await robots.CheckAsync(current, token);
                    if (verdict is not null) return verdict with { RequestedUrl = url };
                }

                await using var slot = await throttle.AcquireAsync(current.Authority, token);
                using var message = new HttpRequestMessage(HttpMethod.Get, current);
                message.Headers.TryAddWithoutValidation("User-Agent", options.UserAgent);
                message.Headers.TryAddWithoutValidation("Accept", Accept);
                message.Headers.TryAddWithoutValidation("Accept-Language", "en;q=0.9,*;q=0.5");
                if (request.ETag is not null) message.Headers.TryAddWithoutValidation("If-None-Match", request.ETag);
                if (request.LastModified is not null) message.Headers.TryAddWithoutValidation("If-Modified-Since", request.LastModified);

                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token);
                var status = (int)response.StatusCode;
                Telemetry.Fetches.Add(1, new KeyValuePair<string, object?>("status_class", Telemetry.StatusClass(status)), new KeyValuePair<string, object?>("host", current.Host));

                if (status is >= 300 and < 400 && status != 304)
                {
                    if (response.Headers.Location is not { } location)
                        return FetchResult.Failed(url, FetchOutcome.PermanentFailure, $"HTTP {status} without a Location header", status, finalUrl: current);
                    current = new Uri(current, location);
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.NotModified)
                    return new FetchResult { Outcome = FetchOutcome.NotModified, RequestedUrl = url, FinalUrl = current, StatusCode = status, ETag = request.ETag, LastModified = request.LastModified, MaxAge = MaxAge(response) };
                if (!response.IsSuccessStatusCode)
                    return Classify(url, current, response);

                var length = response.Content.Headers.ContentLength;
                if (length > options.MaxBodyBytes)
                    return TooLarge(url, current, status);
                var body = await ReadCappedAsync(response.Content, token);
                if (body is null) return TooLarge(url, current, status);

                return new FetchResult
                {
                    Outcome = FetchOutcome.Ok,
                    RequestedUrl = url,
                    FinalUrl = current,
                    StatusCode = status,
                    Body = body,
                    MediaType = response.Content.Headers.ContentType?.MediaType,
                    Charset = response.Content.Headers.ContentType?.CharSet,
                    ETag = response.Headers.ETag?.ToString(),
                    LastModified = response.Content.Headers.LastModified?.ToString("R"),
                    MaxAge = MaxAge(response),
                };
            }
            return FetchResult.Failed(url, FetchOutcome.PermanentFailure, $"more than {options.MaxRedirects} redirects", finalUrl: current);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return FetchResult.Failed(url, FetchOutcome.TemporaryFailure, $"timed out after {options.Timeout.TotalSeconds:0.#} s", finalUrl: current);
        }
        catch (HttpRequestException e) when (FindBlocked(e) is { } blocked)
        {
            log.LogWarning("Refused {Url}: {Reason}", current, blocked.Message);
            return FetchResult.Failed(url, FetchOutcome.PermanentFailure, blocked.Message, finalUrl: current);
        }
        catch (HttpRequestException e)
        {
            return FetchResult.Failed(url, FetchOutcome.TemporaryFailure, $"network error: {e.Message}", finalUrl: current);
        }
        catch (Polly.Timeout.TimeoutRejectedException)
        {
            return FetchResult.Failed(url, FetchOutcome.TemporaryFailure, "timed out", finalUrl: current);
        }
    }

    private FetchResult Classify(Uri url, Uri current, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfter(response);
        var reason = $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
        var outcome = status is 408 or 425 or 429 or >= 500 ? FetchOutcome.TemporaryFailure : FetchOutcome.PermanentFailure;
        return FetchResult.Failed(url, outcome, reason, status, retryAfter, current);
    }

    private FetchResult TooLarge(Uri url, Uri current, int status) =>
        FetchResult.Failed(url, FetchOutcome.PermanentFailure, $"body larger than {options.MaxBodyBytes / 1024 / 1024.0:0.#} MB (Fetch:MaxBodyBytes)", status, finalUrl: current);

    /// <summary>The body, or null once it passes the cap: a huge or endless body is never buffered whole.</summary>
    private async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + n > options.MaxBodyBytes) return null;
                buffer.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date > clock.GetUtcNow() ? date - clock.GetUtcNow() : TimeSpan.Zero;
        return null;
    }

    private static TimeSpan? MaxAge(HttpResponseMessage response) => response.Headers.CacheControl?.MaxAge;

    private static BlockedAddressException? FindBlocked(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is BlockedAddressException b) return b;
        return null;
    }

    internal static bool IsTransient(HttpResponseMessage? response, Exception? exception, FetchOptions options)
    {
        if (exception is not null)
            return FindBlocked(exception) is null && exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException;
        if (response is null) return false;
        var status = (int)response.StatusCode;
        if (status is not (408 or 429 or >= 500)) return false;
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } d ? d - DateTimeOffset.UtcNow : null);
        return wait is null ? status != 429 : wait <= options.MaxInlineRetryAfter;
    }
}

/// <summary>
/// robots.txt per origin (RFC 9309), fetched through the same guarded client and cached in this process, and shared
/// with the other processes through <see cref="IRobotsStore"/> when one is registered (workers): a site's robots.txt is
/// then fetched once per <see cref="FetchOptions.RobotsCacheTime"/> by all of them together.
/// </summary>
public sealed class RobotsCache(IHttpClientFactory clients, FetchOptions options, HostThrottle throttle, TimeProvider clock, ILogger<RobotsCache> log,
    IRobotsStore? shared = null)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Entry>>> _cache = new();

    private sealed record Entry(RobotsTxt? Rules, DateTimeOffset Expires, string? Error);

    /// <summary>Null when the URL may be fetched; otherwise the failure to report.</summary>
    public async Task<FetchResult?> CheckAsync(Uri url, CancellationToken ct)
    {
        var origin = url.GetLeftPart(UriPartial.Authority);
        var lazy = _cache.GetOrAdd(origin, o => NewLoad(o, url.Authority));
        var entry = await lazy.Value.WaitAsync(ct);
        if (entry.Expires < clock.GetUtcNow())
        {
            // one reload per origin, however many fetches notice the expiry at once
            var fresh = NewLoad(origin, url.Authority);
            if (_cache.TryUpdate(origin, fresh, lazy)) lazy = fresh;
            else lazy = _cache[origin];
            entry = await lazy.Value.WaitAsync(ct);
        }
        if (entry.Rules is null)
            return FetchResult.Failed(url, FetchOutcome.TemporaryFailure, $"robots.txt unavailable ({entry.Error}); not fetching until it answers");
        return entry.Rules.IsAllowed(url) ? null : FetchResult.Failed(url, FetchOutcome.PermanentFailure, "disallowed by robots.txt");
    }

    private Lazy<Task<Entry>> NewLoad(string origin, string authority) => new(async () =>
    {
        var entry = await SharedAsync(origin) ?? await LoadAsync(new Uri(origin + "/robots.txt"));
        if (entry.Rules?.CrawlDelay is { } delay) throttle.SetMinimumDelay(authority, delay);
        return entry;
    });

    // another process's answer, while it is fresh
    private async Task<Entry?> SharedAsync(string origin)
    {
        if (shared is null) return null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await shared.GetAsync(origin, timeout.Token) is { } stored
            ? new Entry(stored.Body.Length == 0 ? RobotsTxt.AllowAll : RobotsTxt.Parse(stored.Body, options.RobotsToken), stored.Expires, null)
            : null;
    }

    private async Task<Entry> ShareAsync(Uri robotsUrl, string body, Entry entry)
    {
        if (shared is not null)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await shared.PutAsync(robotsUrl.GetLeftPart(UriPartial.Authority), body, entry.Expires, timeout.Token);
        }
        return entry;
    }

    // not cancellable by one caller: the result is shared by every fetch to the origin
    private async Task<Entry> LoadAsync(Uri robotsUrl)
    {
        var now = clock.GetUtcNow();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await using var slot = await throttle.AcquireAsync(robotsUrl.Authority, timeout.Token);
            using var message = new HttpRequestMessage(HttpMethod.Get, robotsUrl);
            message.Headers.TryAddWithoutValidation("User-Agent", options.UserAgent);
            using var response = await clients.CreateClient(PageFetcher.ClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            // RFC 9309: 4xx (and redirects we don't follow here) mean no rules; 5xx means assume full disallow for now
            if (status is >= 300 and < 500) return await ShareAsync(robotsUrl, "", new Entry(RobotsTxt.AllowAll, now + options.RobotsCacheTime, null));
            if (status >= 500) return new Entry(null, now + TimeSpan.FromMinutes(5), $"HTTP {status}");
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (text.Length > 500_000) text = text[..500_000];
            return await ShareAsync(robotsUrl, text, new Entry(RobotsTxt.Parse(text, options.RobotsToken), now + options.RobotsCacheTime, null));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            log.LogInformation("robots.txt at {Url} unavailable: {Error}", robotsUrl, e.Message);
            // an unreachable host fails the page fetch the same way; a blocked one must surface as blocked
            if (e is HttpRequestException { InnerException: BlockedAddressException b }) return new Entry(RobotsTxt.AllowAll, now + TimeSpan.FromMinutes(5), b.Message);
            return new Entry(null, now + TimeSpan.FromMinutes(5), e.Message);
        }
    }
}
