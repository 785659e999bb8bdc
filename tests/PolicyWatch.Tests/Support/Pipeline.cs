using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PolicyWatch.Feeds;
using PolicyWatch.Storage;

namespace PolicyWatch.Tests.Support;

/// <summary>The real pipeline services (fetcher, extractor, store, poller, processor) on a test database, tuned for fast tests.</summary>
public static class Pipeline
{
    public static ServiceProvider Services(string connectionString, IDictionary<string, string?>? settings = null) =>
        Build(connectionString, settings);

    /// <summary>Only the HTTP stack.</summary>
    public static ServiceProvider Fetching(IDictionary<string, string?>? settings = null) => Build(null, settings);

    private static ServiceProvider Build(string? connectionString, IDictionary<string, string?>? settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["ConnectionStrings:PolicyWatch"] = connectionString,
            ["Fetch:AllowPrivateNetworks"] = "true",
            ["Fetch:HostDelay"] = "00:00:00",
            ["Fetch:RetryDelay"] = "00:00:00.050",
            ["Fetch:Timeout"] = "00:00:10",
            ["Ingest:RetryDelay"] = "00:00:00",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        if (connectionString is null) services.AddPolicyWatchFetching(config);
        else services.AddPolicyWatch(config);
        return services.BuildServiceProvider();
    }

    public static SourceDefinition Source(string slug, Uri url, SourceKind kind = SourceKind.Rss, string? selector = null) => new()
    {
        Slug = slug, Name = slug, Url = url, Kind = kind, PollInterval = TimeSpan.FromHours(1), LinkSelector = selector,
    };

    public static async Task<long> AddSourceAsync(this ServiceProvider services, SourceDefinition source)
    {
        var store = services.GetRequiredService<Store>();
        var existing = await store.ListSourcesAsync();
        await store.SyncSourcesAsync([.. existing.Where(s => s.Enabled && s.Slug != source.Slug).Select(s => s.ToDefinition()), source]);
        return (await store.ListSourcesAsync()).Single(s => s.Slug == source.Slug).Id;
    }
}
