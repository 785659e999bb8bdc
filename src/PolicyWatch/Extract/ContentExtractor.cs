using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;

namespace PolicyWatch.Extract;

/// <summary>
/// Main-content detection. Precision first, with fallbacks: strip what is never article text, then take an
/// explicit article-body container, else the &lt;article&gt; element, else the block Readability-style scoring
/// picks (text length, commas, link density, class hints); render it block by block, dropping link-heavy and
/// boilerplate blocks; and check the result against the alternatives before trusting it.
/// </summary>
internal static partial class ContentExtractor
{
    private static readonly HashSet<string> Drop =
    [
        "script", "style", "template", "svg", "canvas", "iframe", "object", "embed", "button", "input", "select",
        "textarea", "option", "dialog", "nav", "footer", "link", "meta", "map", "audio", "video", "picture", "img", "figcaption", "menu",
    ];

    private static readonly HashSet<string> Blocks =
    [
        "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
        "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "caption", "figure", "address", "hr", "form", "fieldset",
        "center", "details", "summary",
    ];

    public static (string Body, string Method) Extract(IHtmlDocument doc, string? title)
    {
        var body = doc.Body;
        if (body is null) return ("", "none");
        // the standfirst often sits in the article's header, outside the body container: read it before cleaning
        // found only by the relaxed rules (a header wrapper, a long standfirst): kept only when it is no large part of the body
        var (lead, leadRelaxed) = Lead(body);
        Clean(body);
        var stats = new TextStats(body);

        var scored = BestScored(body, stats);
        var explicitNodes = ExplicitBodies(body, stats);
        var article = BestArticleElement(body, stats);

        var candidates = new List<(IReadOnlyList<IElement> Nodes, string Method)>();
        if (explicitNodes.Count > 0) candidates.Add((explicitNodes, "article-body"));
        // reader comments are never the article, however much text they hold
        if (article is not null && !IsComments(article)) candidates.Add(([article], "article-element"));
        if (scored is not null && !IsComments(scored))
        {
            var withSiblings = WithSiblings(scored, stats);
            candidates.Add((withSiblings.Count == 1 ? WithAncestorSiblings(scored, stats, withSiblings) : withSiblings, "scored"));
        }

        // sizes from the stats, so that only the chosen candidate is rendered
        var sized = candidates.Select(c => (c.Nodes, c.Method, Size: c.Nodes.Sum(stats.Visible))).ToList();
        var largest = sized.Count == 0 ? 0 : sized.Max(c => c.Size);
        // precision first, unless a container holds far less than another method found (a teaser box, a split body);
        // an explicit body of some size is measured only against what overlaps it, not against unrelated comments
        int Overlapping(IReadOnlyList<IElement> nodes) => sized.Max(d => d.Nodes.Where(y => nodes.Any(x => x.Contains(y) || y.Contains(x))).Sum(stats.Visible));
        foreach (var (nodes, method, size) in sized.Where(c => c.Size >= 170 && (c.Size >= largest * 0.45
                         || c.Method == "article-body" && c.Size >= 1000 && c.Size >= Overlapping(c.Nodes) * 0.45))
                     .Concat(sized.OrderByDescending(c => c.Size)))
        {
            var text = Render(nodes, title);
            if (text.Length < 200) continue;
            if (leadRelaxed && lead!.Length > 0.35 * text.Length) return (text, method);
            return (WithLead(text, lead), method);
        }
        var fallback = Render(body.QuerySelectorAll("p").Where(p => Text.Collapse(p.TextContent).Length >= 60).ToList(), title);
        var best = sized.Count == 0 ? ("", "none") : sized.OrderByDescending(c => c.Size).Select(c => (Render(c.Nodes, title), c.Method)).First();
        return best.Item1.Length >= fallback.Length ? best : (fallback, "paragraphs");
    }

    private static bool IsComments(IElement e)
    {
        for (var x = e; x is not null && x.LocalName != "body"; x = x.ParentElement)
            if (CommentsClass().IsMatch(ClassAndId(x))) return true;
        return false;
    }

