using System.Text.RegularExpressions;

namespace PolicyWatch.Search;

/// <summary>One story on several sites (syndicated copies) shares its title up to case and punctuation.</summary>
public static partial class Stories
{
    public static string Key(string title) => NonWord().Replace(title.ToLowerInvariant(), " ").Trim();

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NonWord();
}
