using System.Net;
using System.Text;

namespace PolicyWatch.Tests.Support;

/// <summary>Recorded fixtures from testdata/ (with {BASE} pointing at the loopback server) and generated fictional pages.</summary>
public static class Fixtures
{
    public static string Read(string relativePath, Uri? baseUrl = null)
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", relativePath));
        return baseUrl is null ? text : text.Replace("{BASE}", baseUrl.AbsoluteUri);
    }

    private static readonly string[] Sentences =
    [
        "Officials described the measure as a narrow adjustment rather than a change of course.",
        "Industry groups said they would study the text before deciding whether to comment.",
        "The agency estimated that several dozen exporters would need to file new paperwork each quarter.",
        "Analysts noted that the timing coincided with a round of talks among allied governments.",
        "A spokesperson declined to say whether further steps were under consideration.",
        "Smaller firms warned that compliance costs would fall hardest on them.",
        "The committee plans to hold a hearing on the subject early next year.",
        "Researchers at a fictional institute published a short note welcoming the clarity.",
    ];

    /// <summary>A realistic article page: navigation, share bar, byline, body paragraphs, related links, footer.</summary>
    public static string ArticlePage(string title, int paragraphs = 5, string? canonical = null, string? published = "2026-11-18T10:00:00Z", string? marker = null)
    {
        var body = new StringBuilder();
        for (var i = 0; i < paragraphs; i++)
        {
            body.Append("<p>");
            if (i == 0 && marker is not null) body.Append(WebUtility.HtmlEncode(marker)).Append(' ');
            for (var j = 0; j < 3; j++) body.Append(Sentences[(i * 3 + j) % Sentences.Length]).Append(' ');
            body.Append("</p>\n");
        }
        var t = WebUtility.HtmlEncode(title);
        return $$"""
            <!doctype html>
            <html lang="en"><head>
            <meta charset="utf-8"><title>{{t}} | Lakeside Policy Review</title>
            <meta property="og:site_name" content="Lakeside Policy Review">
            {{(canonical is null ? "" : $"<link rel=\"canonical\" href=\"{canonical}\">")}}
            {{(published is null ? "" : $"<meta property=\"article:published_time\" content=\"{published}\">")}}
            <meta name="author" content="Jordan Vale">
            </head><body>
            <header class="site-header"><a href="/">Lakeside Policy Review</a><nav><a href="/topics">Topics</a><a href="/about">About</a></nav></header>
            <main><article>
            <h1>{{t}}</h1>
            <div class="byline">By Jordan Vale</div>
            <div class="share-bar"><a href="#">Share on X</a><a href="#">Email</a></div>
            <div class="article-body">
            {{body}}
            </div>
            <aside class="related"><h2>Related</h2><ul><li><a href="/a">Another story</a></li><li><a href="/b">A third story</a></li></ul></aside>
            </article></main>
            <footer>© 2026 Lakeside Policy Review. All rights reserved.</footer>
            </body></html>
            """;
    }

    public static string Rss(Uri baseUrl, params (string Path, string Title)[] items)
    {
        var sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Generated</title><link>")
            .Append(baseUrl).Append("</link>");
        foreach (var (path, title) in items)
            sb.Append("<item><title>").Append(WebUtility.HtmlEncode(title)).Append("</title><link>").Append(WebUtility.HtmlEncode(new Uri(baseUrl, path).AbsoluteUri))
              .Append("</link><pubDate>Wed, 18 Nov 2026 10:00:00 GMT</pubDate></item>");
        return sb.Append("</channel></rss>").ToString();
    }
}