    /// <summary>
    /// The article's standfirst (lead, intro, teaser, chapô, bajada…): the first such block after the headline, of
    /// sentence length and few links, outside navigation and figures; null when the page has none. Read by relaxed
    /// rules: the wrappers of the article's own head ("entry-header", "article-header--wide", one holding the headline)
    /// and a page-wide layout class on &lt;body&gt; do not disqualify it, and it may run to 1,200 characters.
    /// <c>Relaxed</c> says the strict rules would not have taken it (they accept a subset of what the relaxed ones do).
    /// </summary>
    private static (string? Text, bool Relaxed) Lead(IElement body)
    {
        var h1 = body.QuerySelector("h1");
        foreach (var e in body.QuerySelectorAll("p, div, span, section, h2"))
        {
            var hints = ClassAndId(e);
            if ((hints.Length == 0 || !LeadClass().IsMatch(hints)) && e.GetAttribute("itemprop") != "description") continue;
            if (h1 is not null && !h1.CompareDocumentPosition(e).HasFlag(DocumentPositions.Following)) continue;
            if (LeadText(e, h1, relaxed: true) is { } text) return (text, LeadText(e, h1, relaxed: false) is null);
        }
        return (null, false);
    }

    /// <summary>The text of a standfirst candidate, or null when the rules (strict or relaxed) refuse it.</summary>
    private static string? LeadText(IElement e, IElement? h1, bool relaxed)
    {
        if (OutsideArticle(e, relaxed)) return null;
        var boilerplate = false;
        for (var x = e; x is not null && x.LocalName != "body" && !boilerplate; x = x.ParentElement)
        {
            if (ClassAndId(x) is not { Length: > 0 } h) continue;
            var negative = IsNegative(h);
            if (relaxed && negative) negative = !(h1 is not null && x.Contains(h1)) && IsNegativeLead(h);
            boilerplate = negative || h.Contains("author", StringComparison.OrdinalIgnoreCase);
        }
        if (boilerplate) return null;
        var text = Text.Collapse(e.TextContent);
        if (text.Length < 60 || text.Length > (relaxed ? 1200 : 800) || text.Contains('©') || PromoText().IsMatch(text)) return null;
        var links = e.QuerySelectorAll("a").Sum(a => a.TextContent.Length);
        return links > text.Length * 0.3 ? null : text;
    }

    // in navigation, a figure, a list item, comments or a related list; a layout class on <body> or <html> is no such list
    private static bool OutsideArticle(IElement e, bool relaxed)
    {
        for (var x = e; x is not null; x = x.ParentElement)
        {
            if (x.LocalName is "nav" or "aside" or "footer" or "figure" or "figcaption" or "li") return true;
            if (relaxed && x.LocalName is "body" or "html") continue;
            var cls = (x.GetAttribute("class") ?? "").ToLowerInvariant();
            if (cls.Contains("comment") || cls.Contains("teaser-list") || cls.Contains("related")) return true;
        }
        return false;
    }

    /// <summary>A lead's wrapper judged as the article's head: "header" compounds and BEM modifiers (after "--") are no hint there.</summary>
    private static bool IsNegativeLead(string hints)
    {
        foreach (var raw in hints.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.ToLowerInvariant();
            var modifier = token.IndexOf("--", StringComparison.Ordinal);
            if (modifier >= 0) token = token[..modifier];
            if (token.Length == 0 || TermClass().IsMatch(token)) continue;
            if (token == "header") return true;
            if (NegativeWord().IsMatch(token) || token.Split(['-', '_'], StringSplitOptions.RemoveEmptyEntries).Any(p => p != "header" && NegativeWord().IsMatch(p))) return true;
        }
        return false;
    }

    // already in the body when both its opening and its closing words are
    private static string WithLead(string body, string? lead)
    {
        if (lead is null) return body;
        var head = lead.Length > 60 ? lead[..60] : lead;
        var tail = lead.Length > 60 ? lead[^60..] : lead;
        return body.Contains(head, StringComparison.Ordinal) && body.Contains(tail, StringComparison.Ordinal) ? body : lead + "\n\n" + body;
    }

