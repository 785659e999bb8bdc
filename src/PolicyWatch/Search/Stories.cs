using System.Text.RegularExpressions;

namespace PolicyWatch.Search;

/// <summary>
/// One story on several sites (syndicated copies) shares its title up to case and punctuation, within a few days.
/// Short titles ("Press release", "Weekly roundup") say nothing about the story and never merge.
/// </summary>
public static partial class Stories
{
    public const int MinWords = 4;
    public static readonly TimeSpan MaxSpread = TimeSpan.FromDays(3);

    /// <summary>The normalised title, or null when it is too short to identify a story.</summary>
    public static string? Key(string? title)
    {
        if (string.IsNullOrWhiteSpace(title)) return null;
        var key = NonWord().Replace(title.ToLowerInvariant(), " ").Trim();
        return key.Count(c => c == ' ') + 1 >= MinWords ? key : null;
    }

    /// <summary>
    /// Items grouped into stories, in the order given: an item joins the earliest-formed story with its key whose first
    /// item is within <see cref="MaxSpread"/> of it, else starts a story. The first item of each story leads it.
    /// </summary>
    public static List<List<T>> Group<T>(IEnumerable<T> items, Func<T, string?> title, Func<T, DateTime> date)
    {
        var stories = new List<List<T>>();
        var byKey = new Dictionary<string, List<List<T>>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var key = Key(title(item));
            var story = key is not null && byKey.TryGetValue(key, out var candidates)
                ? candidates.FirstOrDefault(s => (date(s[0]) - date(item)).Duration() <= MaxSpread)
                : null;
            if (story is null)
            {
                story = [];
                stories.Add(story);
                if (key is not null)
                {
                    if (!byKey.TryGetValue(key, out var list)) byKey[key] = list = [];
                    list.Add(story);
                }
            }
            story.Add(item);
        }
        return stories;
    }

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NonWord();
}
