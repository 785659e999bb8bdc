using Microsoft.AspNetCore.Mvc.RazorPages;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages;

/// <summary>An artefact's page: what it is and every article citing it, newest first, with the citing sentence.</summary>
public sealed class ArtefactModel(Store store) : PageModel
{
    public string Id { get; private set; } = "";
    public Artefact? Artefact { get; private set; }
    public IReadOnlyList<ArtefactCitingArticle> Citations { get; private set; } = [];

    public async Task OnGetAsync(string id, CancellationToken ct)
    {
        Id = id;
        Artefact = id.Length <= 100 ? await store.GetArtefactAsync(id, ct) : null;
        if (Artefact is null) { Response.StatusCode = 404; return; }
        Citations = await store.ArtefactCitationsAsync(id, 200, ct);
    }
}
