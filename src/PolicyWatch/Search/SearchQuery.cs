using System.Globalization;
using System.Text.RegularExpressions;

namespace PolicyWatch.Search;

public enum SearchSort { Relevance, Date }

/// <summary>What an analyst asks for; parsed and validated from the UI, the API or the command line.</summary>
public sealed partial record SearchQuery
{
    public const int MaxTextLength = 1000;
    public const int MaxLimit = 200;

    /// <summary>Web-search syntax: words, "quoted phrases", or, -exclusion. Empty lists everything that matches the filters.</summary>
    public string? Text { get; init; }
    public IReadOnlyList<string> Topics { get; init; } = [];
    /// <summary>All listed topics (true) or any of them (false).</summary>
    public bool AllTopics { get; init; }
    public float MinTopicScore { get; init; }
    public IReadOnlyList<string> Sources { get; init; } = [];
    public string? Category { get; init; }
    public string? Language { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public bool? HasPdf { get; init; }
    /// <summary>Only articles citing one of these artefacts (canonical ids such as <c>eccn:3A090</c>).</summary>
    public IReadOnlyList<string> Artefacts { get; init; } = [];
    public SearchSort Sort { get; init; } = SearchSort.Relevance;
    public int Limit { get; init; } = 20;
    /// <summary>Opaque keyset cursor from the previous page.</summary>
    public string? After { get; init; }
    public bool Facets { get; init; } = true;

    /// <summary>Absolute (2026-11-01, ISO date-time) or relative to now (7d, 24h, 2w, 30m).</summary>
    public static DateTimeOffset? ParseWhen(string? text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var m = Relative().Match(text.Trim());
        if (m.Success)
        {
            var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch
            {
                "m" => now.AddMinutes(-n),
                "h" => now.AddHours(-n),
                "d" => now.AddDays(-n),
                _ => now.AddDays(-7 * n),
            };
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var absolute)) return absolute;
        throw new ArgumentException($"'{text}' is not a date (2026-11-01) or a relative time (7d, 24h)");
    }

