using System.Text;
using System.Xml;
using System.Xml.Linq;
using AngleSharp.Html;

namespace PolicyWatch.Feeds;

/// <summary>
/// Builds a tree from XML that a strict parser rejects, the way feedparser's loose mode reads damaged feeds: HTML
/// entities (the full HTML5 table, from AngleSharp) and bare <c>&amp;</c> read as text, undeclared namespace prefixes
/// bound to their well-known URIs, a declaration after a comment ignored, mismatched end tags closing the elements
/// they belong to, and a document cut off mid-way closed where it stops. Never throws on any input.
/// </summary>
/// <remarks>
/// Hand-written because the libraries tried lose text: AngleSharp.Xml's error-suppressing parser turned
/// <c>?a=1&amp;b=2</c> into <c>?a=1&amp;b2</c> and nested everything after an unclosed <c>&lt;br&gt;</c> inside it.
/// Elements closed only because the input ended carry <see cref="Truncated"/> as an annotation, so readers can
/// ignore a field whose text was cut.
/// </remarks>
public static class TolerantXml
{
    /// <summary>Annotation on an element whose end tag never came because the document ended.</summary>
    public sealed class Truncated
    {
        public static readonly Truncated Mark = new();
    }

    // the namespaces feeds use most, for prefixes used without their xmlns declaration
    private static readonly Dictionary<string, string> KnownPrefixes = new(StringComparer.Ordinal)
    {
        ["atom"] = "http://www.w3.org/2005/Atom",
        ["content"] = "http://purl.org/rss/1.0/modules/content/",
        ["dc"] = "http://purl.org/dc/elements/1.1/",
        ["dcterms"] = "http://purl.org/dc/terms/",
        ["media"] = "http://search.yahoo.com/mrss/",
        ["itunes"] = "http://www.itunes.com/dtds/podcast-1.0.dtd",
        ["rdf"] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        ["rss"] = "http://purl.org/rss/1.0/",
        ["slash"] = "http://purl.org/rss/1.0/modules/slash/",
        ["sy"] = "http://purl.org/rss/1.0/modules/syndication/",
        ["wfw"] = "http://wellformedweb.org/CommentAPI/",
        ["feedburner"] = "http://rssnamespace.org/feedburner/ext/1.0",
        ["georss"] = "http://www.georss.org/georss",
        ["thr"] = "http://purl.org/syndication/thread/1.0",
        ["xhtml"] = "http://www.w3.org/1999/xhtml",
        ["googleplay"] = "http://www.google.com/schemas/play-podcasts/1.0",
        ["podcast"] = "https://podcastindex.org/namespace/1.0",
    };

    /// <summary>The root of a document in which no element was found.</summary>
    public static readonly XName NoElements = XName.Get("no-elements", "urn:x-policywatch:tolerant-xml");

    private sealed class Open(XElement element, string rawName, Dictionary<string, string>? scope)
    {
        public readonly XElement Element = element;
        public readonly string RawName = rawName;
        public readonly Dictionary<string, string>? Scope = scope; // prefix → namespace declared on this element
    }

    /// <summary>
    /// Reads <paramref name="text"/> into a document. <paramref name="repairs"/> receives one short phrase per kind
    /// of damage repaired ("HTML entities (&amp;nbsp;)", "cut off inside &lt;item&gt;", …), without duplicates.
    /// The root is an empty <see cref="NoElements"/> element when no element was found.
    /// </summary>
    public static XDocument Parse(string text, ICollection<string> repairs)
    {
        var builder = new Builder(text, repairs);
        builder.Run();
        return builder.Document;
    }

    private sealed class Builder(string s, ICollection<string> repairs)
    {
        private readonly List<Open> _stack = [];
        private readonly Dictionary<string, string> _dtdEntities = new(StringComparer.Ordinal);
        private readonly SortedSet<string> _htmlEntities = new(StringComparer.Ordinal);
        private readonly SortedSet<string> _prefixes = new(StringComparer.Ordinal);
        private readonly SortedSet<string> _unclosed = new(StringComparer.Ordinal);
        private readonly StringBuilder _text = new();
        private const int MaxEntityValue = 4096;
        private const int MaxExpandedChars = 1 << 20;
        private bool _bareAmpersand, _strayEnd, _lateDeclaration, _looseLessThan, _badNames;
        private int _expanded;
        private XElement? _root;
        private int _i;

