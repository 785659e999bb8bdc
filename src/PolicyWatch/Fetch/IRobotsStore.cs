namespace PolicyWatch.Fetch;

/// <summary>
/// robots.txt answers shared between processes (the database, for workers), so a site's robots.txt is fetched once per
/// cache period however many workers poll it. Implementations never throw for a store that cannot be reached: the
/// caller then fetches as if nothing were stored.
/// </summary>
public interface IRobotsStore
{
    /// <summary>The stored robots.txt text of <paramref name="origin"/> (<c>scheme://host[:port]</c>; "" means no rules) and when it expires, or null when none is stored or it has expired.</summary>
    Task<(string Body, DateTimeOffset Expires)?> GetAsync(string origin, CancellationToken ct);

    /// <summary>Stores <paramref name="body"/> (the robots.txt text, "" for no rules) for <paramref name="origin"/> until <paramref name="expires"/> (UTC), replacing any earlier answer.</summary>
    Task PutAsync(string origin, string body, DateTimeOffset expires, CancellationToken ct);
}
