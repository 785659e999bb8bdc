using System.Globalization;
using System.Text;
using static System.Net.WebUtility;

namespace PolicyWatch.Digest;

/// <summary>HTML that email clients show well (inline CSS, tables, no scripts or remote images) and a plain-text part. Every piece of article text is encoded.</summary>
public static class DigestRenderer
{
    public static string Subject(DigestModel d)
    {
        if (d.IsEmpty) return $"PolicyWatch digest {d.Date:d MMM yyyy}: nothing new";
        var shown = d.Sections.Where(s => s.Shown).ToList();
        var noun = shown.Any(s => s.IsSavedSearch) ? "section" : "topic";
        return $"PolicyWatch digest {d.Date:d MMM yyyy}: {d.Total} article{(d.Total == 1 ? "" : "s")} in {shown.Count} {noun}{(shown.Count == 1 ? "" : "s")}";
    }

    public static string Html(DigestModel d)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").Append(HtmlEncode(Subject(d))).Append("</title></head>");
        sb.Append("<body style=\"margin:0;padding:0;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1d2433\">");
        sb.Append("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"background:#f4f5f7\"><tr><td align=\"center\">");
        sb.Append("<table role=\"presentation\" width=\"640\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:640px;background:#ffffff;margin:16px 0\">");
        sb.Append("<tr><td style=\"padding:16px 20px;border-bottom:3px solid #1f5fbf\"><span style=\"font-size:20px;font-weight:bold;color:#1f5fbf\">PolicyWatch</span>")
          .Append("<br><span style=\"font-size:13px;color:#5b6475\">").Append(HtmlEncode($"Found {d.PeriodStart:yyyy-MM-dd HH:mm} – {d.PeriodEnd:yyyy-MM-dd HH:mm} UTC")).Append("</span></td></tr>");
        if (d.IsEmpty)
            sb.Append("<tr><td style=\"padding:20px;font-size:15px\">Nothing new in your topics and searches since the last digest.</td></tr>");
        foreach (var s in d.Sections.Where(s => s.Shown))
        {
            var change = s.ThisWeek - s.PreviousWeek;
            sb.Append("<tr><td style=\"padding:16px 20px 4px\"><span style=\"font-size:17px;font-weight:bold\">").Append(HtmlEncode(s.TopicName)).Append("</span> ")
              .Append("<span style=\"font-size:13px;color:#5b6475\">").Append(N(s, s.Count)).Append(" new · ").Append(N(s, s.ThisWeek))
              .Append(" this week (").Append(change >= 0 ? "+" : "").Append(change.ToString(c)).Append(" on the week before)</span></td></tr>");
            foreach (var i in s.Items)
            {
                sb.Append("<tr><td style=\"padding:8px 20px\"><a href=\"").Append(HtmlEncode(i.Url)).Append("\" style=\"font-size:15px;color:#1f5fbf;font-weight:bold;text-decoration:none\">")
                  .Append(HtmlEncode(i.Title)).Append("</a><br><span style=\"font-size:12px;color:#5b6475\">").Append(HtmlEncode(i.Source))
                  .Append(i.Published is { } p ? " · " + p.ToString("d MMM yyyy", c) : "");
                if (i.AlsoIn.Count > 0) sb.Append(" · also in ").Append(HtmlEncode(string.Join(", ", i.AlsoIn)));
                sb.Append("</span><br><span style=\"font-size:14px;line-height:1.45\">").Append(HtmlEncode(i.Excerpt)).Append("</span></td></tr>");
            }
            if (s.OlderFoundLate > 0)
                sb.Append("<tr><td style=\"padding:4px 20px 8px;font-size:13px;color:#5b6475\">").Append(HtmlEncode(LateLine(s.OlderFoundLate, d.LateAfter))).Append("</td></tr>");
        }
        if (d.Deadlines.Count > 0)
        {
            sb.Append("<tr><td style=\"padding:16px 20px 4px\"><span style=\"font-size:17px;font-weight:bold\">Deadlines and new rules</span> ")
              .Append("<span style=\"font-size:13px;color:#5b6475\">next ").Append(DigestBuilder.DeadlineDays.ToString(c)).Append(" days</span></td></tr>");
            foreach (var l in d.Deadlines)
            {
                sb.Append("<tr><td style=\"padding:6px 20px;font-size:14px\"><b>").Append(HtmlEncode(l.Date.ToString("d MMM yyyy", c))).Append(" · ")
                  .Append(HtmlEncode(l.Label)).Append("</b>: ");
                if (l.Url is not null) sb.Append("<a href=\"").Append(HtmlEncode(l.Url)).Append("\" style=\"color:#1f5fbf;text-decoration:none\">").Append(HtmlEncode(l.Title)).Append("</a>");
                else sb.Append(HtmlEncode(l.Title));
                sb.Append(" <span style=\"font-size:12px;color:#5b6475\">(").Append(HtmlEncode(l.DocumentType)).Append(")</span></td></tr>");
            }
        }
        sb.Append("<tr><td style=\"padding:16px 20px;font-size:12px;color:#5b6475;border-top:1px solid #e3e6ec\">You receive this because you subscribed to PolicyWatch digests. ")
          .Append("<a href=\"").Append(HtmlEncode(d.UnsubscribeUrl)).Append("\" style=\"color:#5b6475\">Unsubscribe</a>.</td></tr>");
        sb.Append("</table></td></tr></table></body></html>");
        return sb.ToString();
    }

