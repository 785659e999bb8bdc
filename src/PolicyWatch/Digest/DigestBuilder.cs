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

    /// <summary>Days ahead (from the digest's day, inclusive) whose comment deadlines and effective dates the deadlines section lists.</summary>
    public const int DeadlineDays = 14;

    /// <summary>
    /// The deadlines section of a digest for <paramref name="day"/>: comment deadlines and effective dates in
    /// [day, day + <see cref="DeadlineDays"/>], then the rules and proposed rules new in the digest's period, of
    /// documents touching one of <paramref name="topics"/> (any topic when empty). Soonest first; at most
    /// <paramref name="max"/> lines. A correction's effective date is its rule's, never a line of its own.
    /// </summary>
    public static IReadOnlyList<DigestDeadline> Deadlines(IReadOnlyList<Storage.DeadlineCandidate> candidates, IReadOnlyCollection<string> topics,
        DateOnly day, int max = 10)
    {
        var last = day.AddDays(DeadlineDays);
        var lines = new List<DigestDeadline>();
        foreach (var c in candidates)
        {
            if (c.Topics.Length == 0 || topics.Count > 0 && !c.Topics.Any(topics.Contains)) continue;
            var title = string.IsNullOrWhiteSpace(c.Title) ? Artefacts.ArtefactCitations.DisplayName(c.Id) : c.Title;
            if (c.CommentsCloseOn is { } close && close >= day && close <= last)
                lines.Add(new DigestDeadline(close, "comments-close", "Comments close", c.Id, title, c.DocumentType, c.Url));
            if (c.EffectiveOn is { } effective && effective >= day && effective <= last && !c.IsCorrection)
                lines.Add(new DigestDeadline(effective, "effective", "Takes effect", c.Id, title, c.DocumentType, c.Url));
            if (c.NewInPeriod && c.DocumentType is "Rule" or "Proposed Rule")
                lines.Add(new DigestDeadline(c.PublicationDate ?? day, "published", c.DocumentType == "Rule" ? "New rule" : "New proposed rule", c.Id, title, c.DocumentType, c.Url));
        }
        // deadlines ahead first, soonest first; then the period's new rules, newest first
        return lines.OrderBy(l => l.Kind == "published" ? 1 : 0).ThenBy(l => l.Kind == "published" ? -l.Date.DayNumber : l.Date.DayNumber)
            .ThenBy(l => l.ArtefactId, StringComparer.Ordinal).Take(max).ToList();
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
