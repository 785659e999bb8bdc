using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AngleSharp.Css.Parser;

namespace PolicyWatch.Feeds;

/// <summary>
/// Loads and validates feeds.json. Every error names the file, the source (slug or position) and the field.
/// Schema: <c>{"sources": [{"slug", "name", "url", "kind", "pollInterval", "category", "region", "language",
/// "enabled", "linkSelector", "include", "exclude", "weight", "notes"}]}</c>; see docs/feeds.md.
/// </summary>
public static partial class FeedCatalog
{
    public static readonly TimeSpan MinimumPollInterval = TimeSpan.FromMinutes(5);

    private static readonly HashSet<string> KnownFields =
        ["slug", "name", "url", "kind", "pollInterval", "category", "region", "language", "enabled", "linkSelector", "include", "exclude", "weight", "notes"];

    public static IReadOnlyList<SourceDefinition> Load(string path)
    {
        string json;
        try { json = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{path}: cannot read the source catalogue: {e.Message}");
        }
        return Parse(json, path);
    }

    public static IReadOnlyList<SourceDefinition> Parse(string json, string fileName)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{fileName}: not valid JSON (line {e.LineNumber + 1}): {e.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("sources", out var sources) || sources.ValueKind != JsonValueKind.Array)
                throw new ConfigurationException($"{fileName}: expected an object with a \"sources\" array");
            var result = new List<SourceDefinition>();
            var slugs = new HashSet<string>();
            var index = 0;
            foreach (var item in sources.EnumerateArray())
            {
                var where = $"{fileName}: source #{index + 1}";
                var source = ParseOne(item, ref where);
                if (!slugs.Add(source.Slug))
                    throw new ConfigurationException($"{where}: field \"slug\": duplicate slug '{source.Slug}'");
                result.Add(source);
                index++;
            }
            return result;
        }
    }

    private static SourceDefinition ParseOne(JsonElement e, ref string where)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new ConfigurationException($"{where}: expected an object");
        var w = where;
        if (e.TryGetProperty("slug", out var slugEl) && slugEl.ValueKind == JsonValueKind.String)
            where = w = $"{w} ('{slugEl.GetString()}')";
        foreach (var p in e.EnumerateObject())
            if (!KnownFields.Contains(p.Name))
                throw new ConfigurationException($"{w}: unknown field \"{p.Name}\" (known: {string.Join(", ", KnownFields)})");

        var slug = RequiredString(e, "slug", w);
        if (!SlugPattern().IsMatch(slug))
            throw new ConfigurationException($"{w}: field \"slug\": '{slug}' must be lowercase letters, digits and single dashes");
        var name = RequiredString(e, "name", w);
        var urlText = RequiredString(e, "url", w);
        if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            throw new ConfigurationException($"{w}: field \"url\": '{urlText}' is not an absolute http(s) URL");
        var kindText = RequiredString(e, "kind", w);
        var kind = kindText switch
        {
            "rss" => SourceKind.Rss,
            "atom" => SourceKind.Atom,
            "jsonfeed" => SourceKind.JsonFeed,
            "page" => SourceKind.Page,
            "sitemap" => SourceKind.Sitemap,
            "federal-register" => SourceKind.FederalRegister,
            _ => throw new ConfigurationException($"{w}: field \"kind\": '{kindText}' is not one of rss, atom, jsonfeed, page, sitemap, federal-register"),
        };
        var intervalText = OptionalString(e, "pollInterval", w) ?? "1h";
        var interval = ParseDuration(intervalText)
            ?? throw new ConfigurationException($"{w}: field \"pollInterval\": '{intervalText}' is not a duration like 30m, 2h or 1d");
        if (interval < MinimumPollInterval)
            throw new ConfigurationException($"{w}: field \"pollInterval\": {intervalText} is below the minimum of 5m");

        var selector = OptionalString(e, "linkSelector", w);
        if (kind == SourceKind.Page && string.IsNullOrWhiteSpace(selector))
            throw new ConfigurationException($"{w}: field \"linkSelector\": required for kind 'page'");
        if (selector is not null)
        {
            if (kind != SourceKind.Page)
                throw new ConfigurationException($"{w}: field \"linkSelector\": only used with kind 'page'");
            if (new CssSelectorParser().ParseSelector(selector) is null)
                throw new ConfigurationException($"{w}: field \"linkSelector\": '{selector}' is not a valid CSS selector");
        }

        var weight = 1.0;
        if (e.TryGetProperty("weight", out var weightEl))
        {
            if (weightEl.ValueKind != JsonValueKind.Number || !weightEl.TryGetDouble(out weight) || weight <= 0 || weight > 10)
                throw new ConfigurationException($"{w}: field \"weight\": must be a number above 0 and at most 10");
        }
        var enabled = true;
        if (e.TryGetProperty("enabled", out var enabledEl))
        {
            if (enabledEl.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw new ConfigurationException($"{w}: field \"enabled\": must be true or false");
            enabled = enabledEl.GetBoolean();
        }

        return new SourceDefinition
        {
            Slug = slug,
            Name = name,
            Url = url,
            Kind = kind,
            PollInterval = interval,
            Category = OptionalString(e, "category", w),
            Region = OptionalString(e, "region", w),
            Language = OptionalString(e, "language", w),
            Enabled = enabled,
            LinkSelector = selector,
            Include = Patterns(e, "include", w),
            Exclude = Patterns(e, "exclude", w),
            Weight = weight,
            Notes = OptionalString(e, "notes", w),
        };
    }

    /// <summary>Durations as <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>1d</c>, <c>1w</c>, or a TimeSpan (<c>01:30:00</c>).</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        var m = DurationPattern().Match(text.Trim());
        if (m.Success)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            return m.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n),
                _ => TimeSpan.FromDays(7 * n),
            };
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var ts) && ts > TimeSpan.Zero ? ts : null;
    }

    private static string RequiredString(JsonElement e, string field, string where) =>
        OptionalString(e, field, where) is { Length: > 0 } s ? s : throw new ConfigurationException($"{where}: field \"{field}\": required");

    private static string? OptionalString(JsonElement e, string field, string where)
    {
        if (!e.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw new ConfigurationException($"{where}: field \"{field}\": must be a string");
        return v.GetString()!.Trim();
    }

    private static IReadOnlyList<string> Patterns(JsonElement e, string field, string where)
    {
        if (!e.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return [];
        if (v.ValueKind != JsonValueKind.Array) throw new ConfigurationException($"{where}: field \"{field}\": must be an array of regular expressions");
        var list = new List<string>();
        foreach (var p in v.EnumerateArray())
        {
            if (p.ValueKind != JsonValueKind.String) throw new ConfigurationException($"{where}: field \"{field}\": must be an array of strings");
            var pattern = p.GetString()!;
            try { _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromMilliseconds(100)); }
            catch (ArgumentException ex) { throw new ConfigurationException($"{where}: field \"{field}\": '{pattern}' is not a valid regular expression: {ex.Message}"); }
            list.Add(pattern);
        }
        return list;
    }

    [GeneratedRegex(@"^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([smhdw])$")]
    private static partial Regex DurationPattern();
}
