using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using PolicyWatch.Classify;
using PolicyWatch.Host.Api;
using PolicyWatch.Host.Auth;
using PolicyWatch.Search;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages;

public sealed class SearchModel(Store store, TopicClassifier classifier, TimeProvider clock) : PageModel
{
    public SearchResult? Result { get; private set; }
    public string? Error { get; private set; }
    public string? Q => Request.Query["q"];
    public string? Since => Request.Query["since"];
    public string? Sort => Request.Query["sort"];
    public IReadOnlyList<TopicDefinition> Topics => classifier.Taxonomy?.Topics ?? [];
    public HashSet<string> SelectedTopics => Request.Query["topic"].Select(t => t ?? "").ToHashSet();
    public HashSet<string> SelectedSources => Request.Query["source"].Select(t => t ?? "").ToHashSet();

    /// <summary>The signed-in analyst's saved searches: name, id and the query string to run them with.</summary>
    public IReadOnlyList<(long Id, string Name, string Query)> Saved { get; private set; } = [];

    /// <summary>This page's search as a query string to save (no page cursor).</summary>
    public string CurrentQuery => QueryString.Create(Request.Query.Where(kv => kv.Key is not ("after" or "facets"))
        .SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v)))).ToString().TrimStart('?');

    public async Task OnGetAsync(CancellationToken ct)
    {
        try
        {
            Result = await store.SearchAsync(AnalystApi.ParseQuery(Request.Query, clock.GetUtcNow()), clock.GetUtcNow(), ct);
        }
        catch (ArgumentException e)
        {
            Error = e.Message;
        }
        Saved = (await store.ListSavedSearchesAsync(User.UserId(), ct)).Select(s =>
        {
            using var json = JsonDocument.Parse(s.QueryJson);
            return (s.Id, s.Name, json.RootElement.TryGetProperty("query", out var q) ? q.GetString() ?? "" : "");
        }).ToList();
    }

    public async Task<IActionResult> OnPostSaveAsync(string? name, string? query, CancellationToken ct)
    {
        // re-encoded from its parsed pairs, so what is stored and redirected to is a well-formed query string
        query = QueryString.Create(QueryHelpers.ParseQuery(query ?? "").SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v))))
            .ToString().TrimStart('?');
        try
        {
            if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100) throw new ArgumentException("a name of 1 to 100 characters is needed");
            SearchQuery.FromQueryString(query, clock.GetUtcNow());
        }
        catch (ArgumentException e)
        {
            Error = $"Not saved: {e.Message}";
            await OnGetAsync(ct);
            return Page();
        }
        await store.SaveSearchAsync(User.UserId(), name.Trim(), JsonSerializer.Serialize(new { query }), ct);
        return Redirect("/?" + query);
    }

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        await store.DeleteSavedSearchAsync(User.UserId(), id, ct);
        return Redirect("/");
    }

    public string NextLink(string next)
    {
        var query = Request.Query.Where(kv => kv.Key != "after").SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v)));
        return QueryHelpers.AddQueryString("/", query.Append(new("after", next)));
    }
}