    /// <summary>Removes what is never article text: scripts, navigation, forms, hidden and boilerplate-classed elements.</summary>
    private static void Clean(IElement root)
    {
        var remove = new List<IElement>();
        // a noscript with real text is content (Blogger puts posts there; an unclosed one swallows the page); a short one is a tracking pixel
        foreach (var n in root.QuerySelectorAll("noscript").ToList())
        {
            // a notice ("please enable JavaScript") is short: a long noscript that mentions a browser is still the post
            var length = Text.Collapse(n.TextContent).Length;
            if (length < 600 || length < 2000 && JavaScriptNotice().IsMatch(n.TextContent)) n.Remove();
            else n.Replace([.. n.ChildNodes]);
        }
        var firstH1 = root.QuerySelector("h1");
        var paragraphText = Math.Max(1, root.QuerySelectorAll("p").Sum(p => p.TextContent.Length));
        foreach (var aside in root.QuerySelectorAll("aside").ToList())
        {
            // an article inside an <aside> (some templates do that) stays; a sidebar goes
            var holdsArticle = firstH1 is not null && aside.Contains(firstH1) || aside.QuerySelectorAll("p").Sum(p => p.TextContent.Length) > paragraphText / 2;
            if (!holdsArticle) aside.Remove();
        }
        foreach (var e in Descendants(root))
        {
            if (Drop.Contains(e.LocalName) || IsHidden(e) || e.GetAttribute("role") is "navigation" or "banner" or "complementary" or "contentinfo" or "dialog" or "search" or "menu"
                || IsIconGlyph(e))
                remove.Add(e);
        }
        foreach (var e in remove) e.Remove();
        remove.Clear();

        // measured after scripts and styles are gone, which can outweigh the visible text many times
        var stats = new TextStats(root);
        var total = Math.Max(1, stats.Text(root));
        foreach (var e in Descendants(root))
        {
            if (e.LocalName is "html" or "body" or "main" or "article") continue;
            var hints = ClassAndId(e);
            if (hints.Length == 0) continue;
            if (IsNegative(hints) && !BodyHint().IsMatch(hints) && e.GetAttribute("itemprop") != "articleBody")
            {
                // a hint loses against the text it would remove: never the headline, an explicit body, or most of the text
                var share = stats.Text(e) / (double)total;
                if (share >= 0.4) continue;
                var guarded = firstH1 is not null && e.Contains(firstH1) || e.QuerySelector("[itemprop=articleBody]") is not null
                              || e.QuerySelectorAll("p").Sum(p => p.TextContent.Length) is var own && own > paragraphText / 2 && own > 500;
                if (!guarded) remove.Add(e);
            }
        }
        // the same hint on many elements that together hold most of the text (every paragraph classed "gdpr-Paragraph")
        // is the template's naming, not boilerplate: that text stays
        var kept = new HashSet<IElement>();
        foreach (var group in remove.GroupBy(e => e.GetAttribute("class") ?? e.Id ?? "").Where(g => g.Count() > 1))
            if (group.Sum(e => stats.Text(e)) is var text && text > total / 2 && text > 200) kept.UnionWith(group);
        if (kept.Count > 0) remove.RemoveAll(kept.Contains);
        foreach (var e in remove) e.Remove();

        foreach (var header in root.QuerySelectorAll("header").ToList())
        {
            var paragraphs = header.QuerySelectorAll("p").Count(p => Text.Collapse(p.TextContent).Length > 120);
            if (paragraphs < 2) header.Remove();
        }
    }

    /// <summary>
    /// A boilerplate hint in a class or id, judged per token: the word itself ("sidebar") or a part of a compound
    /// ("related-posts", "post-comments"). Term and layout classes ("tag-winter", "has-sidebar",
    /// "elementor-widget-container") are no hint, and the caller never lets a hint remove the headline, an explicit
    /// article body or most of the paragraph text.
    /// </summary>
    internal static bool IsNegative(string hints)
    {
        foreach (var raw in hints.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = raw.ToLowerInvariant();
            // a BEM modifier saying how the block is laid out ("o-section--has-ads", "main--no-sidebar") is no hint
            if (token.Contains("--", StringComparison.Ordinal))
            {
                var segments = token.Split("--");
                token = string.Join('-', segments.Take(1).Concat(segments.Skip(1).Where(m => !LayoutModifier().IsMatch(m))));
            }
            if (TermClass().IsMatch(token)) continue;
            var parts = token.Split(['-', '_'], StringSplitOptions.RemoveEmptyEntries);
            if (NegativeWord().IsMatch(token) || parts.Any(p => NegativeWord().IsMatch(p))) return true;
            if (NegativeBox().IsMatch(token) || parts.Any(p => NegativeBox().IsMatch(p) || p == "toc")) return true;
        }
        return false;
    }

    /// <summary>Hidden from readers: the <c>hidden</c> attribute, <c>aria-hidden="true"</c>, or an inline display:none / visibility:hidden.</summary>
    internal static bool IsHidden(IElement e) =>
        e.HasAttribute("hidden") || e.GetAttribute("aria-hidden") == "true" || e.GetAttribute("style") is { } style && HiddenStyle().IsMatch(style);

    /// <summary>Icon-font ligatures (material icons etc.) render as words like "check_circle" in text.</summary>
    private static bool IsIconGlyph(IElement e)
    {
        if (e.LocalName is not ("i" or "span")) return false;
        var cls = e.GetAttribute("class");
        if (cls is null || !IconClass().IsMatch(cls)) return false;
        var text = e.TextContent.Trim();
        return text.Length < 40 && !text.Contains(' ');
    }