        public XDocument Document { get; private set; } = new();

        public void Run()
        {
            while (_i < s.Length)
            {
                var lt = s.IndexOf('<', _i);
                if (lt < 0) { AppendText(s.AsSpan(_i)); _i = s.Length; break; }
                if (lt > _i) AppendText(s.AsSpan(_i, lt - _i));
                _i = lt;
                if (!Markup()) break;
            }
            Finish();
        }

        /// <summary>Reads the markup at <c>_i</c> (a '&lt;'); false when the input ends inside it.</summary>
        private bool Markup()
        {
            if (At("<!--"))
                return SkipPast("-->", 4);
            if (At("<![CDATA["))
            {
                var end = s.IndexOf("]]>", _i + 9, StringComparison.Ordinal);
                var content = end < 0 ? s.AsSpan(_i + 9) : s.AsSpan(_i + 9, end - _i - 9);
                FlushText();
                if (_stack.Count > 0) _stack[^1].Element.Add(new XCData(content.ToString()));
                if (end < 0) { _i = s.Length; return false; }
                _i = end + 3;
                return true;
            }
            if (At("<?"))
            {
                if (At("<?xml") && (_root is not null || _i > 0 && !string.IsNullOrWhiteSpace(s[.._i]))) _lateDeclaration = true;
                return SkipPast("?>", 2);
            }
            if (At("<!"))
                return Doctype();
            if (At("</"))
                return EndTag();
            if (_i + 1 < s.Length && IsNameStart(s[_i + 1]))
                return StartTag();
            // a '<' that starts no markup is text
            _looseLessThan = true;
            _text.Append('<');
            _i++;
            return true;
        }

        private bool StartTag()
        {
            var p = _i + 1;
            var nameEnd = p;
            while (nameEnd < s.Length && IsNameChar(s[nameEnd])) nameEnd++;
            var rawName = s[p..nameEnd];
            var attributes = new List<(string Name, string Value)>();
            p = nameEnd;
            var selfClosing = false;
            while (true)
            {
                while (p < s.Length && char.IsWhiteSpace(s[p])) p++;
                if (p >= s.Length) { _i = s.Length; return false; } // cut inside a start tag: drop it
                if (s[p] == '>') { p++; break; }
                if (s[p] == '/' && p + 1 < s.Length && s[p + 1] == '>') { selfClosing = true; p += 2; break; }
                if (s[p] == '<') break; // a tag never closed: end it here
                var an = p;
                while (p < s.Length && !char.IsWhiteSpace(s[p]) && s[p] is not ('=' or '>' or '<') && !(s[p] == '/' && p + 1 < s.Length && s[p + 1] == '>')) p++;
                if (p == an) { p++; continue; }
                var attrName = s[an..p];
                while (p < s.Length && char.IsWhiteSpace(s[p])) p++;
                var value = "";
                if (p < s.Length && s[p] == '=')
                {
                    p++;
                    while (p < s.Length && char.IsWhiteSpace(s[p])) p++;
                    if (p < s.Length && s[p] is '"' or '\'')
                    {
                        var q = s[p];
                        var close = s.IndexOf(q, p + 1);
                        if (close < 0) { _i = s.Length; return false; }
                        value = Decode(s.AsSpan(p + 1, close - p - 1));
                        p = close + 1;
                    }
                    else
                    {
                        var vs = p;
                        while (p < s.Length && !char.IsWhiteSpace(s[p]) && s[p] != '>') p++;
                        value = Decode(s.AsSpan(vs, p - vs));
                    }
                }
                attributes.Add((attrName, value));
            }
            _i = p;
            FlushText();

            Dictionary<string, string>? scope = null;
            foreach (var (n, v) in attributes)
            {
                if (n == "xmlns") (scope ??= new())[""] = v;
                else if (n.StartsWith("xmlns:", StringComparison.Ordinal)) (scope ??= new())[n[6..]] = v;
            }
            var element = new XElement(Resolve(rawName, scope, isAttribute: false));
            foreach (var (n, v) in attributes)
            {
                if (n == "xmlns" || n.StartsWith("xmlns:", StringComparison.Ordinal)) continue;
                var name = Resolve(n, scope, isAttribute: true);
                if (element.Attribute(name) is null) element.SetAttributeValue(name, v);
            }
            if (_stack.Count > 0) _stack[^1].Element.Add(element);
            else if (_root is null) _root = element;
            else return true; // a second root: ignore it, as its content is outside the document
            if (!selfClosing) _stack.Add(new Open(element, rawName, scope));
            return true;
        }

