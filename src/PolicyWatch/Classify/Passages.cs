namespace PolicyWatch.Classify;

/// <summary>A stretch of an article body: [Start, End) in UTF-16 code units of the body, and its word count.</summary>
public readonly record struct Passage(int Start, int End, int Words)
{
    public string Text(string body) => body[Start..End];
}

/// <summary>
/// Splits an article body into the passages the taxonomy's rule speaks of ("at least a paragraph"): paragraphs
/// (separated by line breaks) joined with their neighbours until a passage has <see cref="MinWords"/> words, so the
/// one-sentence paragraphs of news copy form a paragraph's worth of text; paragraphs longer than
/// <see cref="MaxWords"/> are cut into windows of about <see cref="WindowWords"/> words at word boundaries.
/// </summary>
public static class Passages
{
    public const int MinWords = 45;
    public const int MaxWords = 220;
    public const int WindowWords = 150;
    /// <summary>At most this many passages per article (an essay of 30,000 characters has about 30).</summary>
    public const int MaxPassages = 40;

    /// <summary>
    /// The passages of <paramref name="body"/> in order, offsets in UTF-16 code units; only the first
    /// <paramref name="maxChars"/> characters are read and at most <see cref="MaxPassages"/> passages returned (the rest
    /// of a very long text is judged by the whole-article score alone). Empty for an empty body.
    /// </summary>
    public static IReadOnlyList<Passage> Split(string body, int maxChars = TextFeaturizer.MaxBodyChars * 2)
    {
        var result = new List<Passage>();
        var limit = Math.Min(body.Length, maxChars);
        int? openStart = null;
        int openEnd = 0, openWords = 0;
        var i = 0;
        while (i < limit && result.Count < MaxPassages)
        {
            while (i < limit && body[i] is '\n' or '\r') i++;
            if (i >= limit) break;
            var end = body.IndexOf('\n', i);
            if (end < 0 || end > limit) end = limit;
            var words = CountWords(body, i, end);
            if (words > MaxWords)
            {
                if (openStart is { } os) { result.Add(new Passage(os, openEnd, openWords)); openStart = null; }
                Windows(body, i, end, result);
            }
            else if (words > 0)
            {
                openStart ??= i;
                openEnd = end;
                openWords += words;
                if (openWords >= MinWords)
                {
                    result.Add(new Passage(openStart.Value, openEnd, openWords));
                    openStart = null;
                    openWords = 0;
                }
            }
            i = end;
        }
        if (openStart is { } last && result.Count < MaxPassages)
        {
            // a short tail joins the passage before it when there is one
            if (result.Count > 0 && result[^1].End <= last && result[^1].Words + openWords <= MaxWords)
                result[^1] = new Passage(result[^1].Start, openEnd, result[^1].Words + openWords);
            else
                result.Add(new Passage(last, openEnd, openWords));
        }
        return result;
    }

    private static void Windows(string body, int start, int end, List<Passage> result)
    {
        var wordStart = start;
        var words = 0;
        var inWord = false;
        for (var k = start; k < end && result.Count < MaxPassages; k++)
        {
            var space = char.IsWhiteSpace(body[k]);
            if (!space && !inWord) words++;
            inWord = !space;
            if (space && words >= WindowWords && end - k > 200)
            {
                result.Add(new Passage(wordStart, k, words));
                wordStart = k + 1;
                words = 0;
            }
        }
        if (words > 0 && result.Count < MaxPassages) result.Add(new Passage(wordStart, end, words));
    }

    private static int CountWords(string s, int start, int end)
    {
        var n = 0;
        var inWord = false;
        for (var k = start; k < end; k++)
        {
            var space = char.IsWhiteSpace(s[k]);
            if (!space && !inWord) n++;
            inWord = !space;
        }
        return n;
    }
}
