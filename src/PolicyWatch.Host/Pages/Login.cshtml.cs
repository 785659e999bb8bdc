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
        username ??= "";
        if (await store.LoginLockedForAsync(username, ct) is { } wait)
        {
            log.LogWarning("Sign-in for {User} from {Address} refused: account backing off after failures", LogText.Safe(username), HttpContext.Connection.RemoteIpAddress);
            Error = $"Too many failed sign-ins for this account. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} seconds.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        var user = await store.VerifyUserAsync(username, password ?? "", ct);
        if (user is null)
        {
            await store.RecordLoginFailureAsync(username, ct);
            log.LogWarning("Failed sign-in for {User} from {Address}", LogText.Safe(username), HttpContext.Connection.RemoteIpAddress);
            Error = "Wrong user name or password.";
            return Page();
        }
        await store.ClearLoginFailuresAsync(username, ct);
        var session = await store.StartSessionAsync(user.Id, ct);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, AuthSetup.Principal(user, CookieAuthenticationDefaults.AuthenticationScheme, session));
        return LocalRedirect(ReturnUrl);
    }

    /// <summary>Only paths on this site: an open redirect after login would be a phishing aid.</summary>
    private string LocalOnly(string? url) => url is not null && Url.IsLocalUrl(url) ? url : "/";
}
