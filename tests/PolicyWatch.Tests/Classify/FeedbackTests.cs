using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PolicyWatch.Classify;
using PolicyWatch.Extract;
using PolicyWatch.Model;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Classify;

[Collection("postgres")]
public sealed class FeedbackTests(PostgresFixture pg)
{
    private static async Task<(Store Store, string Db, long ArticleId)> ArticleWithTagsAsync(PostgresFixture pg, params string[] topics)
    {
        var db = await pg.CreateDatabaseAsync();
        var services = Pipeline.Services(db);
        var store = services.GetRequiredService<Store>();
        var sourceId = await services.AddSourceAsync(Pipeline.Source("s", new Uri("https://feed.example/rss")));
        var found = await store.RecordDiscoveredAsync(sourceId, [new PolicyWatch.Feeds.FeedItem(new Uri("https://news.example/a"), "A", null, null, null)]);
        var id = found.NewIds.Single();
        await store.ClaimArticleAsync(id, TimeSpan.FromMinutes(1));
        await store.SaveProcessedAsync(id, new Uri("https://news.example/a"),
            new ExtractedArticle { Title = "Storm delays the ferry", Body = "A storm forecast kept the harbour ferry in port." },
            topics.Select(t => new TopicTag(t, 0.9f, "m1", """{"terms":[]}""")).ToList());
        return (store, db, id);
    }

    [Fact]
    public async Task Feedback_AppliesToTagsAndBecomesTrainingExample()
    {
        var (store, _, id) = await ArticleWithTagsAsync(pg, "boats", "fruit");

        await store.RecordFeedbackAsync(id, "fruit", Verdicts.Reject, "ana");
        await store.RecordFeedbackAsync(id, "weather", Verdicts.Add, "ana");
        await store.RecordFeedbackAsync(id, "boats", Verdicts.Confirm, "ben");

        var tags = await store.GetTopicsAsync(id);
        Assert.Equal(["boats", "weather"], tags.Select(t => t.Topic).Order());
        Assert.Equal(Verdicts.AnalystVersion, tags.Single(t => t.Topic == "weather").ModelVersion);
        var example = Assert.Single(await store.FeedbackExamplesAsync());
        Assert.Equal($"article-{id}", example.Id);
        Assert.Equal(["boats", "weather"], example.Labels.Order());
    }

    [Fact]
    public async Task Feedback_LatestVerdictWins()
    {
        var (store, _, id) = await ArticleWithTagsAsync(pg, "boats");
        await store.RecordFeedbackAsync(id, "boats", Verdicts.Reject, "ana");
        await store.RecordFeedbackAsync(id, "boats", Verdicts.Add, "ben");
        Assert.Equal(["boats"], Assert.Single(await store.FeedbackExamplesAsync()).Labels);
    }

    [Fact]
    public async Task Reclassify_RetagsWithTheCurrentModel_KeepingAnalystVerdicts()
    {
        var (store, db, id) = await ArticleWithTagsAsync(pg, "fruit");
        await store.RecordFeedbackAsync(id, "boats", Verdicts.Reject, "ana");  // the model will say boats: the analyst said no
        await store.RecordFeedbackAsync(id, "ferries", Verdicts.Add, "ana");
        var dir = TempDirs.Create("reclassify");
        var trained = TopicTrainer.Train(TinyCorpus.Documents(), new TrainOptions { Folds = 3 });
        Directory.CreateDirectory(Path.Combine(dir, "topics"));
        trained.Model.Save(Path.Combine(dir, "topics"));
        File.WriteAllText(Path.Combine(dir, "topics.json"), """{"model":"topics","topics":[{"slug":"boats"},{"slug":"fruit"},{"slug":"weather"}]}""");
        var classifier = new TopicClassifier(new ClassifyOptions { ModelDir = dir }, NullLogger<TopicClassifier>.Instance);

        var count = await new Reclassifier(store, classifier, NullLogger<Reclassifier>.Instance).RunAsync(null, default);

        Assert.Equal(1, count);
        var tags = await store.GetTopicsAsync(id);
        Assert.Equal(["ferries", "weather"], tags.Select(t => t.Topic).Order());
        Assert.Equal(trained.Model.Version, tags.Single(t => t.Topic == "weather").ModelVersion);
        Assert.Contains("\"terms\"", tags.Single(t => t.Topic == "weather").ExplanationJson);
        TempDirs.Delete(dir);
    }
}
