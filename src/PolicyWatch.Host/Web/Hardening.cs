using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Npgsql;

namespace PolicyWatch.Host.Web;

/// <summary>Section <c>Web</c>: what the web app trusts about the network in front of it.</summary>
public sealed class WebOptions
{
    /// <summary>
    /// Addresses of reverse proxies whose X-Forwarded-For/-Proto/-Host headers are believed (loopback always is; set
    /// AllowedHosts to the public host names when a proxy forwards the host):
    /// behind an HTTPS proxy the session cookie is then marked Secure. Empty: only a proxy on this machine.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];
    /// <summary>Networks (CIDR, "10.0.0.0/8") of such proxies.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// The web app's one layer against hostile requests, in front of every page and API call: response headers that
/// forbid framing and sniffing (CSP, X-Content-Type-Options, frame-ancestors), forwarded headers only from trusted
/// proxies, NUL or other control characters in the query or path refused with 400 (in forms and JSON bodies the
/// database refuses them, answered 400 below),
/// cross-site writes to the cookie-authenticated API refused (foreign Origin, or no anti-forgery token), and database
/// errors caused by a request's values turned into 400 answers rather than 500s.
/// </summary>
public static class Hardening
{
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";

    /// <summary>
    /// Registers forwarded-header trust (section <c>Web</c>), the anti-forgery header and the database error answers.
    /// Throws <see cref="ConfigurationException"/> for a proxy address or network that does not parse.
    /// </summary>
    public static IServiceCollection AddPolicyWatchHardening(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Web").Get<WebOptions>() ?? new WebOptions();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // only from the trusted proxies below; the host then is the public one the browser's Origin names
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            foreach (var p in options.KnownProxies)
                if (System.Net.IPAddress.TryParse(p, out var ip)) o.KnownProxies.Add(ip);
                else throw new ConfigurationException($"Web:KnownProxies: '{p}' is not an IP address");
            foreach (var n in options.KnownNetworks)
                if (System.Net.IPNetwork.TryParse(n, out var net)) o.KnownIPNetworks.Add(net);
                else throw new ConfigurationException($"Web:KnownNetworks: '{n}' is not a CIDR network");
        });
        services.AddAntiforgery(o => o.HeaderName = AntiforgeryHeader);
        DatabaseKeyRepository.Register(services);
        services.AddExceptionHandler<DatabaseInputErrors>();
        return services;
    }

    /// <summary>Forwarded headers, security response headers and the control-character check, before anything else reads the request.</summary>
    public static WebApplication UsePolicyWatchHardening(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            // the Hangfire dashboard ships inline scripts; our pages have none
            var scripts = context.Request.Path.StartsWithSegments("/hangfire") ? "'self' 'unsafe-inline'" : "'self'";
            headers.ContentSecurityPolicy = $"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                                            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
            if (FirstControlCharacter(context.Request) is { } where)
            {
                await Problem(context, StatusCodes.Status400BadRequest, "Bad request", $"{where} contains a control character");
                return;
            }
            await next();
        });
        return app;
    }

    /// <summary>After authentication: a write to the API by a cookie session must come from this site and carry the anti-forgery token.</summary>
    public static WebApplication UseApiCrossSiteCheck(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            var unsafeMethod = !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
            var byCookie = context.User.Identity?.AuthenticationType == Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme;
            if (unsafeMethod && byCookie && request.Path.StartsWithSegments("/api"))
            {
                if (request.Headers.Origin.ToString() is { Length: > 0 } origin && !SameOrigin(origin, request))
                {
                    await Problem(context, StatusCodes.Status403Forbidden, "Forbidden", "cross-site request refused (Origin is another site)");
                    return;
                }
                try
                {
                    await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
                }
                catch (AntiforgeryValidationException)
                {
                    await Problem(context, StatusCodes.Status403Forbidden, "Forbidden",
                        $"a signed-in browser session must send the anti-forgery token in {AntiforgeryHeader} (GET /api/antiforgery gives one); scripts use an API key");
                    return;
                }
            }
            await next();
        });
        app.MapGet("/api/antiforgery", (HttpContext c, IAntiforgery antiforgery) =>
                Results.Ok(new { header = AntiforgeryHeader, token = antiforgery.GetAndStoreTokens(c).RequestToken }))
            .WithSummary("An anti-forgery token for API writes from a signed-in browser session");
        return app;
    }

    private static bool SameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var o) && string.Equals(o.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
                                                           && string.Equals(o.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>Where the request carries a control character other than tab, CR and LF (query, route, form); null when nowhere.</summary>
    private static string? FirstControlCharacter(HttpRequest request)
    {
        foreach (var (key, values) in request.Query)
            if (Bad(key) || values.Any(v => Bad(v, allowLineBreaks: false))) return $"query parameter '{LogText.Safe(key, 40)}'";
        if (Bad(Uri.UnescapeDataString(request.Path.Value ?? ""))) return "the path";
        return null;
    }

    internal static bool Bad(string? s, bool allowLineBreaks = true)
    {
        if (s is null) return false;
        foreach (var c in s)
            if (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\r' or '\n')) return true;
        return false;
    }

    private static Task Problem(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return Results.Problem(title: title, detail: detail, statusCode: status).ExecuteAsync(context);
    }

    /// <summary>
    /// The one place database errors become answers: a value the database refuses (NUL in text, a date or number out
    /// of range, text too long, an expression too complex) is the request's fault, so 400; a unique or foreign-key
    /// conflict is 409. Anything else stays a 500, logged by the framework.
    /// </summary>
    private sealed class DatabaseInputErrors(ILogger<DatabaseInputErrors> log) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            var postgres = exception as PostgresException ?? exception.InnerException as PostgresException;
            var status = postgres?.SqlState switch
            {
                { } s when s.StartsWith("22", StringComparison.Ordinal) => StatusCodes.Status400BadRequest, // data exception
                "54001" => StatusCodes.Status400BadRequest, // statement too complex
                "23505" or "23503" => StatusCodes.Status409Conflict, // unique or foreign key: the request met stored data
                _ => 0, // anything else is ours to fix: a 500, logged with its stack
            };
            if (status == 0) return false;
            log.LogWarning("Request {Path} refused with {Status}: {Error}", context.Request.Path, status, LogText.Safe(postgres?.MessageText ?? exception.Message, 200));
            await Problem(context, status, status == 409 ? "Conflict" : "Bad request",
                status == 409 ? "the change conflicts with stored data" : "a value in the request is out of range or not valid text");
            return true;
        }
    }
}