    /// <summary>Old articles found late are counted, not listed: a new source's back catalogue must not flood a digest.</summary>
    private static string LateLine(int n, TimeSpan lateAfter) =>
        $"+ {n.ToString(CultureInfo.InvariantCulture)} older article{(n == 1 ? "" : "s")} found late (published more than {lateAfter.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)} days before PolicyWatch found {(n == 1 ? "it" : "them")}), not listed: search PolicyWatch to read {(n == 1 ? "it" : "them")}.";

    private static string N(DigestSection s, int n) => n.ToString(CultureInfo.InvariantCulture) + (s.CountsAtLeast && n >= 10_000 ? "+" : "");

    public static string Text(DigestModel d)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Subject(d)).AppendLine();
        if (d.IsEmpty) sb.AppendLine("Nothing new in your topics and searches since the last digest.");
        foreach (var s in d.Sections.Where(s => s.Shown))
        {
            sb.AppendLine($"== {s.TopicName} ({N(s, s.Count)} new, {N(s, s.ThisWeek)} this week, {s.ThisWeek - s.PreviousWeek:+0;-0;0} on the week before) ==").AppendLine();
            foreach (var i in s.Items)
            {
                sb.AppendLine(i.Title);
                sb.AppendLine($"{i.Source}{(i.Published is { } p ? " · " + p.ToString("d MMM yyyy", CultureInfo.InvariantCulture) : "")}{(i.AlsoIn.Count > 0 ? " · also in " + string.Join(", ", i.AlsoIn) : "")}");
                if (i.Excerpt.Length > 0) sb.AppendLine(i.Excerpt);
                sb.AppendLine(i.Url).AppendLine();
            }
            if (s.OlderFoundLate > 0) sb.AppendLine(LateLine(s.OlderFoundLate, d.LateAfter)).AppendLine();
        }
        if (d.Deadlines.Count > 0)
        {
            sb.AppendLine($"== Deadlines and new rules (next {DigestBuilder.DeadlineDays} days) ==").AppendLine();
            foreach (var l in d.Deadlines)
            {
                sb.AppendLine($"{l.Date.ToString("d MMM yyyy", CultureInfo.InvariantCulture)} · {l.Label}: {l.Title} ({l.DocumentType})");
                if (l.Url is not null) sb.AppendLine(l.Url);
            }
            sb.AppendLine();
        }
        sb.AppendLine($"Unsubscribe: {d.UnsubscribeUrl}");
        return sb.ToString();
    }
}