    private static List<IElement> ExplicitBodies(IElement root, TextStats stats)
    {
        var found = Descendants(root)
            .Where(e => e.GetAttribute("itemprop") == "articleBody" || BodyContainer().IsMatch(ClassAndId(e)))
            .Where(e => stats.Visible(e) > 0)
            .ToList();
        // keep outermost only: containers inside containers are the same text
        var outer = found.Where(e => !found.Any(o => o != e && o.Contains(e))).ToList();
        if (outer.Count == 0 || outer.Max(stats.Visible) < 130) return [];
        if (outer.Count == 1) return outer;
        // several sibling containers (a body split by ads) are one article; unrelated ones are not
        var best = outer.OrderByDescending(stats.Visible).First();
        return outer.Where(e => e == best || (e.ParentElement is not null && e.ParentElement == best.ParentElement && stats.Visible(e) > 0)).ToList();
    }

    private static IElement? BestArticleElement(IElement root, TextStats stats)
    {
        var articles = root.QuerySelectorAll("article").ToList();
        if (articles.Count == 0) return null;
        var best = articles.OrderByDescending(stats.Visible).First();
        return stats.Visible(best) >= 130 ? best : null;
    }

    /// <summary>Readability-style scoring: paragraphs vote for their parent and grandparent.</summary>
    private static IElement? BestScored(IElement root, TextStats stats)
    {
        var scores = new Dictionary<IElement, double>();
        void Vote(IElement? parent, int length, int commas)
        {
            if (length < 20) return;
            var score = 1 + commas + Math.Min(length / 85.0, 3);
            var level = 0;
            for (var a = parent; a is not null && level < 3; a = a.ParentElement, level++)
            {
                if (!scores.ContainsKey(a)) scores[a] = InitialScore(a);
                scores[a] += score / (level == 0 ? 1 : level * 2);
            }
        }
        foreach (var e in Descendants(root))
        {
            if (IsParagraphLike(e, stats))
            {
                Vote(e.ParentElement, stats.Text(e), stats.Commas(e));
                continue;
            }
            // text written straight into a container, between <br>s or inline tags, counts as its paragraphs
            // (inline elements are part of their container's runs, never candidates themselves)
            if (Blocks.Contains(e.LocalName))
                foreach (var (length, commas) in InlineRuns(e, stats)) Vote(e, length, commas);
        }
        IElement? best = null;
        var bestScore = 0.0;
        foreach (var (e, s) in scores)
        {
            var final = s * (1 - stats.LinkDensity(e));
            if (final > bestScore) { best = e; bestScore = final; }
        }
        // a lone child holding all the text is the same candidate, one level up includes its headings
        while (best?.ParentElement is { } parent && parent.LocalName != "body" && parent.FirstElementChild == parent.LastElementChild)
            best = parent;
        return best;
    }

    /// <summary>Sizes (non-whitespace characters, commas) of the runs of inline content between a container's blocks and &lt;br&gt;s.</summary>
    private static IEnumerable<(int Length, int Commas)> InlineRuns(IElement e, TextStats stats)
    {
        int length = 0, commas = 0;
        foreach (var child in e.ChildNodes)
        {
            if (child is IText t)
            {
                foreach (var c in t.Data)
                {
                    if (char.IsWhiteSpace(c)) continue;
                    length++;
                    if (c is ',' or '，' or '、') commas++;
                }
            }
            else if (child is IElement c && !Blocks.Contains(c.LocalName) && c.LocalName is not ("br" or "a"))
            {
                length += stats.Text(c);
                commas += stats.Commas(c);
            }
            else if (child is IElement b && (Blocks.Contains(b.LocalName) || b.LocalName == "br") && length > 0)
            {
                yield return (length, commas);
                length = commas = 0;
            }
        }
        if (length > 0) yield return (length, commas);
    }

    private static bool IsParagraphLike(IElement e, TextStats stats) =>
        e.LocalName is "p" or "pre" or "td" or "blockquote"
        || (e.LocalName is "div" or "section" && stats.Text(e) > 0 && !HasBlockChild(e));

    private static bool HasBlockChild(IElement e)
    {
        for (var c = e.FirstElementChild; c is not null; c = c.NextElementSibling)
            if (Blocks.Contains(c.LocalName)) return true;
        return false;
    }

    private static double InitialScore(IElement e)
    {
        var score = e.LocalName switch
        {
            "div" or "article" or "main" or "section" => 5,
            "pre" or "td" or "blockquote" => 3,
            "address" or "ol" or "ul" or "dl" or "dd" or "dt" or "li" or "form" => -3,
            "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "th" => -5,
            _ => 0,
        };
        var hints = ClassAndId(e);
        if (hints.Length > 0)
        {
            if (IsNegative(hints)) score -= 25;
            if (Positive().IsMatch(hints)) score += 25;
        }
        return score;
    }

