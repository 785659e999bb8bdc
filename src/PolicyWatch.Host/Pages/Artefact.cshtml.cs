using Microsoft.AspNetCore.Mvc.RazorPages;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages;

/// <summary>An artefact's page: what it is, its Federal Register record and timeline, the Entity List changes it makes, and every article citing it, newest first, with the citing sentence.</summary>
public sealed class ArtefactModel(Store store) : PageModel
{
    public string Id { get; private set; } = "";
    public ArtefactDetail? Detail { get; private set; }
    public Artefact? Artefact => Detail?.Artefact;

    public async Task OnGetAsync(string id, CancellationToken ct)
    {
        Id = id;
        Detail = id.Length <= 100 ? await store.ArtefactDetailAsync(id, 200, ct) : null;
        if (Detail is null) Response.StatusCode = 404;
    }
}
