namespace PolicyWatch.Extract;

/// <summary>
/// Joins what a feed said about an item with what its page says, by strength of source (<see cref="ExtractedArticle.Sources"/>):
/// a weak page value (a date from the URL or from visible text, a generic <c>date</c> meta tag) never replaces the
/// feed's, and a page title that is the feed's title cut at a separator ("… Two Years On – What Changed" cut at the
/// dash) never replaces the full one. Strong page values (JSON-LD, <c>article:published_time</c>, the visible
/// headline) win: the page is the article's own account of itself.
/// </summary>
public static class MetadataPrecedence
{
    /// <param name="page">The extracted page.</param>
    /// <param name="feedTitle">The item's title in the feed (plain text), or null.</param>
    /// <param name="feedPublished">The item's date in the feed (UTC), or null.</param>
    /// <returns>The page with title, published date and their sources decided; unchanged when the feed has nothing better.</returns>
    public static ExtractedArticle Merge(ExtractedArticle page, string? feedTitle, DateTimeOffset? feedPublished)
    {
        var sources = new Dictionary<string, MetadataSource>(page.Sources);
        var title = page.Title;
        var published = page.Published;
        var feed = new MetadataSource("feed", MetadataStrength.Strong);

        if (feedPublished is { } fp)
        {
            var pageStrength = sources.TryGetValue("published", out var s) ? s.Strength : MetadataStrength.Weak;
            if (published is null || pageStrength < MetadataStrength.Strong && published.Value != fp)
            {
                published = fp;
                sources["published"] = feed;
            }
        }
        if (!string.IsNullOrWhiteSpace(feedTitle))
        {
            var full = Text.Collapse(feedTitle);
            var pageStrength = sources.TryGetValue("title", out var s) ? s.Strength : MetadataStrength.Weak;
            var cut = title is not null && full.Length > title.Length && full.StartsWith(title.TrimEnd('.', '…'), StringComparison.OrdinalIgnoreCase);
            if (title is null || cut || pageStrength == MetadataStrength.Weak)
            {
                title = full;
                sources["title"] = feed;
            }
        }
        return page with { Title = title, Published = published, Sources = sources };
    }

}
