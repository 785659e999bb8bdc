using System.Text;
using System.Text.RegularExpressions;
using PolicyWatch.Search;

namespace PolicyWatch.Digest;

/// <summary>
/// Pure: candidates → sections. Items ranked by topic score × source weight × recency; copies of one story on several
/// sites (same normalised title) merged into one item "also in …"; an excerpt of two or three sentences.
/// </summary>
public static partial class DigestBuilder
{
    public const int ItemsPerTopic = 5;

    /// <summary>
    /// Topic sections from candidates. An article published more than <paramref name="lateAfter"/> before it was
    /// stored (a new source's back catalogue, a backfill) is counted in <see cref="DigestSection.OlderFoundLate"/>
    /// rather than listed; null lists everything.
    /// </summary>
    public static IReadOnlyList<DigestSection> Sections(IReadOnlyList<DigestCandidate> candidates, IReadOnlyDictionary<string, string> topicNames,
        DateTimeOffset periodEnd, IReadOnlyDictionary<string, (int ThisWeek, int PreviousWeek)> weekly, TimeSpan? lateAfter = null)
    {
        var sections = new List<DigestSection>();
        foreach (var all in candidates.GroupBy(c => c.Topic).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var late = all.Where(c => IsLate(c, lateAfter)).Select(c => c.ArticleId).Distinct().Count();
            var group = all.Where(c => !IsLate(c, lateAfter)).ToList();
            var rank = Rank(periodEnd);
            var stories = Stories.Group(group.OrderByDescending(rank).ThenByDescending(c => c.ArticleId), c => c.Title, c => Date(c, periodEnd))
                .Select(story =>
                {
                    var best = story[0];
                    var also = story.Skip(1).Select(c => c.Source).Where(s => s != best.Source).Distinct().ToList();
                    return (Best: best, Also: also, Rank: rank(best));
                })
                .ToList();
            var items = stories.Take(ItemsPerTopic).Select(s => new DigestItem(s.Best.ArticleId, s.Best.Title ?? s.Best.Url, s.Best.Url, s.Best.Source,
                s.Best.Published, Excerpt(s.Best.Excerpt), s.Best.Score, s.Also)).ToList();
            var (thisWeek, previousWeek) = weekly.TryGetValue(all.Key, out var w) ? w : (0, 0);
            sections.Add(new DigestSection(all.Key, topicNames.GetValueOrDefault(all.Key, all.Key), stories.Count, thisWeek, previousWeek, items) { OlderFoundLate = late });
        }
        return sections;
    }

    /// <summary>A saved search's section: its hits as the search ranked them, copies already merged by the search.</summary>
    public static DigestSection SearchSection(string key, string name, IReadOnlyList<DigestCandidate> hits, int count, int thisWeek, int previousWeek)
    {
        var items = hits.Take(ItemsPerTopic).Select(h => new DigestItem(h.ArticleId, h.Title ?? h.Url, h.Url, h.Source, h.Published, Excerpt(h.Excerpt), h.Score,
            h.AlsoIn.Where(s => s != h.Source).Distinct().ToList())).ToList();
        return new DigestSection(key, name, count, thisWeek, previousWeek, items);
    }

    private static bool IsLate(DigestCandidate c, TimeSpan? lateAfter) =>
        lateAfter is { } after && c.Published is { } p && c.Stored is { } s && s - p > after;

    private static DateTime Date(DigestCandidate c, DateTimeOffset fallback) => c.Published ?? fallback.UtcDateTime;

    private static Func<DigestCandidate, double> Rank(DateTimeOffset end) => c =>
    {
        var ageDays = c.Published is { } p ? Math.Max(0, (end - new DateTimeOffset(p, TimeSpan.Zero)).TotalDays) : 1;
        return c.Score * c.SourceWeight * Math.Pow(0.5, ageDays / 2);
    };

    /// <summary>The first two or three sentences, at most about 320 characters.</summary>
    public static string Excerpt(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var sb = new StringBuilder();
        var count = 0;
        foreach (Match m in Sentence().Matches(flat))
        {
            if (count >= 2 && sb.Length > 120) break;
            if (sb.Length + m.Length > 320 && count > 0) break;
            sb.Append(m.Value.Trim()).Append(' ');
            if (++count == 3) break;
        }
        var excerpt = sb.ToString().Trim();
        if (excerpt.Length == 0) excerpt = flat;
        return excerpt.Length > 340 ? excerpt[..337].TrimEnd() + "…" : excerpt;
    }

    [GeneratedRegex(@"[^.!?]+[.!?]+(\s|$)|[^.!?]+$")]
    private static partial Regex Sentence();

}
