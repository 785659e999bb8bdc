namespace PolicyWatch.Feeds;

/// <summary>One entry a source lists: an article to fetch. Dates keep the offset the feed gave; null when absent or unreadable.</summary>
public sealed record FeedItem(Uri Url, string? Title, DateTimeOffset? Published, DateTimeOffset? Updated, string? Summary);

/// <summary>
/// What reading one listing gave: its items, the child sitemaps of a sitemap index, an error (then no items), and
/// warnings: what was repaired to read a damaged listing ("read with repairs: …"), distinct from an error.
/// </summary>
public sealed record FeedParseResult(IReadOnlyList<FeedItem> Items, IReadOnlyList<Uri> ChildSitemaps, string? Error)
{
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>What a Federal Register API answer says of each document (type, dates, docket, RIN, CFR parts, corrections); empty for other listings.</summary>
    public IReadOnlyList<Artefacts.FederalRegisterDocument> FederalRegisterDocuments { get; init; } = [];

    public static FeedParseResult Failed(string error) => new([], [], error);
}
