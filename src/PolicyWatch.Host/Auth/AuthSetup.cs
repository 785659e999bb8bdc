using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using PolicyWatch.Auth;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Auth;

/// <summary>
/// Every page and API call needs a signed-in user (fallback policy), except /health and the login page: cookies for the
/// web UI, API keys (<c>X-Api-Key</c> or <c>Authorization: Bearer</c>) for the API. A cookie names a session row,
/// checked on every request: signing out, a password reset or removing the account ends it, and a changed role
/// takes effect at once. Sign-ins back off per account and are rate-limited per address.
/// </summary>
public static class AuthSetup
{
    public const string ApiKeyScheme = "ApiKey";
    public const string LoginLimiter = "login";
    public const string AdminPolicy = "admin";
    public const string SessionClaim = "policywatch:session";

    public static IServiceCollection AddPolicyWatchAuth(this IServiceCollection services)
    {
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = "smart";
                o.DefaultChallengeScheme = "smart";
            })
            .AddPolicyScheme("smart", "cookie or API key", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.ContainsKey("X-Api-Key") || context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)
                    ? ApiKeyScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/logout";
                o.AccessDeniedPath = "/forbidden";
                o.Cookie.Name = "policywatch";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromDays(7);
                o.SlidingExpiration = true;
                // an API client gets a status code, not a redirect to a login form
                o.Events.OnRedirectToLogin = c => Status(c, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = c => Status(c, StatusCodes.Status403Forbidden);
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(ApiKeyScheme, _ => { });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminPolicy, p => p.RequireRole(Roles.Admin));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // per address, generous: a shared office address must not lock its analysts out; accounts back off on their own
            o.AddPolicy(LoginLimiter, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = 30, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }

    private static Task Status(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/hangfire") || context.Request.Path.StartsWithSegments("/metrics"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        // a path, never an absolute URL built from the request's Host header
        context.Response.Redirect(Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Rejects a cookie whose session has ended or whose account is gone; refreshes the role if it changed.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.FindFirstValue(SessionClaim);
        var store = context.HttpContext.RequestServices.GetRequiredService<Store>();
        var user = sessionId is null ? null : await store.SessionUserAsync(sessionId, context.HttpContext.RequestAborted);
        if (user is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        if (context.Principal!.FindFirstValue(ClaimTypes.Role) != user.Role || context.Principal!.FindFirstValue(ClaimTypes.Name) != user.Username)
        {
            context.ReplacePrincipal(Principal(user, CookieAuthenticationDefaults.AuthenticationScheme, sessionId));
            context.ShouldRenew = true;
        }
    }

    public static ClaimsPrincipal Principal(User user, string scheme, string? sessionId = null) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
        new Claim(ClaimTypes.Name, user.Username),
        new Claim(ClaimTypes.Role, user.Role),
        .. sessionId is null ? Array.Empty<Claim>() : [new Claim(SessionClaim, sessionId)],
    ], scheme));

    public static long UserId(this ClaimsPrincipal user) => long.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier)!);
}

public sealed class ApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Store store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = Request.Headers["X-Api-Key"].ToString();
        var auth = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(key) && auth.StartsWith("Bearer ", StringComparison.Ordinal)) key = auth["Bearer ".Length..].Trim();
        if (string.IsNullOrEmpty(key)) return AuthenticateResult.NoResult();
        var user = await store.FindUserByApiKeyAsync(key, Context.RequestAborted);
        return user is null
            ? AuthenticateResult.Fail("invalid or revoked API key")
            : AuthenticateResult.Success(new AuthenticationTicket(AuthSetup.Principal(user, AuthSetup.ApiKeyScheme), AuthSetup.ApiKeyScheme));
    }
}

/// <summary>The Hangfire dashboard is for admins only.</summary>
public sealed class AdminDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
}
