using System.Text;

namespace PolicyWatch.Fetch;

/// <summary>The form of a URL used as an article's identity: tracking parameters, fragments and default ports gone.</summary>
public static class UrlNormalizer
{
    private static readonly HashSet<string> Tracking = new(StringComparer.OrdinalIgnoreCase)
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
        "ocid", "cmpid", "cmp", "smid", "sr_share", "ref_src", "ref_url", "rss", "feed", "share", "s_cid", "ito", "mbid", "ns_mchannel",
        "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "taid", "guccounter", "guce_referrer", "guce_referrer_sig", "spm", "__twitter_impression",
    };

    public static Uri Normalize(Uri url)
    {
        var b = new UriBuilder(url) { Fragment = "", Scheme = url.Scheme.ToLowerInvariant(), Host = url.Host.ToLowerInvariant() };
        if (url.IsDefaultPort) b.Port = -1;
        var query = url.Query.TrimStart('?');
        if (query.Length > 0)
        {
            var kept = new StringBuilder();
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var name = Uri.UnescapeDataString(pair.Split('=')[0]);
                if (Tracking.Contains(name) || name.StartsWith("utm_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("hsa_", StringComparison.OrdinalIgnoreCase)) continue;
                if (kept.Length > 0) kept.Append('&');
                kept.Append(pair);
            }
            b.Query = kept.ToString();
        }
        var path = b.Path;
        if (path.Length == 0) b.Path = "/";
        return b.Uri;
    }

    public static string Key(Uri url) => Normalize(url).AbsoluteUri;
}
