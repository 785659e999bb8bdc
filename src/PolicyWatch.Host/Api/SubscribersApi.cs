using Microsoft.AspNetCore.Mvc;
using PolicyWatch.Classify;
using PolicyWatch.Host.Auth;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Api;

/// <summary>Admin-only management of digest subscribers under /api/subscribers.</summary>
public static class SubscribersApi
{
    public sealed record SubscriberRequest(string Email, string? Name, string[]? Topics, float? MinScore, string? SendTime, string? TimeZone,
        string? Frequency, bool? SendEmpty, bool? Active, long[]? SavedSearches);

    public static IEndpointRouteBuilder MapSubscribersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/subscribers").RequireAuthorization(AuthSetup.AdminPolicy);
        api.MapGet("/", async (Store store, CancellationToken ct) => Results.Ok(await store.ListSubscribersAsync(ct: ct)));
        api.MapPut("/", async ([FromBody] SubscriberRequest body, Store store, TopicClassifier classifier, CancellationToken ct) =>
        {
            var existing = await store.FindSubscriberAsync(body.Email ?? "", ct);
            var b = existing ?? new Subscriber { Email = body.Email ?? "" };
            // the rules themselves are the subscriber's own (Subscriber.Validated, applied by the store)
            var time = b.SendTime;
            if (body.SendTime is { } t && !TimeOnly.TryParseExact(t, "HH:mm", out time)) return Bad($"sendTime '{t}' is not HH:mm");
            Subscriber saved;
            try
            {
                classifier.CheckTopics(body.Topics ?? []);
                saved = await store.UpsertSubscriberAsync(new Subscriber
                {
                    Email = body.Email ?? "", Name = body.Name ?? b.Name, Topics = body.Topics ?? b.Topics, MinScore = body.MinScore ?? b.MinScore, SendTime = time,
                    TimeZone = body.TimeZone ?? b.TimeZone, Frequency = body.Frequency ?? b.Frequency, SendEmpty = body.SendEmpty ?? b.SendEmpty, Active = body.Active ?? b.Active,
                    SavedSearches = body.SavedSearches ?? b.SavedSearches,
                }, ct);
            }
            catch (ArgumentException e) { return Bad(e.Message); }
            return existing is null ? Results.Created($"/api/subscribers/{saved.Id}", saved) : Results.Ok(saved);
        });
        api.MapDelete("/{email}", async (string email, Store store, CancellationToken ct) =>
            await store.RemoveSubscriberAsync(email, ct) ? Results.NoContent() : Results.NotFound());
        return app;
    }

    private static IResult Bad(string reason) => Results.Problem(title: "Bad request", detail: reason, statusCode: 400);
}
