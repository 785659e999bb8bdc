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

        var lines = new List<string>();
        var count = await new Reclassifier(store, classifier, NullLogger<Reclassifier>.Instance).RunAsync(null, default, progress: lines.Add);

        Assert.Equal(1, count);
        // the last progress line says the whole job is done: count of the total, and the time it took
        Assert.StartsWith("re-tagged articles: 1/1 (100%)", lines[^1]);
        var tags = await store.GetTopicsAsync(id);
        Assert.Equal(["ferries", "weather"], tags.Select(t => t.Topic).Order());
        Assert.Equal(trained.Model.Version, tags.Single(t => t.Topic == "weather").ModelVersion);
        Assert.Contains("\"terms\"", tags.Single(t => t.Topic == "weather").ExplanationJson);
        TempDirs.Delete(dir);
    }

    [Fact]
    public async Task ReviewQueue_OrdersByUncertainty_AndAJudgedArticleLeavesIt()
    {
        var db = await pg.CreateDatabaseAsync();
        await using var services = Pipeline.Services(db);
        var store = services.GetRequiredService<Store>();
        var sourceId = await services.AddSourceAsync(Pipeline.Source("s", new Uri("https://feed.example/rss")));
        var ids = new Dictionary<string, long>();
        foreach (var (name, distance) in new[] { ("far", 0.4f), ("closest", 0.01f), ("close", 0.05f) })
        {
            var url = new Uri($"https://news.example/{name}");
            var id = (await store.RecordDiscoveredAsync(sourceId, [new PolicyWatch.Feeds.FeedItem(url, name, null, null, null)])).NewIds.Single();
            await store.ClaimArticleAsync(id, TimeSpan.FromMinutes(1));
            await store.SaveProcessedAsync(id, url, new ExtractedArticle { Title = name, Body = "Text." }, [], default, new ReviewPoint("export-controls", distance, 0.3f + distance));
            ids[name] = id;
        }

        Assert.Equal(["closest", "close", "far"], (await store.ReviewQueueAsync(10)).Select(i => i.Title));
        await store.RecordFeedbackAsync(ids["closest"], "export-controls", Verdicts.Add, "ana");
        Assert.Equal(["close", "far"], (await store.ReviewQueueAsync(10)).Select(i => i.Title));
        Assert.Empty(await store.ReviewQueueAsync(10, "pax-silica"));
    }

    [Fact]
    public async Task Retraining_WithAnAnalystsVerdict_ChangesTheModelsVerdictOnThatArticle()
    {
        var (store, _, id) = await ArticleWithTagsAsync(pg, "weather");
        var docs = TinyCorpus.Documents();
        var before = TopicTrainer.Train(docs, new TrainOptions { Folds = 3 }).Model.Predict("Storm delays the ferry", "A storm forecast kept the harbour ferry in port.");
        Assert.False(before.Single(p => p.Label == "fruit").Tagged);

        // an analyst says this article is about fruit too (a made-up verdict: the point is that the model follows it)
        await store.RecordFeedbackAsync(id, "fruit", Verdicts.Add, "ana");
        var feedback = await store.FeedbackExamplesAsync();
        var after = TopicTrainer.Train([.. docs, .. feedback], new TrainOptions { Folds = 3 }).Model
            .Predict("Storm delays the ferry", "A storm forecast kept the harbour ferry in port.");

        Assert.True(after.Single(p => p.Label == "fruit").Tagged, $"fruit {after.Single(p => p.Label == "fruit").Score}");
    }
}
