using Microsoft.AspNetCore.Mvc.RazorPages;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages;

/// <summary>Entity List search: the additions, revisions and removals naming an entity or alias, newest rule first.</summary>
public sealed class EntityListModel(Store store) : PageModel
{
    public string? Query { get; private set; }
    public string? Error { get; private set; }
    public IReadOnlyList<EntityListHit> Hits { get; private set; } = [];

    public async Task OnGetAsync(string? q, CancellationToken ct)
    {
        Query = string.IsNullOrWhiteSpace(q) ? null : q.Trim();
        if (Query is null) return;
        if (Query.Length is < 2 or > 200) { Error = "Give 2 to 200 characters of a name."; Response.StatusCode = 400; return; }
        Hits = await store.SearchEntityListAsync(Query, 200, ct);
    }
}
