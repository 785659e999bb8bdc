using Microsoft.AspNetCore.Mvc.RazorPages;
using PolicyWatch.Model;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages;

public sealed class SourcesModel(Store store) : PageModel
{
    public IReadOnlyList<Source> Sources { get; private set; } = [];
    public async Task OnGetAsync(CancellationToken ct) => Sources = await store.ListSourcesAsync(ct: ct);
}
