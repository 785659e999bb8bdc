namespace PolicyWatch.Feeds;

/// <summary>How a source lists its items.</summary>
public enum SourceKind { Rss, Atom, JsonFeed, Page, Sitemap, FederalRegister }

/// <summary>One entry of feeds.json, validated.</summary>
public sealed record SourceDefinition
{
    public required string Slug { get; init; }
    public required string Name { get; init; }
    public required Uri Url { get; init; }
    public required SourceKind Kind { get; init; }
    public required TimeSpan PollInterval { get; init; }
    public string? Category { get; init; }
    public string? Region { get; init; }
    public string? Language { get; init; }
    public bool Enabled { get; init; } = true;
    /// <summary>CSS selector of article links; kind <c>page</c> only.</summary>
    public string? LinkSelector { get; init; }
    public IReadOnlyList<string> Include { get; init; } = [];
    public IReadOnlyList<string> Exclude { get; init; } = [];
    /// <summary>Relative importance in digests and ranking (default 1).</summary>
    public double Weight { get; init; } = 1.0;
    public string? Notes { get; init; }
}
