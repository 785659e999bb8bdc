using PolicyWatch.Feeds;

namespace PolicyWatch.Model;

/// <summary>A row of <c>sources</c>: the feeds.json definition plus polling state.</summary>
public sealed class Source
{
    public long Id { get; init; }
    public string Slug { get; init; } = "";
    public string Name { get; init; } = "";
    public string Url { get; init; } = "";
    public string Kind { get; init; } = "";
    public string? Category { get; init; }
    public string? Region { get; init; }
    public string? Language { get; init; }
    public bool Enabled { get; init; }
    public TimeSpan PollInterval { get; init; }
    public float Weight { get; init; }
    public string Config { get; init; } = "{}";
    public TimeSpan CurrentInterval { get; init; }
    public DateTime NextPollAt { get; init; }
    public DateTime? LastPolledAt { get; init; }
    public DateTime? LastSuccessAt { get; init; }
    public DateTime? LastNewItemAt { get; init; }
    public TimeSpan? AvgItemGap { get; init; }
    public string? Etag { get; init; }
    public string? LastModified { get; init; }
    public string? FeedHash { get; init; }
    public int NotModifiedStreak { get; init; }
    public DateTime? LastFullFetchAt { get; init; }
    public bool ValidatorsIgnored { get; init; }
    public long ItemsTotal { get; init; }
    public int ErrorCount { get; init; }
    public string? LastError { get; init; }
    /// <summary>What the last successful poll had to repair to read the listing ("read with repairs: …"); null when nothing.</summary>
    public string? LastWarning { get; init; }
    public bool Healthy { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>The definition as stored (config holds the kind-specific fields).</summary>
    public SourceDefinition ToDefinition()
    {
        var config = System.Text.Json.JsonSerializer.Deserialize<SourceConfig>(Config, SourceConfig.Json) ?? new SourceConfig();
        return new SourceDefinition
        {
            Slug = Slug, Name = Name, Url = new Uri(Url), PollInterval = PollInterval, Category = Category, Region = Region,
            Language = Language, Enabled = Enabled, Weight = Weight, LinkSelector = config.LinkSelector,
            Include = config.Include ?? [], Exclude = config.Exclude ?? [], Notes = config.Notes,
            Kind = Kind switch
            {
                "atom" => SourceKind.Atom, "jsonfeed" => SourceKind.JsonFeed, "page" => SourceKind.Page,
                "sitemap" => SourceKind.Sitemap, "federal-register" => SourceKind.FederalRegister, _ => SourceKind.Rss,
            },
        };
    }
}

/// <summary>The kind-specific part of a source definition, kept as jsonb.</summary>
public sealed class SourceConfig
{
    internal static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);
    public string? LinkSelector { get; init; }
    public List<string>? Include { get; init; }
    public List<string>? Exclude { get; init; }
    public string? Notes { get; init; }

    public static string From(SourceDefinition d) => System.Text.Json.JsonSerializer.Serialize(new SourceConfig
    {
        LinkSelector = d.LinkSelector,
        Include = d.Include.Count > 0 ? [.. d.Include] : null,
        Exclude = d.Exclude.Count > 0 ? [.. d.Exclude] : null,
        Notes = d.Notes,
    }, Json);

    public static string KindName(SourceKind kind) => kind switch
    {
        SourceKind.Atom => "atom", SourceKind.JsonFeed => "jsonfeed", SourceKind.Page => "page",
        SourceKind.Sitemap => "sitemap", SourceKind.FederalRegister => "federal-register", _ => "rss",
    };
}
