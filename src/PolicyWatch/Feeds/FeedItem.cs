namespace PolicyWatch.Feeds;

/// <summary>One entry a source lists: an article to fetch.</summary>
public sealed record FeedItem(Uri Url, string? Title, DateTimeOffset? Published, DateTimeOffset? Updated, string? Summary);

public sealed record FeedParseResult(IReadOnlyList<FeedItem> Items, IReadOnlyList<Uri> ChildSitemaps, string? Error)
{
    public static FeedParseResult Failed(string error) => new([], [], error);
}
