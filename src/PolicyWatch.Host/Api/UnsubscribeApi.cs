using System.Net;
using PolicyWatch.Digest;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Api;

/// <summary>`/unsubscribe?s=ID&amp;t=TOKEN`: no login, a signed token. GET asks, POST (also RFC 8058 one-click) does it.</summary>
public static class UnsubscribeApi
{
    public static IEndpointRouteBuilder MapUnsubscribeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/unsubscribe", (long s, string t, DigestOptions options) =>
            !UnsubscribeToken.Verify(s, t, options.SigningKey ?? "") ? Results.NotFound()
                : Results.Content($"""
                    <!doctype html><html><head><meta charset="utf-8"><title>Unsubscribe</title></head><body style="font-family:sans-serif;max-width:480px;margin:3rem auto">
                    <h1>Stop the PolicyWatch digest?</h1>
                    <form method="post" action="/unsubscribe?s={s}&amp;t={WebUtility.HtmlEncode(t)}"><button type="submit">Unsubscribe</button></form>
                    </body></html>
                    """, "text/html; charset=utf-8")).AllowAnonymous().DisableAntiforgery();
        app.MapPost("/unsubscribe", async (long s, string t, DigestOptions options, Store store, CancellationToken ct) =>
        {
            if (!UnsubscribeToken.Verify(s, t, options.SigningKey ?? "")) return Results.NotFound();
            await store.DeactivateSubscriberAsync(s, ct);
            return Results.Content("<!doctype html><html><body style=\"font-family:sans-serif\"><p>You will not receive the digest any more.</p></body></html>", "text/html; charset=utf-8");
        }).AllowAnonymous().DisableAntiforgery();
        return app;
    }
}