        private bool EndTag()
        {
            var close = s.IndexOf('>', _i + 2);
            if (close < 0) { _i = s.Length; return false; }
            var name = s.AsSpan(_i + 2, close - _i - 2).Trim().ToString();
            _i = close + 1;
            FlushText();
            var at = _stack.FindLastIndex(o => o.RawName == name);
            if (at < 0) at = _stack.FindLastIndex(o => string.Equals(o.RawName, name, StringComparison.OrdinalIgnoreCase));
            if (at < 0) { _strayEnd = true; return true; }
            for (var k = _stack.Count - 1; k > at; k--)
                if (_unclosed.Count < 5) _unclosed.Add(_stack[k].RawName);
            _stack.RemoveRange(at, _stack.Count - at);
            return true;
        }

        private bool Doctype()
        {
            // <!DOCTYPE ... [ internal subset ] >: keep simple internal entities, skip the rest
            var p = _i + 2;
            var depth = 0;
            while (p < s.Length)
            {
                var c = s[p];
                if (c == '[') depth++;
                else if (c == ']') depth--;
                else if (c == '<' && depth > 0 && string.CompareOrdinal(s, p, "<!ENTITY", 0, 8) == 0)
                {
                    var end = s.IndexOf('>', p);
                    if (end < 0) break;
                    ReadEntityDeclaration(s.AsSpan(p + 8, end - p - 8));
                    p = end;
                }
                else if (c == '>' && depth <= 0) { _i = p + 1; return true; }
                p++;
            }
            _i = s.Length;
            return false;
        }

        private void ReadEntityDeclaration(ReadOnlySpan<char> decl)
        {
            var parts = decl.Trim().ToString();
            if (parts.StartsWith('%')) return; // parameter entities
            var space = parts.IndexOfAny([' ', '\t', '\r', '\n']);
            if (space <= 0) return;
            var name = parts[..space];
            var rest = parts[space..].Trim();
            // kept as written, never expanded through other entities: nested declarations ("billion laughs") stay small
            if (rest.Length >= 2 && rest[0] is '"' or '\'' && rest.IndexOf(rest[0], 1) is var e and > 0 && e <= MaxEntityValue)
                _dtdEntities[name] = rest[1..e];
        }

        private bool At(string token) => string.CompareOrdinal(s, _i, token, 0, token.Length) == 0;

        private bool SkipPast(string token, int from)
        {
            var end = s.IndexOf(token, _i + from, StringComparison.Ordinal);
            if (end < 0) { _i = s.Length; return false; }
            _i = end + token.Length;
            return true;
        }

        private void AppendText(ReadOnlySpan<char> raw) => _text.Append(Decode(raw));

        private void FlushText()
        {
            if (_text.Length == 0) return;
            if (_stack.Count > 0) _stack[^1].Element.Add(new XText(_text.ToString()));
            _text.Clear();
        }

        private void Finish()
        {
            FlushText();
            if (_stack.Count > 0)
            {
                repairs.Add($"the document ends early (cut off inside <{_stack[^1].RawName}>)");
                foreach (var open in _stack) open.Element.AddAnnotation(Truncated.Mark);
            }
            if (_htmlEntities.Count > 0) repairs.Add($"HTML entities ({string.Join(", ", _htmlEntities.Take(5).Select(e => "&" + e + ";"))})");
            if (_bareAmpersand) repairs.Add("unescaped '&'");
            if (_looseLessThan) repairs.Add("unescaped '<'");
            if (_prefixes.Count > 0) repairs.Add($"undeclared namespace prefixes ({string.Join(", ", _prefixes.Take(5))})");
            if (_lateDeclaration) repairs.Add("an XML declaration after other content");
            if (_unclosed.Count > 0) repairs.Add($"unclosed elements ({string.Join(", ", _unclosed.Select(n => "<" + n + ">"))})");
            if (_strayEnd) repairs.Add("end tags without a start tag");
            if (_badNames) repairs.Add("names that are not XML names");
            Document = new XDocument(_root ?? new XElement(NoElements));
        }

