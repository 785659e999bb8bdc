namespace PolicyWatch.Digest;

public sealed record DigestItem(long ArticleId, string Title, string Url, string Source, DateTime? Published, string Excerpt, float Score, IReadOnlyList<string> AlsoIn);

/// <summary>A topic's section, or a saved search's (<see cref="Topic"/> is then <c>search-ID</c>).</summary>
public sealed record DigestSection(string Topic, string TopicName, int Count, int ThisWeek, int PreviousWeek, IReadOnlyList<DigestItem> Items)
{
    public const string SearchPrefix = "search-";

    /// <summary>The counts reached their cap: "at least" (a saved search matching more than 10,000 articles a week).</summary>
    public bool CountsAtLeast { get; init; }
    /// <summary>
    /// Articles found in the period but published long before (<see cref="DigestOptions.LateAfter"/>): counted, not
    /// listed, so a new source's back catalogue or a backfill does not flood the digest.
    /// </summary>
    public int OlderFoundLate { get; init; }

    /// <summary>The section appears in the digest: it lists articles or counts some found late.</summary>
    public bool Shown => Items.Count > 0 || OlderFoundLate > 0;
    public bool IsSavedSearch => Topic.StartsWith(SearchPrefix, StringComparison.Ordinal);
}

public sealed record DigestModel(string Email, string? Name, DateOnly Date, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd,
    IReadOnlyList<DigestSection> Sections, string UnsubscribeUrl)
{
    public int Total => Sections.Sum(s => s.Count);
    public bool IsEmpty => !Sections.Any(s => s.Shown);
    /// <summary>How long before being found an article must have been published to count as found late.</summary>
    public TimeSpan LateAfter { get; init; } = TimeSpan.FromDays(7);
    /// <summary>
    /// The "deadlines" section: comment deadlines and effective dates in the next 14 days, and rules published in the
    /// period, of the Federal Register documents touching the subscriber's topics. Shown when the digest is sent; on
    /// its own it does not make an empty digest worth sending (a deadline would otherwise mail every day for two weeks).
    /// </summary>
    public IReadOnlyList<DigestDeadline> Deadlines { get; init; } = [];
    /// <summary>Every article the topic sections carry, listed or counted: recorded once the digest is sent.</summary>
    public IReadOnlyCollection<long> ArticleIds { get; init; } = [];
}

/// <summary>A candidate article for a digest section, as the store returns it; <see cref="Stored"/> is when PolicyWatch stored it (UTC), the time digest periods are on.</summary>
public sealed record DigestCandidate(long ArticleId, string Topic, float Score, string? Title, string Url, string Source, float SourceWeight,
    DateTime? Published, string? Excerpt, DateTime? Stored = null)
{

    /// <summary>Other sites of the same story, when the candidate comes from a search that already merged them.</summary>
    public IReadOnlyList<string> AlsoIn { get; init; } = [];
}

/// <summary>
/// One line of a digest's deadlines section: <see cref="Kind"/> is <c>comments-close</c>, <c>effective</c> or
/// <c>published</c>; <see cref="Date"/> is the Federal Register's calendar day; <see cref="DocumentType"/> as the
/// Federal Register names it ("Rule", "Proposed Rule").
/// </summary>
public sealed record DigestDeadline(DateOnly Date, string Kind, string Label, string ArtefactId, string Title, string DocumentType, string? Url);