    /// <summary>The top candidate plus siblings that look like more of the same article.</summary>
    private static IReadOnlyList<IElement> WithSiblings(IElement top, TextStats stats)
    {
        if (top.ParentElement is not { } parent) return [top];
        var topChars = stats.Visible(top);
        var nodes = new List<IElement>();
        foreach (var sibling in parent.Children)
        {
            if (sibling == top) { nodes.Add(sibling); continue; }
            var text = Text.Collapse(sibling.TextContent);
            var density = stats.LinkDensity(sibling);
            var sameClass = sibling.ClassName is { Length: > 0 } c && c == top.ClassName;
            // "detail-body first-paragraph" beside "detail-body second-paragraph": the same block, numbered
            if (!sameClass && sibling.LocalName == top.LocalName && FirstClass(sibling) is { } first && first == FirstClass(top))
                sameClass = stats.Visible(sibling) <= 2 * topChars;
            if ((sibling.LocalName == "p" && text.Length > 80 && density < 0.25)
                || (sameClass && stats.Visible(sibling) > topChars * 0.1 && density < 0.3))
                nodes.Add(sibling);
        }
        return nodes;
    }

    private static string? FirstClass(IElement e) =>
        e.GetAttribute("class")?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is [var first, ..] ? first : null;

    /// <summary>
    /// A body written as repeated sections (forum posts, one block per chapter): the first of up to three ancestors whose
    /// siblings share its tag and class and hold text of their own, few links and no headline gives the siblings too,
    /// in document order with <paramref name="nodes"/> in the ancestor's place. Otherwise <paramref name="nodes"/>.
    /// </summary>
    private static IReadOnlyList<IElement> WithAncestorSiblings(IElement top, TextStats stats, IReadOnlyList<IElement> nodes)
    {
        var chars = nodes.Sum(stats.Visible);
        var a = top;
        for (var level = 0; level < 3 && a.ParentElement is { } up && up.LocalName != "body"; level++)
        {
            a = up;
            var cls = a.GetAttribute("class");
            if (string.IsNullOrEmpty(cls) || a.ParentElement is not { } parent) continue;
            var siblings = parent.Children.Where(s => s != a && s.LocalName == a.LocalName && s.GetAttribute("class") == cls
                && stats.Visible(s) > 0.1 * chars && stats.LinkDensity(s) < 0.3 && s.QuerySelector("h1") is null).ToHashSet();
            if (siblings.Count == 0) continue;
            var result = new List<IElement>();
            foreach (var s in parent.Children)
                if (s == a) result.AddRange(nodes);
                else if (siblings.Contains(s)) result.Add(s);
            return result;
        }
        return nodes;
    }

    private sealed class Block
    {
        public StringBuilder Text { get; } = new();
        public int LinkChars { get; set; }
        public string Tag { get; set; } = "p";
    }

