using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PolicyWatch.Classify;
using PolicyWatch.Model;
using PolicyWatch.Search;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages;

public sealed class ArticleModel(Store store, TopicClassifier classifier) : PageModel
{
    public Article? Article { get; private set; }
    public IReadOnlyList<TopicTag> Tags { get; private set; } = [];
    public IReadOnlyList<SearchHit> Similar { get; private set; } = [];
    public IReadOnlyList<(string Id, string Title, string Sentence)> Artefacts { get; private set; } = [];
    public IEnumerable<TopicDefinition> Missing => (classifier.Taxonomy?.Topics ?? []).Where(t => Tags.All(x => x.Topic != t.Slug));

    public async Task OnGetAsync(long id, CancellationToken ct)
    {
        Article = await store.GetArticleAsync(id, ct);
        if (Article is null) { Response.StatusCode = 404; return; }
        Tags = await store.GetTopicsAsync(id, ct);
        Similar = await store.SimilarArticlesAsync(id, 5, ct);
        Artefacts = await store.ArticleArtefactsAsync(id, ct);
    }

    public async Task<IActionResult> OnPostFeedbackAsync(long id, string topic, string verdict, CancellationToken ct)
    {
        if (!Verdicts.All.Contains(verdict) || classifier.Taxonomy?.Find(topic) is null || await store.GetArticleAsync(id, ct) is null)
            return BadRequest();
        await store.RecordFeedbackAsync(id, topic, verdict, User.Identity!.Name!, ct);
        return RedirectToPage(new { id });
    }

    /// <summary>The passage of the stored body that carried the tag (offsets kept with the tag), cut to 400 characters; null when none.</summary>
    public string? Evidence(TopicTag tag)
    {
        if (TagEvidence.From(tag.ExplanationJson, Article?.Body) is not { Text: var text }) return null;
        return text.Length > 400 ? text[..400] + "…" : text;
    }

    /// <summary>"title from h1 · published from feed · …": where the shown metadata came from.</summary>
    public string Provenance()
    {
        if (Article?.MetadataSources is not { } json) return "";
        using var doc = JsonDocument.Parse(json);
        return string.Join(" · ", doc.RootElement.EnumerateObject()
            .Where(p => p.Name is "title" or "published" or "authors" or "language")
            .Select(p => $"{p.Name} from {(p.Value.TryGetProperty("source", out var s) ? s.GetString() : "?")}"));
    }

    public IEnumerable<string> Terms(TopicTag tag)
    {
        if (tag.ExplanationJson is null) return [];
        using var doc = JsonDocument.Parse(tag.ExplanationJson);
        return doc.RootElement.TryGetProperty("terms", out var terms)
            ? terms.EnumerateArray().Select(t => t.GetProperty("term").GetString() ?? "").Take(5).ToList()
            : [];
    }
}
