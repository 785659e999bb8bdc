using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PolicyWatch.Classify;
using PolicyWatch.Host.Auth;
using PolicyWatch.Search;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Api;

/// <summary>The analysts' HTTP API under /api: search, articles, topics, sources, feedback, saved searches.</summary>
public static class AnalystApi
{
    public static IEndpointRouteBuilder MapAnalystApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/search", SearchAsync).WithSummary("Full-text search with filters, facets and keyset pagination");
        api.MapGet("/articles/{id:long}", ArticleAsync).WithSummary("One article: clean text, metadata, tags with explanations, similar articles");
        api.MapPost("/articles/{id:long}/feedback", FeedbackAsync).WithSummary("Confirm or reject a tag, or add a missing one");
        api.MapGet("/topics", TopicsAsync).WithSummary("Topics with article counts");
        api.MapGet("/topics/{slug}/trend", TrendAsync).WithSummary("Articles per day for a topic");
        api.MapGet("/sources", SourcesAsync).WithSummary("Sources with health");
        api.MapGet("/artefacts/{id}", async (string id, int? limit, Store store, CancellationToken ct) =>
        {
            if (limit is < 1 or > 500) return BadRequest("limit must be between 1 and 500");
            if (id.Length > 100 || await store.ArtefactDetailAsync(id, limit ?? 100, ct) is not { } detail)
                return Results.Problem(title: "Not found", detail: $"no artefact {id} is known: no stored article cites it and no Federal Register source describes it", statusCode: 404);
            return Results.Ok(ArtefactJson.Of(detail));
        }).WithSummary("A policy instrument (canonical id such as eccn:3A090 or fr-doc:2025-01234): its Federal Register record, timeline, Entity List changes, and every article citing it, newest first, with the citing sentence");
        api.MapGet("/entity-list", async (string? q, int? limit, Store store, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(q) || q.Trim().Length < 2 || q.Length > 200) return BadRequest("q must be 2 to 200 characters of an entity's name or alias");
            if (limit is < 1 or > 500) return BadRequest("limit must be between 1 and 500");
            var hits = await store.SearchEntityListAsync(q, limit ?? 50, ct);
            return Results.Ok(new { query = q.Trim(), changes = hits.Select(ArtefactJson.Of) });
        }).WithSummary("Entity List changes (additions, revisions, removals) whose entity or alias contains q, newest rule first: is it listed, since when, by which rule");
        api.MapGet("/review-queue", async (int? limit, string? topic, Store store, TopicClassifier classifier, CancellationToken ct) =>
        {
            if (limit is < 1 or > 200) return BadRequest("limit must be between 1 and 200");
            if (topic is not null && classifier.Taxonomy?.Find(topic) is null) return BadRequest($"'{topic}' is not a topic of the taxonomy");
            var items = await store.ReviewQueueAsync(limit ?? 20, topic, ct: ct);
            return Results.Ok(items.Select(i => new { i.Id, i.Title, i.Url, i.Source, published = i.Published, i.Topic, i.Score, i.Uncertainty, i.Tagged }));
        }).WithSummary("Articles the model is least sure about (a topic score nearest its threshold) that no analyst has judged yet, least sure first");
        api.MapGet("/saved-searches", SavedSearchesAsync).WithSummary("The caller's saved searches, each with what was found since it was last run");
        api.MapPost("/saved-searches/{id:long}/seen", async (long id, HttpContext c, Store store, TimeProvider clock, CancellationToken ct) =>
            await store.MarkSavedSearchSeenAsync(c.User.UserId(), id, clock.GetUtcNow(), ct) ? Results.NoContent() : Results.NotFound())
            .WithSummary("Mark a saved search as run now (its new matches are seen)");
        api.MapPost("/saved-searches", SaveSearchAsync);
        api.MapDelete("/saved-searches/{id:long}", async (long id, HttpContext c, Store store, CancellationToken ct) =>
            await store.DeleteSavedSearchAsync(c.User.UserId(), id, ct) ? Results.NoContent() : Results.NotFound());
        return app;
    }

    /// <summary>Reads search parameters from a query string; bad values are an ArgumentException with the reason.</summary>
    public static SearchQuery ParseQuery(IQueryCollection q, DateTimeOffset now) =>
        SearchQuery.FromParameters(name => q[name].Where(v => v is not null).Select(v => v!).ToList(), now);

    private static async Task<IResult> SearchAsync(HttpContext c, Store store, TimeProvider clock, CancellationToken ct)
    {
        SearchQuery query;
        try { query = ParseQuery(c.Request.Query, clock.GetUtcNow()); }
        catch (ArgumentException e) { return BadRequest(e.Message); }
        try
        {
            var result = await store.SearchAsync(query, clock.GetUtcNow(), ct);
            return Results.Ok(new
            {
                total = result.Total,
                totalIsEstimate = result.TotalIsEstimate,
                rankedSince = result.WindowFrom,
                next = result.Next,
                hits = result.Hits.Select(h => new
                {
                    h.Id, h.Url, h.Title, source = h.Source, sourceName = h.SourceName, published = h.Published, h.Language,
                    topics = h.Topics, h.Snippet, snippetHtml = h.SnippetHtml, h.IsPdf, alsoPublishedBy = h.AlsoPublishedBy,
                }),
                facets = new { topics = result.TopicFacets, sources = result.SourceFacets, days = result.DayFacets, artefacts = result.ArtefactFacets },
            });
        }
        catch (ArgumentException e) { return BadRequest(e.Message); }
    }

    private static IResult BadRequest(string reason) =>
        Results.Problem(title: "Bad request", detail: reason, statusCode: StatusCodes.Status400BadRequest);

    private static async Task<IResult> ArticleAsync(long id, Store store, CancellationToken ct)
    {
        var a = await store.GetArticleAsync(id, ct);
        if (a is null) return Results.Problem(title: "Not found", detail: $"no article {id}", statusCode: 404);
        var tags = await store.GetTopicsAsync(id, ct);
        var similar = await store.SimilarArticlesAsync(id, 5, ct);
        return Results.Ok(new
        {
            a.Id, url = a.CanonicalUrl, a.Title, a.Authors, published = a.PublishedAt, modified = a.ModifiedAt, a.Language, a.SiteName,
            source = a.SourceSlug, a.Description, a.Body, a.Status, a.Error, kind = a.ContentKind, pages = a.PageCount,
            metadataSources = a.MetadataSources is null ? (JsonElement?)null : JsonDocument.Parse(a.MetadataSources).RootElement,
            tags = tags.Select(t => new
            {
                t.Topic, t.Score, model = t.ModelVersion,
                explanation = t.ExplanationJson is null ? (JsonElement?)null : JsonDocument.Parse(t.ExplanationJson).RootElement,
                // the passage that carried the tag, offsets in UTF-16 code units of "body"
                evidence = PolicyWatch.Classify.TagEvidence.From(t.ExplanationJson, a.Body),
            }),
            similar = similar.Select(s => new { s.Id, s.Title, s.Url, s.Source, published = s.Published }),
            artefacts = (await store.ArticleArtefactsAsync(id, ct)).Select(x => new { id = x.Id, title = x.Title, sentence = x.Sentence }),
        });
    }

    public sealed record FeedbackRequest(string Topic, string Verdict);

    private static async Task<IResult> FeedbackAsync(long id, [FromBody] FeedbackRequest body, HttpContext c, Store store, TopicClassifier classifier, CancellationToken ct)
    {
        if (!Verdicts.All.Contains(body.Verdict)) return BadRequest($"verdict must be one of {string.Join(", ", Verdicts.All)}");
        if (classifier.Taxonomy is { } taxonomy && taxonomy.Find(body.Topic) is null) return BadRequest($"'{body.Topic}' is not a topic of the taxonomy");
        if (await store.GetArticleAsync(id, ct) is null) return Results.Problem(title: "Not found", detail: $"no article {id}", statusCode: 404);
        await store.RecordFeedbackAsync(id, body.Topic, body.Verdict, c.User.Identity!.Name!, ct);
        return Results.Ok(new { tags = (await store.GetTopicsAsync(id, ct)).Select(t => new { t.Topic, t.Score, model = t.ModelVersion }) });
    }

    private static async Task<IResult> TopicsAsync(Store store, TopicClassifier classifier, CancellationToken ct)
    {
        var counts = (await store.TopicCountsAsync(ct)).ToDictionary(c => c.Topic);
        var topics = classifier.Taxonomy?.Topics ?? [];
        return Results.Ok(topics.Select(t => new
        {
            t.Slug, t.Name, t.Definition, t.Threshold,
            articles = counts.TryGetValue(t.Slug, out var c) ? c.Count : 0,
            latest = counts.TryGetValue(t.Slug, out var l) ? l.Latest : null,
        }));
    }

    private static async Task<IResult> TrendAsync(string slug, int? days, Store store, TimeProvider clock, CancellationToken ct)
    {
        var n = days ?? 30;
        if (n is < 1 or > 730) return BadRequest("days must be between 1 and 730");
        var trend = await store.TopicTrendAsync(slug, n, clock.GetUtcNow(), ct);
        return Results.Ok(trend.Select(d => new { day = d.Day.ToString("yyyy-MM-dd"), count = d.Count }));
    }

    private static async Task<IResult> SourcesAsync(Store store, CancellationToken ct)
    {
        var sources = await store.ListSourcesAsync(ct: ct);
        return Results.Ok(sources.Select(s => new
        {
            s.Slug, s.Name, s.Url, s.Kind, s.Category, s.Region, s.Enabled, s.Healthy, lastPolled = s.LastPolledAt, lastSuccess = s.LastSuccessAt,
            nextPoll = s.NextPollAt, errors = s.ErrorCount, lastError = s.LastError, warning = s.LastWarning, items = s.ItemsTotal,
            itemsPerDay = s.AvgItemGap is { TotalHours: > 0 } gap ? Math.Round(24 / gap.TotalHours, 2) : (double?)null,
        }));
    }

    public sealed record SaveSearchRequest(string Name, string Query);

    private static async Task<IResult> SavedSearchesAsync(HttpContext c, Store store, TimeProvider clock, CancellationToken ct) =>
        Results.Ok((await store.SavedSearchAlertsAsync(c.User.UserId(), clock.GetUtcNow(), ct: ct)).Select(a => new
        {
            a.Search.Id, a.Search.Name, query = JsonDocument.Parse(a.Search.QueryJson).RootElement, a.Search.CreatedAt, a.Search.LastSeenAt,
            newSinceLastSeen = a.New, newIsAtLeast = a.AtLeast,
        }));

    private static async Task<IResult> SaveSearchAsync([FromBody] SaveSearchRequest body, HttpContext c, Store store, TimeProvider clock, CancellationToken ct)
    {
        try
        {
            var saved = await store.SaveSearchQueryAsync(c.User.UserId(), body.Name, body.Query ?? "", clock.GetUtcNow(), ct);
            return Results.Created($"/api/saved-searches/{saved.Id}", new { saved.Id, saved.Name });
        }
        catch (ArgumentException e) { return BadRequest(e.Message); }
    }
}