    /// <summary>Text of the nodes, block by block (iteratively: pages nest thousands deep), boilerplate blocks dropped.</summary>
    internal static string Render(IReadOnlyList<IElement> nodes, string? title)
    {
        var blocks = new List<Block>();
        var current = new Block();
        void Flush(string nextTag)
        {
            if (current.Text.Length > 0) blocks.Add(current);
            current = new Block { Tag = nextTag };
        }

        foreach (var node in nodes)
        {
            Flush(node.LocalName);
            var stack = new Stack<(INode Node, bool Exit, bool InLink)>();
            stack.Push((node, false, false));
            while (stack.Count > 0)
            {
                var (n, exit, inLink) = stack.Pop();
                if (n is IElement el)
                {
                    var tag = el.LocalName;
                    if (exit)
                    {
                        if (Blocks.Contains(tag)) Flush("p");
                        continue;
                    }
                    if (tag == "br")
                    {
                        // <br><br> separates paragraphs; one <br> is a line break inside one
                        if (current.Text.Length > 0 && current.Text[^1] == '\n') { current.Text.Length--; Flush("p"); }
                        else AppendBreak(current);
                        continue;
                    }
                    // a table row is one line, its cells separated by bars
                    if (tag is "td" or "th" && el.PreviousElementSibling is not null && current.Text.Length > 0) current.Text.Append(" | ");
                    if (Blocks.Contains(tag)) Flush(tag);
                    stack.Push((n, true, inLink));
                    var link = inLink || tag == "a";
                    for (var i = n.ChildNodes.Length - 1; i >= 0; i--)
                        stack.Push((n.ChildNodes[i], false, link));
                }
                else if (n is IText t)
                {
                    var before = current.Text.Length;
                    AppendText(current, t.Data);
                    if (inLink) current.LinkChars += current.Text.Length - before;
                }
            }
            Flush("p");
        }

        var kept = new List<(string Text, string Tag)>();
        var normalizedTitle = title is null ? null : Text.Collapse(title);
        var inRelatedList = false;
        foreach (var b in blocks)
        {
            var text = TrimLines(b.Text.ToString());
            if (text.Length == 0) continue;
            // "Mehr zum Thema", "Lire aussi": the heading and the short link titles under it are not the article
            if (text.Length < 80 && (RelatedHeading().IsMatch(text) || MoreHeading().IsMatch(text))) { inRelatedList = true; continue; }
            if (inRelatedList && text.Length < 160) continue;
            inRelatedList = false;
            if (text.Length < 200 && PromoLine().IsMatch(text)) continue;
            // the headline is metadata, not body: a leading h1, or a leading block that repeats the title
            if (kept.Count == 0 && (b.Tag == "h1" || (normalizedTitle is not null && string.Equals(text, normalizedTitle, StringComparison.OrdinalIgnoreCase)))) continue;
            var density = b.LinkChars / (double)Math.Max(1, b.Text.Length);
            if (density > 0.6 && text.Length < 400) continue;
            if (text.Length < 120 && (Boilerplate().IsMatch(text) || SourceOrDateLine().IsMatch(text))) continue;
            kept.Add((text, b.Tag));
        }
        // what follows the article: up to three short calls to subscribe, follow, donate or a copyright line, then a
        // heading or a "See more:" line with nothing under it
        for (var calls = 0; kept.Count > 0;)
        {
            var (last, tag) = kept[^1];
            if (last.Length < 80 && (tag is "h1" or "h2" or "h3" or "h4" or "h5" or "h6" || last.TrimEnd().EndsWith(':'))) kept.RemoveAt(kept.Count - 1);
            else if (calls < 3 && last.Length < 300 && CallToAction().IsMatch(last)) { kept.RemoveAt(kept.Count - 1); calls++; }
            else break;
        }
        return string.Join("\n\n", kept.Select(k => k.Text));
    }

