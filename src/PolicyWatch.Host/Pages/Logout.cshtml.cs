using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PolicyWatch.Host.Pages;

public sealed class LogoutModel(PolicyWatch.Storage.Store store) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        // the session row ends too, so a copy of the cookie taken before signing out opens nothing
        if (User.FindFirst(PolicyWatch.Host.Auth.AuthSetup.SessionClaim)?.Value is { } session)
            await store.EndSessionAsync(session, ct);
        await HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return LocalRedirect("/login");
    }
}
