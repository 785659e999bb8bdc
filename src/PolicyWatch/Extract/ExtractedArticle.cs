namespace PolicyWatch.Extract;

public enum ExtractionStatus
{
    Ok,
    /// <summary>The page parsed but held no article text (a listing, an empty page).</summary>
    NoContent,
    /// <summary>A PDF with pages but no text layer (scanned); needs OCR.</summary>
    NoTextLayer,
    /// <summary>An encrypted PDF that cannot be read without a password.</summary>
    Encrypted,
    /// <summary>Bytes that are not HTML or PDF, or a document too broken to read.</summary>
    Unreadable,
}

/// <summary>What the extractor got out of one page or document.</summary>
public sealed record ExtractedArticle
{
    public ExtractionStatus Status { get; init; } = ExtractionStatus.Ok;
    /// <summary>Why the status is not Ok, in words an operator understands.</summary>
    public string? Error { get; init; }
    public string? Title { get; init; }
    public IReadOnlyList<string> Authors { get; init; } = [];
    public DateTimeOffset? Published { get; init; }
    public DateTimeOffset? Modified { get; init; }
    public string? Language { get; init; }
    public string? SiteName { get; init; }
    public Uri? CanonicalUrl { get; init; }
    public string? Description { get; init; }
    public Uri? ImageUrl { get; init; }
    /// <summary>Article text: paragraphs separated by blank lines.</summary>
    public string Body { get; init; } = "";
    /// <summary>Which method produced the body, e.g. <c>article-body</c>, <c>scored</c>, <c>paragraphs</c>, <c>pdf</c>.</summary>
    public string Method { get; init; } = "";
    /// <summary><c>html</c> or <c>pdf</c>.</summary>
    public string ContentKind { get; init; } = "html";
    public int? PageCount { get; init; }
    /// <summary>
    /// Where each metadata value came from and how strong that source is, by field (<c>title</c>, <c>published</c>,
    /// <c>updated</c>, <c>authors</c>, <c>language</c>, <c>canonical</c>): a weak value (a date in the URL or in visible
    /// text, a title with a cut) never replaces a stronger one known from elsewhere, such as the feed.
    /// </summary>
    public IReadOnlyDictionary<string, MetadataSource> Sources { get; init; } = new Dictionary<string, MetadataSource>();
}
