namespace PolicyWatch.Fetch;

public enum FetchOutcome
{
    Ok,
    NotModified,
    /// <summary>Retrying soon may succeed: timeouts, network errors, 5xx, 429.</summary>
    TemporaryFailure,
    /// <summary>Retrying will not help: 404, 410, refused by robots.txt or the address guard, too large, redirect loop.</summary>
    PermanentFailure,
}

public sealed record FetchResult
{
    public required FetchOutcome Outcome { get; init; }
    public required Uri RequestedUrl { get; init; }
    public Uri FinalUrl { get; init; } = null!;
    public int? StatusCode { get; init; }
    public byte[] Body { get; init; } = [];
    public string? MediaType { get; init; }
    public string? Charset { get; init; }
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    public TimeSpan? RetryAfter { get; init; }
    public TimeSpan? MaxAge { get; init; }
    public string? Error { get; init; }

    public bool IsSuccess => Outcome == FetchOutcome.Ok;

    public string Text => TextDecoding.Decode(Body, Charset, MediaType);

    public static FetchResult Failed(Uri url, FetchOutcome outcome, string error, int? status = null, TimeSpan? retryAfter = null, Uri? finalUrl = null) =>
        new() { Outcome = outcome, RequestedUrl = url, FinalUrl = finalUrl ?? url, Error = error, StatusCode = status, RetryAfter = retryAfter };
}
