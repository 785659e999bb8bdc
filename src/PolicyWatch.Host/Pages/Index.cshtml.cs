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

    /// <summary>The signed-in analyst's saved searches with what was found since each was last run (an alert).</summary>
    public IReadOnlyList<(SavedSearch Search, long New, bool AtLeast)> Saved { get; private set; } = [];

    /// <summary>This page's search as a query string to save (no page cursor).</summary>
    public string CurrentQuery => QueryString.Create(Request.Query.Where(kv => kv.Key is not ("after" or "facets" or "saved"))
        .SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v)))).ToString().TrimStart('?');

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        try
        {
            Result = await store.SearchAsync(AnalystApi.ParseQuery(Request.Query, now), now, ct);
        }
        catch (ArgumentException e)
        {
            Error = e.Message;
        }
        // the alerts (new matches per saved search) are worked out on a search's first page only; running a saved
        // search (its link carries saved=ID) marks what it found as seen, as of this search's clock
        var firstPage = string.IsNullOrEmpty(Request.Query["after"]);
        if (firstPage && long.TryParse(Request.Query["saved"], out var seen)) await store.MarkSavedSearchSeenAsync(User.UserId(), seen, now, ct);
        Saved = await store.SavedSearchAlertsAsync(User.UserId(), now, count: firstPage, ct);
    }

    public async Task<IActionResult> OnPostSaveAsync(string? name, string? query, CancellationToken ct)
    {
        // re-encoded from its parsed pairs, so what is stored and redirected to is a well-formed query string
        query = QueryString.Create(QueryHelpers.ParseQuery(query ?? "").SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v))))
            .ToString().TrimStart('?');
        try
        {
            await store.SaveSearchQueryAsync(User.UserId(), name, query, clock.GetUtcNow(), ct);
        }
        catch (ArgumentException e)
        {
            Error = $"Not saved: {e.Message}";
            await OnGetAsync(ct);
            return Page();
        }
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
