using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PolicyWatch.Host.Auth;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages;

[AllowAnonymous]
[EnableRateLimiting(AuthSetup.LoginLimiter)]
public sealed class LoginModel(Store store, ILogger<LoginModel> log) : PageModel
{
    public string? Error { get; private set; }
    public string ReturnUrl { get; private set; } = "/";

    public void OnGet(string? returnUrl) => ReturnUrl = LocalOnly(returnUrl);

    public async Task<IActionResult> OnPostAsync(string username, string password, string? returnUrl, CancellationToken ct)
    {
        ReturnUrl = LocalOnly(returnUrl);
        var user = await store.VerifyUserAsync(username ?? "", password ?? "", ct);
        if (user is null)
        {
            log.LogWarning("Failed sign-in for {User} from {Address}", username, HttpContext.Connection.RemoteIpAddress);
            Error = "Wrong user name or password.";
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AuthSetup.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme));
        return LocalRedirect(ReturnUrl);
    }

    /// <summary>Only paths on this site: an open redirect after login would be a phishing aid.</summary>
    private string LocalOnly(string? url) => url is not null && Url.IsLocalUrl(url) ? url : "/";
}
