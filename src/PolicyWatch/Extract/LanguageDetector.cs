namespace PolicyWatch.Extract;

/// <summary>
/// Language of a text when the markup does not say: script first (CJK, Cyrillic, Arabic…), then the share of
/// each language's most frequent function words. Good enough for a filter and a search configuration.
/// </summary>
public static class LanguageDetector
{
    private static readonly Dictionary<string, HashSet<string>> StopWords = new()
    {
        ["en"] = ["the", "and", "of", "to", "in", "is", "that", "for", "it", "with", "as", "was", "on", "are", "by", "this", "be", "from", "have", "has", "its", "which", "will", "not", "an", "their", "said"],
        ["de"] = ["der", "die", "und", "das", "ist", "nicht", "ein", "eine", "mit", "sich", "auf", "für", "den", "dem", "des", "auch", "wird", "von", "zu", "im", "werden", "bei", "noch", "wie", "über"],
        ["fr"] = ["le", "la", "les", "et", "des", "est", "une", "un", "du", "que", "qui", "dans", "pour", "pas", "sur", "au", "avec", "par", "plus", "ce", "sont", "aux", "ont", "été", "mais"],
        ["es"] = ["el", "la", "los", "las", "y", "que", "de", "del", "en", "un", "una", "por", "con", "para", "es", "se", "no", "su", "al", "lo", "como", "más", "pero", "sus", "ha"],
        ["it"] = ["il", "la", "di", "che", "e", "un", "una", "per", "non", "sono", "del", "della", "con", "nel", "gli", "le", "si", "da", "ha", "alla", "anche", "come", "più", "questo", "dei"],
        ["pt"] = ["o", "a", "os", "as", "de", "que", "e", "do", "da", "em", "um", "uma", "para", "com", "não", "por", "mais", "dos", "das", "se", "como", "foi", "ao", "ser", "está"],
        ["nl"] = ["de", "het", "een", "en", "van", "is", "dat", "op", "te", "in", "voor", "met", "niet", "zijn", "die", "aan", "er", "ook", "als", "bij", "door", "wordt", "naar", "heeft", "worden"],
    };

    public static string? Detect(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var sample = text.Length > 20_000 ? text[..20_000] : text;
        int letters = 0, han = 0, kana = 0, hangul = 0, cyrillic = 0, arabic = 0, hebrew = 0, thai = 0, devanagari = 0, greek = 0;
        foreach (var c in sample)
        {
            if (!char.IsLetter(c)) continue;
            letters++;
            switch (c)
            {
                case >= '\u4e00' and <= '\u9fff': han++; break;
                case >= '\u3040' and <= '\u30ff': kana++; break;
                case >= '\uac00' and <= '\ud7af': hangul++; break;
                case >= '\u0400' and <= '\u04ff': cyrillic++; break;
                case >= '\u0600' and <= '\u06ff': arabic++; break;
                case >= '\u0590' and <= '\u05ff': hebrew++; break;
                case >= '\u0e00' and <= '\u0e7f': thai++; break;
                case >= '\u0900' and <= '\u097f': devanagari++; break;
                case >= '\u0370' and <= '\u03ff': greek++; break;
            }
        }
        if (letters == 0) return null;
        double Share(int n) => n / (double)letters;
        if (Share(kana) > 0.1) return "ja";
        if (Share(hangul) > 0.3) return "ko";
        if (Share(han) > 0.3) return "zh";
        if (Share(cyrillic) > 0.4) return "ru";
        if (Share(arabic) > 0.4) return "ar";
        if (Share(hebrew) > 0.4) return "he";
        if (Share(thai) > 0.4) return "th";
        if (Share(devanagari) > 0.4) return "hi";
        if (Share(greek) > 0.4) return "el";

        var words = sample.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim('.', ',', ';', ':', '!', '?', '"', '\'', '(', ')', '«', '»', '“', '”'))
            .Where(w => w.Length > 0).ToList();
        if (words.Count < 3) return null;
        var best = StopWords.Select(kv => (Lang: kv.Key, Hits: words.Count(kv.Value.Contains)))
            .OrderByDescending(x => x.Hits).First();
        return best.Hits >= Math.Max(2, words.Count * 0.05) ? best.Lang : null;
    }
}