    /// <summary>
    /// Reads the parameters of the API and the UI (q, topic, allTopics, minScore, source, category, language, since, until,
    /// hasPdf, sort, limit, after, facets); a bad value is an ArgumentException with the reason.
    /// </summary>
    public static SearchQuery FromParameters(Func<string, IReadOnlyList<string>> values, DateTimeOffset now)
    {
        string? One(string name) => values(name) is { Count: > 0 } v ? v[0] : null;
        static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
        static bool? Bool(string? v) => v is null or "" ? null : v is "1" or "true" or "yes" ? true : v is "0" or "false" or "no" ? false
            : throw new ArgumentException($"'{v}' is not true or false");
        var limit = One("limit") is { Length: > 0 } l ? int.TryParse(l, out var n) ? n : throw new ArgumentException("limit must be a number") : 20;
        var minScore = One("minScore") is { Length: > 0 } m
            ? float.TryParse(m, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : throw new ArgumentException("minScore must be a number")
            : 0f;
        var sort = One("sort") switch
        {
            null or "" or "relevance" => SearchSort.Relevance,
            "date" => SearchSort.Date,
            var s => throw new ArgumentException($"sort must be relevance or date, not '{s}'"),
        };
        return new SearchQuery
        {
            Text = One("q") ?? "",
            Topics = values("topic").Where(t => !string.IsNullOrWhiteSpace(t)).Distinct().ToList(),
            AllTopics = Bool(One("allTopics")) ?? false,
            MinTopicScore = minScore,
            Sources = values("source").Where(t => !string.IsNullOrWhiteSpace(t)).Distinct().ToList(),
            Category = NullIfEmpty(One("category")),
            Language = NullIfEmpty(One("language")),
            Since = ParseWhen(One("since"), now),
            Until = ParseWhen(One("until"), now),
            HasPdf = Bool(One("hasPdf")),
            Artefacts = values("artefact").Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct().ToList(),
            Sort = sort,
            Limit = limit,
            After = NullIfEmpty(One("after")),
            Facets = Bool(One("facets")) ?? true,
        }.Validated();
    }

    /// <summary>A saved search's query string (q=...&amp;topic=...), read as the API reads its parameters.</summary>
    public static SearchQuery FromQueryString(string queryString, DateTimeOffset now)
    {
        var parsed = System.Web.HttpUtility.ParseQueryString(queryString.TrimStart('?'));
        return FromParameters(name => parsed.GetValues(name) ?? [], now);
    }

    /// <summary>Checks the limits; the message says what is wrong (answered as 400, never a 500).</summary>
    public SearchQuery Validated()
    {
        // control characters (NUL above all, which PostgreSQL text cannot hold) are dropped here, for every caller
        if (Text is not null && Text.Any(char.IsControl))
            return (this with { Text = new string(Text.Where(c => !char.IsControl(c)).ToArray()) }).Validated();
        if (Text is { Length: > MaxTextLength }) throw new ArgumentException($"the query is longer than {MaxTextLength} characters");
        // "- - -": negations with nothing to negate overflow PostgreSQL's tsquery parser; one means the same
        if (Text is not null && RepeatedNegation().IsMatch(Text))
            return (this with { Text = RepeatedNegation().Replace(Text, "-") }).Validated();
        if (new[] { Category, Language, After }.Concat(Topics).Concat(Sources).Any(v => v is not null && v.Any(char.IsControl)))
            throw new ArgumentException("a filter value contains a control character");
        if (new[] { Category, Language }.Concat(Topics).Concat(Sources).Any(v => v is { Length: > 200 }))
            throw new ArgumentException("a filter value is longer than 200 characters");
        if (Limit is < 1 or > MaxLimit) throw new ArgumentException($"limit must be between 1 and {MaxLimit}");
        if (MinTopicScore is < 0 or > 1) throw new ArgumentException("minimum topic score must be between 0 and 1");
        if (Since is not null && Until is not null && Since > Until) throw new ArgumentException("'since' is after 'until'");
        if (Topics.Count > 20 || Sources.Count > 100 || Artefacts.Count > 20) throw new ArgumentException("too many topics, sources or artefacts");
        if (Artefacts.Any(a => a.Length > 100 || !a.Contains(':') || a.Any(char.IsControl))) throw new ArgumentException("an artefact is a canonical id such as eccn:3A090");
        return this;
    }

    [GeneratedRegex(@"-(?:\s*-)+")]
    private static partial Regex RepeatedNegation();

    [GeneratedRegex(@"^(\d{1,5})\s*([mhdw])$")]
    private static partial Regex Relative();
}

public sealed record SearchHit(long Id, string Url, string? Title, string Source, string SourceName, DateTime? Published, string? Language,
    IReadOnlyDictionary<string, float> Topics, string Snippet, string SnippetHtml, double Rank, bool IsPdf)
{
    /// <summary>Other sources of the same story (same title, syndicated copies) folded into this hit.</summary>
    public IReadOnlyList<string> AlsoPublishedBy { get; init; } = [];
}

public sealed record FacetCount(string Key, long Count);

public sealed record SearchResult(IReadOnlyList<SearchHit> Hits, long Total, string? Next,
    IReadOnlyList<FacetCount> TopicFacets, IReadOnlyList<FacetCount> SourceFacets, IReadOnlyList<FacetCount> DayFacets)
{
    /// <summary>The total is the database's estimate (more matches than the window holds), not a count.</summary>
    public bool TotalIsEstimate { get; init; }

    /// <summary>By relevance with more matches than the window: ranked among the newest <see cref="WindowSize"/> matches, published since this.</summary>
    public DateTimeOffset? WindowFrom { get; init; }

    public int WindowSize { get; init; }

    /// <summary>The artefacts (canonical ids) most cited by the articles the facets describe, at most 20, most cited first.</summary>
    public IReadOnlyList<FacetCount> ArtefactFacets { get; init; } = [];
}
