using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using PolicyWatch.Classify;
using PolicyWatch.Host.Api;
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
    }

    public string NextLink(string next)
    {
        var query = Request.Query.Where(kv => kv.Key != "after").SelectMany(kv => kv.Value.Select(v => new KeyValuePair<string, string?>(kv.Key, v)));
        return QueryHelpers.AddQueryString("/", query.Append(new("after", next)));
    }
}
