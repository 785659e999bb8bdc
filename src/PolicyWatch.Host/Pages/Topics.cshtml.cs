using Microsoft.AspNetCore.Mvc.RazorPages;
using PolicyWatch.Classify;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages;

public sealed class TopicsModel(Store store, TopicClassifier classifier, TimeProvider clock) : PageModel
{
    private Dictionary<string, long> _counts = [];
    public IReadOnlyList<TopicDefinition> All => classifier.Taxonomy?.Topics ?? [];
    public TopicDefinition? Current { get; private set; }
    public IReadOnlyList<(DateTime Day, long Count)> Trend { get; private set; } = [];
    public long CountOf(string slug) => _counts.GetValueOrDefault(slug);

    public async Task OnGetAsync(string? slug, CancellationToken ct)
    {
        _counts = (await store.TopicCountsAsync(ct)).ToDictionary(c => c.Topic, c => c.Count);
        if (slug is null) return;
        Current = classifier.Taxonomy?.Find(slug);
        if (Current is null) { Response.StatusCode = 404; return; }
        Trend = await store.TopicTrendAsync(slug, 30, clock.GetUtcNow(), ct);
    }
}