    private static void AppendText(Block block, string data)
    {
        var sb = block.Text;
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c) || c == '\u00a0')
            {
                if (sb.Length > 0 && sb[^1] != ' ' && sb[^1] != '\n') sb.Append(' ');
            }
            else if (c != '\u200b' && c != '\u00ad')
            {
                sb.Append(c);
            }
        }
    }

    private static void AppendBreak(Block block)
    {
        var sb = block.Text;
        while (sb.Length > 0 && sb[^1] == ' ') sb.Length--;
        if (sb.Length > 0 && sb[^1] != '\n') sb.Append('\n');
    }

    private static string TrimLines(string s) =>
        string.Join('\n', s.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    /// <summary>
    /// Text and link-text sizes of every element, from one bottom-up pass (non-whitespace characters), so that
    /// judging thousands of candidates does not re-read their subtrees.
    /// </summary>
    private sealed class TextStats
    {
        private readonly Dictionary<IElement, (int Text, int Link, int Commas)> _sizes = new();

        public TextStats(IElement root)
        {
            var stack = new Stack<(IElement Element, bool Exit)>();
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (e, exit) = stack.Pop();
                if (!exit)
                {
                    stack.Push((e, true));
                    // sibling links, not e.Children: that allocates a collection per element, and allocation is what
                    // makes a pathological 10,000-deep page slow (each GC must mark the whole deep tree)
                    for (var c = e.LastElementChild; c is not null; c = c.PreviousElementSibling) stack.Push((c, false));
                    continue;
                }
                int text = 0, link = 0, commas = 0;
                foreach (var child in e.ChildNodes)
                {
                    if (child is IText t)
                    {
                        foreach (var c in t.Data)
                        {
                            if (char.IsWhiteSpace(c)) continue;
                            text++;
                            if (c is ',' or '，' or '、') commas++;
                        }
                    }
                    else if (child is IElement c && _sizes.TryGetValue(c, out var size))
                    {
                        text += size.Text;
                        link += size.Link;
                        commas += size.Commas;
                    }
                }
                _sizes[e] = (text, e.LocalName == "a" ? text : link, commas);
            }
        }

        public int Text(IElement e) => _sizes.TryGetValue(e, out var s) ? s.Text : 0;

        public int Commas(IElement e) => _sizes.TryGetValue(e, out var s) ? s.Commas : 0;

        /// <summary>Text outside links: what a reader would read in the element.</summary>
        public int Visible(IElement e) => _sizes.TryGetValue(e, out var s) ? s.Text - s.Link : 0;

        public double LinkDensity(IElement e) => _sizes.TryGetValue(e, out var s) && s.Text > 0 ? Math.Min(1, s.Link / (double)s.Text) : 0;
    }

    /// <summary>An element's class and id attributes, space-joined ("" when it has neither).</summary>
    internal static string ClassAndId(IElement e)
    {
        var cls = e.GetAttribute("class");
        var id = e.GetAttribute("id");
        return cls is null ? id ?? "" : id is null ? cls : cls + " " + id;
    }

    private static IEnumerable<IElement> Descendants(IElement root)
    {
        var stack = new Stack<IElement>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            if (e != root) yield return e;
            for (var c = e.LastElementChild; c is not null; c = c.PreviousElementSibling) stack.Push(c);
        }
    }

    [GeneratedRegex(@"^(comments?|disqus|share|sharing|social|sociable|related|recommend(ed|ations)?|newsletter|subscribe|subscription|signup|sign-up|promo|advert(isement)?|ads?|adslot|ad-slot|sponsor(ed)?|cookie|consent|gdpr|banner|sidebar|breadcrumbs?|pagination|pager|popup|modal|overlay|paywall|tags?|taglist|author-bio|bio|toolbar|menu|masthead|skip|print|most-popular|popular|trending|outbrain|taboola|footer|header|nav|navbar|navigation|widget|widgets|read-more|also-read|more-stories|caption|credits?|byline|dateline|meta|timestamp|rating|reactions|follow|donate|cta|jump-link)$")]
    private static partial Regex NegativeWord();

    [GeneratedRegex(@"(^|[\s_-])(lead|leadtext|lede|intro|introtext|article-intro|teaser-text|standfirst|chapo|chapeau|excerpt|bajada|texto-bajada|subline|deck|dek|abstract|leader|summary|article-summary|kicker-text|vorspann)($|[\s_-])", RegexOptions.IgnoreCase)]
    private static partial Regex LeadClass();

    // headings of read-more lists in our languages
    [GeneratedRegex(@"^(mehr zum thema|lesen sie auch|lesen sie mehr|auch interessant|das könnte sie auch interessieren|das könnte dich auch interessieren|weitere artikel|weitere beiträge|ähnliche beiträge|ähnliche artikel|empfohlene beiträge|verwandte artikel|schon gelesen\??|related( articles| stories| posts| content)?|read more|more on this( story| topic)?|you may also like|you might also like|recommended( for you)?|lire aussi|à lire aussi|a lire aussi|à découvrir|sur le même sujet|lea también|temas relacionados|noticias relacionadas|leggi anche|articoli correlati|czytaj (też|także)|zobacz (też|także)|lees ook|gerelateerde artikelen)\s*:?$", RegexOptions.IgnoreCase)]
    private static partial Regex RelatedHeading();

    // short promotional or credit lines inside an article body, in our languages
    [GeneratedRegex(@"^(jetzt (abonnieren|anmelden|bestellen)|newsletter( abonnieren)?|abonnieren sie|unterstützen sie|anzeige$|werbung$|alle angaben ohne gewähr|quelle:|fotos?:|bildquelle:?|beitragsbild|titelbild|crédits? photos?|síguenos|hazte (miembro|socio)|suscríbete|abonnez-vous|inscrivez-vous|iscriviti|subscribe (now|to|for)|sign up (now|for|to)|follow us|share this (article|story)|teilen:|tags?:|schlagwörter:?|kategorie:|category\s*:|valora esta noticia|dieser artikel erschien)", RegexOptions.IgnoreCase)]
    private static partial Regex PromoLine();

    [GeneratedRegex(@"(^|[\s_-])(comments?|comment-list|commentlist|comments-area|discussion|disqus|kommentare|leserkommentare|reactions)($|[\s_-])", RegexOptions.IgnoreCase)]
    private static partial Regex CommentsClass();

    [GeneratedRegex(@"subscribe|sign up|newsletter|by email|per e-?mail|abonnieren|anmelden|inscri", RegexOptions.IgnoreCase)]
    private static partial Regex PromoText();

    [GeneratedRegex(@"javascript|enable|browser|aktivieren", RegexOptions.IgnoreCase)]
    private static partial Regex JavaScriptNotice();

    // BEM modifiers that describe layout or state, not what the block holds
    [GeneratedRegex(@"^(has|no|with|without|is|show|hide)[-_]")]
    private static partial Regex LayoutModifier();

    // boxes beside the article: its author's box, a picture's legend, a cookie notice
    [GeneratedRegex(@"^(cookies|author|authorbox|author-box|legend|imagedescription)$")]
    private static partial Regex NegativeBox();

    // more read-more headings, with a site name or a few words after them ("Popular on Example", "Weitere Artikel zum Thema Energie")
    [GeneratedRegex(@"^(das thema könnte (sie|dich) auch interessieren|weitere artikel( zum thema)?|mehr themen|weiterführende (links?|informationen|artikel)|weitere informationen|kommentierte artikel|meistgelesen|ähnliche themen|verwandte themen|popular on .{1,30}|next article|related coverage.{0,40}|more from .{1,30}|te puede interesar|también te puede interesar|más noticias|voir aussi|à lire également|podobne artykuły|przeczytaj (też|także|również)|mehr zum thema|lesen sie auch|das könnte (sie|dich) auch interessieren)\b.{0,30}?[\s:!.?…]*$", RegexOptions.IgnoreCase)]
    private static partial Regex MoreHeading();

    // a source or publication line on its own ("Quelle: dpa", "Veröffentlicht am 3. Mai 2022")
    [GeneratedRegex(@"^((źródło|fuente|source|quelle)\s*:.{0,60}|(veröffentlicht|veröffentlichung|aktualisiert|publicado|publié|publiée)( am| le| el)?\s*:? .{0,40})$", RegexOptions.IgnoreCase)]
    private static partial Regex SourceOrDateLine();

    // calls to subscribe, follow, install or donate, and copyright lines, in our languages
    [GeneratedRegex(@"newsletter|telegram|whatsapp|\b(our|the|unsere[rn]?) apps?\b|\bapps? (for|für)\b|download (the|our)|abonnieren sie|jetzt abonnieren|abonnez|subscribe|subscri[bp]tion|suscr[ií]b|unterstützen sie|unterstütze uns|support us|spenden sie|donate|folg(e|en sie) uns|follow (us|the|me|him|her)\b|s[ií]gu?enos|werden sie mitglied|become a member|©|copyright|all rights reserved|alle rechte vorbehalten|written permission|reprint", RegexOptions.IgnoreCase)]
    private static partial Regex CallToAction();

    // WordPress term classes and page-builder layout classes: they name what a post is filed under or how it is laid out
    [GeneratedRegex(@"^(tag|category|type|status|format|has|with|no|layout|page-template)-|^(post|postid|page-id|author)-\d+$|^elementor-(widget|element|column|section|container|widget-container|widget-wrap|row|inner|top-section)\b|^(et_pb|vc|wpb|fl)[-_]|^(modal-enabled|non-paywall|print-full|content-sidebar-wrap|site-content)$|sidebar-(left|right)$")]
    private static partial Regex TermClass();

    [GeneratedRegex(@"(^|[\s_-])(article|body|content|entry|main|page|post|text|blog|story|hentry)($|[\s_-])", RegexOptions.IgnoreCase)]
    private static partial Regex Positive();

    [GeneratedRegex(@"(^|[\s_-])((article|story|post|entry|blog|news|rich)[-_]?(body|content|text|copy)|articlebody|storytext|story-body|post-body|entry-content|article__body|article-body|body-text|main-text|article-text)($|[\s_-])", RegexOptions.IgnoreCase)]
    private static partial Regex BodyHint();

    [GeneratedRegex(@"(^|\s)((article|story|post|entry|blog)[-_]{0,2}(body|content|text)|articlebody|storytext|story-body|entry-content|post-body|body-text|article-text)(__inner|-inner|_inner)?($|\s)", RegexOptions.IgnoreCase)]
    private static partial Regex BodyContainer();

    [GeneratedRegex(@"display\s*:\s*none|visibility\s*:\s*hidden", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenStyle();

    [GeneratedRegex(@"(^|[\s_-])(icon|icons|material-icons|material-symbols[\w-]*|glyphicon|fa|fas|far|fab)($|[\s_-])", RegexOptions.IgnoreCase)]
    private static partial Regex IconClass();

    [GeneratedRegex(@"^(advertisement|advert|sponsored|share( this( article| story)?)?|share on \w+|read more|continue reading|related( articles| stories)?:?|sign up\b.*|subscribe\b.*|follow us\b.*|click here\b.*|(all )?rights reserved.*|©.*|copyright ©?.*|skip to (main )?content|back to top|loading\.*|recommended( for you)?|more from .{0,40}|by [\p{L} .'-]{3,40}|(published|updated|posted)( on)?:? .{0,40}|\d+ (min|minute)s? read)$", RegexOptions.IgnoreCase)]
    private static partial Regex Boilerplate();
}
