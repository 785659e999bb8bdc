using Microsoft.Extensions.DependencyInjection;
using PolicyWatch.Extract;
using PolicyWatch.Feeds;
using PolicyWatch.Model;
using PolicyWatch.Storage;

namespace PolicyWatch.Tests.Support;

/// <summary>
/// The real `policywatch serve` process on a test database seeded with a few articles, an analyst and an admin
/// (each with an API key), for API and browser tests.
/// </summary>
public sealed class ServedApp : IAsyncDisposable
{
    public const string AnalystPassword = "analyst-password-1";
    public const string AdminPassword = "admin-password-1";
    private readonly PolicyWatchProcess _process;
    private readonly ServiceProvider _services;
    private readonly string _feeds;

    private string _db = "";

    private ServedApp(PolicyWatchProcess process, ServiceProvider services, string feeds, Uri baseUrl, string analystKey, string adminKey, IReadOnlyList<long> ids)
    {
        _process = process;
        _services = services;
        _feeds = feeds;
        BaseUrl = baseUrl;
        AnalystKey = analystKey;
        AdminKey = adminKey;
        ArticleIds = ids;
    }

    public Uri BaseUrl { get; }
    public string AnalystKey { get; }
    public string AdminKey { get; }
    public IReadOnlyList<long> ArticleIds { get; }
    public Store Store => _services.GetRequiredService<Store>();
    public string Output => _process.Output;
    /// <summary>The served database's connection string, for CLI runs against the same data.</summary>
    public string ConnectionString => _db;

    public static readonly (string Title, string Body, string[] Topics, string Published)[] Seed =
    [
        ("Commerce widens export controls on AI accelerators", "The Commerce Department widened export controls on advanced AI accelerators and chipmaking tools, adding licence requirements for shipments to more destinations.", ["export-controls", "chips-compute"], "2026-11-20T10:00:00Z"),
        ("Lab releases open-weight model under permissive licence", "A research lab published the weights of its new language model under a permissive licence, and developers downloaded it widely.", ["open-weights"], "2026-11-19T09:00:00Z"),
        ("Allies sign the Pax Silica declaration", "Eleven governments signed the Pax Silica declaration on semiconductor supply chains at a summit in Washington.", ["pax-silica"], "2026-11-18T08:00:00Z"),
        ("Title with <script>alert('x')</script> & \"quotes\"", "Markup such as <script>alert('x')</script> & <b>bold</b> must never run in a page: export controls are mentioned here too.", ["export-controls"], "2026-11-17T08:00:00Z"),
        ("Bäckerei gewinnt Preis für Sauerteigbrot", "Die Bäckerei am Markt gewann den Preis des Landkreises für ihr Sauerteigbrot.", [], "2026-11-16T08:00:00Z"),
    ];

    public static async Task<ServedApp> StartAsync(PostgresFixture pg)
    {
        var db = await pg.CreateDatabaseAsync();
        var services = Pipeline.Services(db);
        var store = services.GetRequiredService<Store>();
        var sourceId = await services.AddSourceAsync(Pipeline.Source("seed-wire", new Uri("https://wire.example/rss")));
        var ids = new List<long>();
        for (var i = 0; i < Seed.Length; i++)
        {
            var (title, body, topics, published) = Seed[i];
            ids.Add(await AddArticleAsync(store, sourceId, $"https://wire.example/story/{i}", title, body, topics, published, i == 4 ? "de" : "en"));
        }
        await store.CreateUserAsync("ana", AnalystPassword, "analyst");
        await store.CreateUserAsync("root", AdminPassword, "admin");
        var (analystKey, _) = await store.CreateApiKeyAsync("ana", "tests");
        var (adminKey, _) = await store.CreateApiKeyAsync("root", "tests");

        var feeds = Path.Combine(Path.GetTempPath(), $"policywatch-served-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(feeds, """{"sources":[{"slug":"seed-wire","name":"Seed Wire","url":"https://wire.example/rss","kind":"rss","pollInterval":"1d"}]}""");
        var port = Ports.FreeLoopbackPort();
        var process = PolicyWatchProcess.Start(["serve", "--urls", $"http://127.0.0.1:{port}", "--no-worker"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__PolicyWatch"] = db,
            ["Ingest__FeedsFile"] = feeds,
        });
        await process.WaitForOutputAsync("Application started");
        return new ServedApp(process, services, feeds, new Uri($"http://127.0.0.1:{port}"), analystKey, adminKey, ids) { _db = db };
    }

    /// <summary>
    /// A second `serve` process on the same database with a home directory of its own, as on another machine (a second
    /// web replica: nothing but the database is shared); the caller disposes it.
    /// </summary>
    public async Task<(PolicyWatchProcess Process, Uri BaseUrl)> StartReplicaAsync()
    {
        var port = Ports.FreeLoopbackPort();
        var home = Directory.CreateTempSubdirectory("policywatch-replica-home-").FullName;
        var process = PolicyWatchProcess.Start(["serve", "--urls", $"http://127.0.0.1:{port}", "--no-worker"], new Dictionary<string, string?>
        {
            ["ConnectionStrings__PolicyWatch"] = _db,
            ["Ingest__FeedsFile"] = _feeds,
            ["HOME"] = home,
            ["DOTNET_CLI_HOME"] = home,
        });
        await process.WaitForOutputAsync("Application started");
        return (process, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>One more processed article from the seed source, found now.</summary>
    public async Task<long> AddArticleAsync(string title, string body, string[] topics, string published)
    {
        var sourceId = (await Store.ListSourcesAsync()).Single(s => s.Slug == "seed-wire").Id;
        return await AddArticleAsync(Store, sourceId, $"https://wire.example/more/{Guid.NewGuid():N}", title, body, topics, published, "en");
    }

    private static async Task<long> AddArticleAsync(Store store, long sourceId, string link, string title, string body, string[] topics, string published, string language)
    {
        var url = new Uri(link);
        var found = await store.RecordDiscoveredAsync(sourceId, [new FeedItem(url, title, null, null, null)]);
        var id = found.NewIds.Single();
        await store.ClaimArticleAsync(id, TimeSpan.FromMinutes(1));
        await store.SaveProcessedAsync(id, url, new ExtractedArticle
        {
            Title = title, Body = body, Published = DateTimeOffset.Parse(published), Language = language, SiteName = "Seed Wire",
        }, topics.Select(t => new TopicTag(t, 0.9f, "test-model", """{"terms":[{"term":"export controls","weight":0.5}]}""")).ToList());
        return id;
    }

    public HttpClient Client(string? key = null)
    {
        var http = new HttpClient { BaseAddress = BaseUrl };
        if (key is not null) http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        await _services.DisposeAsync();
        File.Delete(_feeds);
    }
}
