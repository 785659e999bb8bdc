using System.Text.Json;
using Microsoft.Extensions.Logging;
using PolicyWatch.Extract;
using PolicyWatch.Model;

namespace PolicyWatch.Classify;

/// <summary>Section <c>Classify</c>.</summary>
public sealed class ClassifyOptions
{
    /// <summary>Folder holding topics.json and the trained model it names.</summary>
    public string ModelDir { get; set; } = "models";
}

/// <summary>
/// The tagging stage: the shipped (or configured) model, loaded once, tags articles with the taxonomy's topics,
/// each with its probability and the terms that weighed most. Thread-safe.
/// </summary>
public sealed class TopicClassifier
{
    private readonly Lazy<(Taxonomy? Taxonomy, TopicModel? Model)> _loaded;

    public TopicClassifier(ClassifyOptions options, ILogger<TopicClassifier> log)
    {
        _loaded = new Lazy<(Taxonomy?, TopicModel?)>(() =>
        {
            var dir = AppPaths.Resolve(options.ModelDir);
            var taxonomyFile = Path.Combine(dir, "topics.json");
            if (!File.Exists(taxonomyFile))
            {
                log.LogWarning("No taxonomy at {File}: articles are stored untagged", taxonomyFile);
                return (null, null);
            }
            var taxonomy = Taxonomy.Load(taxonomyFile);
            if (!TopicModel.Exists(taxonomy.ModelDir))
            {
                log.LogWarning("No trained model in {Dir}: articles are stored untagged (run `policywatch train`)", taxonomy.ModelDir);
                return (taxonomy, null);
            }
            var model = TopicModel.Load(taxonomy.ModelDir);
            log.LogInformation("Loaded topic model {Version} ({Labels} labels)", model.Version, model.Labels.Count);
            return (taxonomy, model);
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public TopicModel? Model => _loaded.Value.Model;
    public Taxonomy? Taxonomy => _loaded.Value.Taxonomy;

    /// <summary>Refuses slugs the taxonomy does not have (a subscriber's topics, say); nothing to check without a taxonomy.</summary>
    public void CheckTopics(IEnumerable<string> slugs)
    {
        if (Taxonomy is not { } taxonomy) return;
        var unknown = slugs.Where(s => taxonomy.Find(s) is null).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown topic {string.Join(", ", unknown)} (see models/topics.json)");
    }

    public IReadOnlyList<TopicTag> Tag(ExtractedArticle article) => Tag(article.Title ?? "", article.Body);

    /// <summary>The article's tags (see <see cref="Tag(string, string)"/>) and how unsure the model was, for the review queue.</summary>
    public TopicAssessment Assess(string title, string body)
    {
        var (taxonomy, model) = _loaded.Value;
        if (taxonomy is null || model is null) return new TopicAssessment([], null);
        var x = model.Featurizer.Transform(title, body);
        var predictions = model.Predict(x, body);
        return new TopicAssessment(TagsFrom(model, taxonomy, x, predictions), Uncertainty(model, taxonomy, predictions));
    }

    /// <summary>
    /// The topic whose score lies closest to a decision boundary (the whole-article threshold, or the passage threshold
    /// for the best passage), with that distance (0 = on the boundary, in probability units) and the topic's score.
    /// </summary>
    private static ReviewPoint? Uncertainty(TopicModel model, Taxonomy taxonomy, IReadOnlyList<TopicPrediction> predictions)
    {
        ReviewPoint? closest = null;
        foreach (var p in predictions)
        {
            if (taxonomy.Find(p.Label) is null) continue;
            var label = model.Labels.First(l => l.Label == p.Label);
            var distance = Math.Min(Math.Abs(p.DocumentScore - label.Threshold), Math.Abs(p.PassageScore - label.PassageThreshold));
            if (closest is null || distance < closest.Distance) closest = new ReviewPoint(p.Label, MathF.Round(distance, 4), MathF.Round(p.Score, 4));
        }
        return closest;
    }

    public IReadOnlyList<TopicTag> Tag(string title, string body)
    {
        var (taxonomy, model) = _loaded.Value;
        if (taxonomy is null || model is null) return [];
        var x = model.Featurizer.Transform(title, body);
        return TagsFrom(model, taxonomy, x, model.Predict(x, body));
    }

    private static IReadOnlyList<TopicTag> TagsFrom(TopicModel model, Taxonomy taxonomy, SparseVector x, IReadOnlyList<TopicPrediction> predictions)
    {
        var tags = new List<TopicTag>();
        foreach (var prediction in predictions)
        {
            if (!prediction.Tagged || taxonomy.Find(prediction.Label) is null) continue;
            var label = model.Labels.First(l => l.Label == prediction.Label);
            var terms = model.Explain(x, label);
            var explanation = JsonSerializer.Serialize(new
            {
                terms = terms.Select(t => new { term = t.Term, weight = t.Weight }),
                // the passage that carried the tag: UTF-16 offsets into the stored body
                evidence = prediction.EvidenceStart is { } start ? new { start, end = prediction.EvidenceEnd!.Value } : null,
                documentScore = MathF.Round(prediction.DocumentScore, 4),
                passageScore = MathF.Round(prediction.PassageScore, 4),
            });
            tags.Add(new TopicTag(prediction.Label, MathF.Round(prediction.Score, 4), model.Version, explanation));
        }
        return tags.OrderByDescending(t => t.Score).ToList();
    }
}

/// <summary>Where the model was least sure about an article: <paramref name="Topic"/>, the distance of its score to the nearest decision threshold (probability units, 0 = on it), and the score.</summary>
public sealed record ReviewPoint(string Topic, float Distance, float Score);

/// <summary>An article's tags and the point the model was least sure about (null without a model).</summary>
public sealed record TopicAssessment(IReadOnlyList<TopicTag> Tags, ReviewPoint? Review);
