namespace PolicyWatch.Model;

public static class ArticleStatus
{
    public const string Pending = "pending";
    public const string Processed = "processed";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
    public static readonly string[] All = [Pending, Processed, Failed, Skipped];
}

/// <summary>A row of <c>articles</c>, without the body (see <see cref="Body"/> when loaded).</summary>
public sealed class Article
{
    public long Id { get; init; }
    public long SourceId { get; init; }
    public string? SourceSlug { get; init; }
    public string Url { get; init; } = "";
    public string CanonicalUrl { get; init; } = "";
    public string? Title { get; init; }
    public string[] Authors { get; init; } = [];
    public string? Description { get; init; }
    public DateTime? PublishedAt { get; init; }
    public DateTime? ModifiedAt { get; init; }
    public DateTime? FetchedAt { get; init; }
    public string? Language { get; init; }
    public string? SiteName { get; init; }
    public string? ContentKind { get; init; }
    public int? PageCount { get; init; }
    public string? Body { get; init; }
    public string? ExtractionMethod { get; init; }
    public string Status { get; init; } = ArticleStatus.Pending;
    public string? Error { get; init; }
    public int Attempts { get; init; }
    public DateTime DiscoveredAt { get; init; }
    /// <summary>Where each metadata value came from, as JSON (<c>{"title":{"source":"h1","strength":"Strong"},…}</c>); null for articles stored before it was kept.</summary>
    public string? MetadataSources { get; init; }
}

/// <summary>One topic tag to store.</summary>
public sealed record TopicTag(string Topic, float Score, string ModelVersion, string? ExplanationJson = null);