        private XName Resolve(string rawName, Dictionary<string, string>? own, bool isAttribute)
        {
            var colon = rawName.IndexOf(':');
            var prefix = colon > 0 ? rawName[..colon] : "";
            var local = colon > 0 ? rawName[(colon + 1)..] : rawName;
            if (local.Length == 0 || local.Contains(':')) { local = rawName.Replace(':', '_'); prefix = ""; }
            local = SafeLocalName(local);
            if (prefix == "xml") return XNamespace.Xml + local;
            if (prefix.Length == 0 && isAttribute) return XName.Get(local);
            var ns = Lookup(prefix, own);
            if (ns is null)
            {
                if (prefix.Length == 0) return XName.Get(local);
                _prefixes.Add(prefix);
                ns = KnownPrefixes.TryGetValue(prefix.ToLowerInvariant(), out var known) ? known : "urn:x-undeclared:" + prefix;
            }
            return XName.Get(local, ns);
        }

        private string? Lookup(string prefix, Dictionary<string, string>? own)
        {
            if (own is not null && own.TryGetValue(prefix, out var ns)) return ns;
            for (var k = _stack.Count - 1; k >= 0; k--)
                if (_stack[k].Scope is { } scope && scope.TryGetValue(prefix, out ns)) return ns;
            return null;
        }

        private string SafeLocalName(string local)
        {
            try { return XmlConvert.VerifyNCName(local); }
            catch (XmlException) { _badNames = true; return XmlConvert.EncodeLocalName(local) is { Length: > 0 } e ? e : "_"; }
        }

        /// <summary>Decodes character and entity references; anything that is not one stays as written.</summary>
        private string Decode(ReadOnlySpan<char> raw)
        {
            var amp = raw.IndexOf('&');
            if (amp < 0) return raw.ToString();
            var sb = new StringBuilder(raw.Length);
            while (amp >= 0)
            {
                sb.Append(raw[..amp]);
                raw = raw[amp..];
                var consumed = Reference(raw, sb);
                if (consumed == 0) { sb.Append('&'); consumed = 1; _bareAmpersand = true; }
                raw = raw[consumed..];
                amp = raw.IndexOf('&');
            }
            sb.Append(raw);
            return sb.ToString();
        }

        /// <summary>Appends the reference at the start of <paramref name="raw"/>; returns the characters used, 0 if none.</summary>
        private int Reference(ReadOnlySpan<char> raw, StringBuilder sb)
        {
            var semi = raw[..Math.Min(raw.Length, 40)].IndexOf(';');
            if (semi < 2) return 0;
            var body = raw[1..semi];
            if (body[0] == '#')
            {
                var hex = body.Length > 1 && body[1] is 'x' or 'X';
                var digits = body[(hex ? 2 : 1)..];
                if (!int.TryParse(digits, hex ? System.Globalization.NumberStyles.AllowHexSpecifier : System.Globalization.NumberStyles.None,
                        System.Globalization.CultureInfo.InvariantCulture, out var code)) return 0;
                sb.Append(code is > 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF) ? char.ConvertFromUtf32(code) : "\uFFFD");
                return semi + 1;
            }
            foreach (var c in body)
                if (!char.IsAsciiLetterOrDigit(c)) return 0;
            var name = body.ToString();
            switch (name)
            {
                case "amp": sb.Append('&'); return semi + 1;
                case "lt": sb.Append('<'); return semi + 1;
                case "gt": sb.Append('>'); return semi + 1;
                case "quot": sb.Append('"'); return semi + 1;
                case "apos": sb.Append('\''); return semi + 1;
            }
            if (_dtdEntities.TryGetValue(name, out var declared))
            {
                // a document's own entities add at most MaxExpandedChars in all; past that they read as nothing
                if (_expanded + declared.Length <= MaxExpandedChars) { sb.Append(declared); _expanded += declared.Length; }
                return semi + 1;
            }
            var symbol = HtmlEntityProvider.Resolver.GetSymbol(name + ";");
            if (string.IsNullOrEmpty(symbol)) return 0;
            if (_htmlEntities.Count < 20) _htmlEntities.Add(name);
            sb.Append(symbol);
            return semi + 1;
        }

        private static bool IsNameStart(char c) => char.IsLetter(c) || c is '_' or ':';
        private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or ':' or '-' or '.' || c > 0x7F && !char.IsWhiteSpace(c);
    }
}
