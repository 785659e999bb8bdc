using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PolicyWatch.Host.Auth;
using PolicyWatch.Model;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages.Admin;

[Authorize(Policy = AuthSetup.AdminPolicy)]
public sealed class AdminModel(Store store) : PageModel
{
    public IReadOnlyList<Source> Sources { get; private set; } = [];
    public IReadOnlyList<User> Users { get; private set; } = [];
    public IReadOnlyList<Subscriber> Subscribers { get; private set; } = [];
    [TempData] public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Sources = await store.ListSourcesAsync(ct: ct);
        Users = await store.ListUsersAsync(ct);
        Subscribers = await store.ListSubscribersAsync(ct: ct);
    }

    public async Task<IActionResult> OnPostPollNowAsync(string slug, CancellationToken ct)
    {
        Message = await store.PollNowAsync(slug, ct) ? $"{slug} will be polled within a minute." : $"{slug} is not an enabled source.";
        return RedirectToPage();
    }
}
