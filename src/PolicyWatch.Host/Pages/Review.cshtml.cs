using Microsoft.AspNetCore.Mvc.RazorPages;
using PolicyWatch.Classify;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages;

/// <summary>The review queue: where an analyst's ten minutes help the model most.</summary>
public sealed class ReviewModel(Store store, TopicClassifier classifier) : PageModel
{
    public IReadOnlyList<ReviewItem> Items { get; private set; } = [];
    public IReadOnlyList<TopicDefinition> Topics => classifier.Taxonomy?.Topics ?? [];
    public string? Topic { get; private set; }

    public async Task OnGetAsync(string? topic, CancellationToken ct)
    {
        Topic = classifier.Taxonomy?.Find(topic ?? "") is not null ? topic : null;
        Items = await store.ReviewQueueAsync(50, Topic, ct: ct);
    }
}
