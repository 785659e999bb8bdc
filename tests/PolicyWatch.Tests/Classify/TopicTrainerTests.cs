using PolicyWatch.Classify;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Classify;

public sealed class TopicTrainerTests
{
    // with a floor, as the shipped recipe has: out-of-fold thresholds from examples this cleanly separable are too
    // permissive, and which side of a threshold an unseen text lands on would depend on the fold partition
    private static readonly Lazy<TrainResult> Trained = new(() => TopicTrainer.Train(TinyCorpus.Documents(), new TrainOptions { Folds = 3, MinThreshold = 0.5f }));

    [Fact]
    public void Train_LearnsEveryLabelInTheData_WithCrossValidatedScores()
    {
        var result = Trained.Value;
        Assert.Equal(["boats", "fruit", "weather"], result.Model.Labels.Select(l => l.Label));
        Assert.All(result.CrossValidated.Labels, l => Assert.True(l.F1 > 0.8, $"{l.Label} F1 {l.F1}"));
        Assert.All(result.Model.Labels, l => Assert.InRange(l.Threshold, 0.02f, 0.98f));
    }

    [Theory]
    [InlineData("Orchard news", "The apple harvest in the orchard was the best in years.", "fruit")]
    [InlineData("Marina reopens", "The yacht marina and the harbour ferry are busy again.", "boats")]
    [InlineData("Blizzard", "A snowfall warning and a blizzard forecast for the weekend.", "weather")]
    public void Predict_UnseenDocument_GetsItsLabelAndOnlyThat(string title, string text, string expected)
    {
        var model = Trained.Value.Model;
        var scores = model.Scores(title, text);
        var tags = model.Labels.Where(l => scores[l.Label] >= l.Threshold).Select(l => l.Label).ToList();
        Assert.Equal([expected], tags);
        Assert.All(scores.Values, p => Assert.InRange(p, 0f, 1f));
    }

    [Fact]
    public void Predict_OffTopicDocument_GetsNoLabel()
    {
        var model = Trained.Value.Model;
        var scores = model.Scores("Library hours", "The council extended library hours and changed parking permits.");
        Assert.DoesNotContain(model.Labels, l => scores[l.Label] >= l.Threshold);
    }

    [Fact]
    public void EveryTrainingDocumentLabelled_ClosedLabelSet_ADocumentBelowEveryThresholdGetsItsBestLabel()
    {
        const string title = "Library hours", text = "The council extended library hours and changed parking permits.";
        Assert.False(Trained.Value.Model.AtLeastOneLabel); // the corpus has unlabelled council minutes
        Assert.DoesNotContain(Trained.Value.Model.Predict(title, text), p => p.Tagged);

        var closed = TopicTrainer.Train(TinyCorpus.Documents().Where(d => d.Labels.Count > 0).ToList(),
            new TrainOptions { Folds = 3, MinThreshold = 0.5f }).Model;
        Assert.True(closed.AtLeastOneLabel);
        var x = closed.Featurizer.Transform(title, text);
        foreach (var predictions in new[] { closed.Predict(title, text), closed.PredictWhole(x) })
        {
            var tagged = Assert.Single(predictions, p => p.Tagged);
            Assert.Equal(predictions.Max(p => p.Score), tagged.Score);
            Assert.True(tagged.Score < closed.Labels.Single(l => l.Label == tagged.Label).Threshold, "tagged by the fallback, not its threshold");
        }
        // a document over a threshold keeps only what its thresholds give
        Assert.Equal(["fruit"], closed.PredictWhole(closed.Featurizer.Transform("Orchard news", "The apple harvest in the orchard was the best in years."))
            .Where(p => p.Tagged).Select(p => p.Label));

        var dir = TempDirs.Create("closed-model");
        closed.Save(dir);
        Assert.True(TopicModel.Load(dir).AtLeastOneLabel);
        // a model saved before the setting existed has no such field and stays open
        var json = Path.Combine(dir, "model.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"AtLeastOneLabel\": true", "\"Unrelated\": true"));
        Assert.False(TopicModel.Load(dir).AtLeastOneLabel);
        TempDirs.Delete(dir);
    }

    [Fact]
    public void AtLeastOneLabelOption_OverridesWhatTheDataSays()
    {
        var labelled = TinyCorpus.Documents().Where(d => d.Labels.Count > 0).ToList();
        Assert.False(TopicTrainer.Train(labelled, new TrainOptions { Folds = 3, MinThreshold = 0.5f, AtLeastOneLabel = false }).Model.AtLeastOneLabel);

        // forced on a corpus with unlabelled council minutes: each of them now gets a label in the cross-validated
        // figures too, which costs precision the open model does not pay
        var forced = TopicTrainer.Train(TinyCorpus.Documents(), new TrainOptions { Folds = 3, MinThreshold = 0.5f, AtLeastOneLabel = true });
        Assert.True(forced.Model.AtLeastOneLabel);
        Assert.True(forced.CrossValidated.MicroPrecision < Trained.Value.CrossValidated.MicroPrecision,
            $"forced {forced.CrossValidated.MicroPrecision} against open {Trained.Value.CrossValidated.MicroPrecision}");
    }

    [Fact]
    public void Explain_NamesTheWordsThatWeighed()
    {
        var model = Trained.Value.Model;
        var x = model.Featurizer.Transform("Orchard news", "The apple harvest in the orchard was the best in years.");
        var terms = model.Explain(x, model.Labels.Single(l => l.Label == "fruit")).Select(t => t.Term).ToList();
        Assert.NotEmpty(terms);
        Assert.Contains(terms, t => t.Contains("orchard") || t.Contains("apple") || t.Contains("harvest"));
    }

    [Fact]
    public void SaveAndLoad_GivesTheSameProbabilities()
    {
        var model = Trained.Value.Model;
        var dir = TempDirs.Create("model");
        model.Save(dir);
        var loaded = TopicModel.Load(dir);
        const string title = "Storm over the marina", text = "A hurricane storm surge threatened the yacht mooring.";
        Assert.Equal(model.Version, loaded.Version);
        Assert.Equal(model.Scores(title, text), loaded.Scores(title, text));
        Assert.Equal(model.Labels.Select(l => l.Threshold), loaded.Labels.Select(l => l.Threshold));
        TempDirs.Delete(dir);
    }

    [Fact]
    public void Predict_FromManyThreads_MatchesSequential()
    {
        var model = Trained.Value.Model;
        var texts = TinyCorpus.Documents().Select(d => (d.Title ?? "", d.Text ?? "")).ToList();
        var sequential = texts.Select(t => model.Scores(t.Item1, t.Item2)["fruit"]).ToArray();
        var parallel = new float[texts.Count];
        Parallel.For(0, texts.Count * 8, i => parallel[i % texts.Count] = model.Scores(texts[i % texts.Count].Item1, texts[i % texts.Count].Item2)["fruit"]);
        Assert.Equal(sequential, parallel);
    }

    [Theory]
    [InlineData("sdca-lr")]
    [InlineData("averaged-perceptron")]
    public void OtherTrainers_AlsoLearnTheTask(string trainer)
    {
        var result = TopicTrainer.Train(TinyCorpus.Documents(), new TrainOptions { Folds = 3, Trainer = trainer });
        Assert.True(result.CrossValidated.MicroF1 > 0.8, $"{trainer}: {result.CrossValidated.MicroF1}");
    }

    [Fact]
    public void BestThreshold_SeparableScores_MiddleOfTheGap()
    {
        var t = TopicTrainer.BestThreshold([0.9f, 0.8f, 0.2f, 0.1f], [true, true, false, false]);
        Assert.Equal(0.5f, t, 3);
        Assert.Equal(0.5f, TopicTrainer.BestThreshold([0.3f, 0.2f], [false, false]));
    }

    [Fact]
    public void PlattScaling_HigherMarginHigherProbability()
    {
        var (a, b) = PlattScaling.Fit([-2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2], [false, false, false, true, false, true, true, true]);
        float P(double s) => 1f / (1f + MathF.Exp(a * (float)s + b));
        Assert.True(P(2) > 0.8f && P(-2) < 0.2f && P(1) > P(0));
    }

    [Fact]
    public void EvaluationReport_MicroAndMacro()
    {
        var gold = new List<IReadOnlyCollection<string>> { new[] { "a" }, new[] { "a", "b" }, new[] { "b" }, Array.Empty<string>() };
        var predicted = new List<IReadOnlyCollection<string>> { new[] { "a" }, new[] { "a" }, new[] { "a" }, new[] { "b" } };
        var report = EvaluationReport.Compute(["a", "b"], gold, predicted);
        // a: tp 2, fp 1, fn 0 → F1 0.8; b: tp 0, fp 1, fn 2 → F1 0
        Assert.Equal(0.8, report.Labels[0].F1, 6);
        Assert.Equal(0.0, report.Labels[1].F1, 6);
        Assert.Equal(0.4, report.MacroF1, 6);
        Assert.Equal(2.0 / 4, report.MicroPrecision, 6);
        Assert.Equal(2.0 / 4, report.MicroRecall, 6);
    }

    [Fact]
    public void TaxonomyRecord_KeepsRealArticleFigures_OnlyForTheModelTheyDescribe()
    {
        var dir = TempDirs.Create("taxonomy");
        var path = Path.Combine(dir, "topics.json");
        File.WriteAllText(path, """{"topics":[{"slug":"fruit","name":"Fruit"},{"slug":"boats","name":"Boats"}]}""");
        var result = Trained.Value;
        var dev = EvaluationReport.Compute(["boats", "fruit"], [["fruit"], ["boats"], []], [["fruit"], [], ["boats"]]);

        Taxonomy.Load(path).Record(result.Model, result.CrossValidated, TrainOptions.Shipped() with { Seed = 7 }, dev, 3);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(3, json["devArticles"]!.GetValue<int>());
        Assert.Equal(0.5, json["devMicroF1"]!.GetValue<double>(), 3);
        var fruit = json["topics"]!.AsArray().Single(t => t!["slug"]!.GetValue<string>() == "fruit")!;
        Assert.Equal(1.0, fruit["dev"]!["f1"]!.GetValue<double>(), 3);
        Assert.NotNull(fruit["cv"]);
        Assert.Equal(7, json["training"]!["seed"]!.GetValue<int>());
        Assert.Equal(5, json["training"]!["characterGrams"]!.GetValue<int>());
        Assert.Equal(5, json["training"]!["members"]!.GetValue<int>());
        Assert.True(json["training"]!["passageCopies"]!.GetValue<bool>());

        // a retrain without the development set must not leave the old model's real-article figures behind
        Taxonomy.Load(path).Record(result.Model, result.CrossValidated);
        json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        Assert.All(Taxonomy.DevKeys, key => Assert.Null(json[key]));
        Assert.Null(json["training"]);
        Assert.All(json["topics"]!.AsArray(), t => Assert.Null(t!["dev"]));
        Assert.NotNull(json["cvMicroF1"]);
    }

    [Fact]
    public void PassageThresholdBelowTheWholeArticles_TagCarriedByAPassage_KeepsThatPassageAsEvidence()
    {
        var trained = Trained.Value.Model;
        // the whole article can never pass; one passage can: the tag is the passage's, so it must show that passage
        var labels = trained.Labels.Select(l => new LabelModel
        {
            Label = l.Label, Weights = l.Weights, Bias = l.Bias, Slope = l.Slope, Offset = l.Offset, Threshold = 1.01f, PassageThreshold = 0.3f,
        }).ToList();
        var model = new TopicModel(trained.Featurizer, labels, trained.Version, trained.Trainer);
        var council = string.Join(" ", Enumerable.Repeat("The council discussed parking permits and library hours again.", 6));
        var orchard = string.Join(" ", Enumerable.Repeat("Growers reported that the apple orchard harvest went well this year in the valley.", 4));
        var body = string.Join("\n\n", council, orchard, council);

        var fruit = model.Predict("", body).Single(p => p.Label == "fruit");

        Assert.True(fruit.Tagged);
        Assert.True(fruit.PassageScore >= 0.3f && fruit.DocumentScore < 1.01f);
        Assert.NotNull(fruit.EvidenceStart);
        Assert.Contains("apple orchard", body[fruit.EvidenceStart!.Value..fruit.EvidenceEnd!.Value]);
    }

    [Fact]
    public void CharacterGramLength_ReachesTheFeaturizer_AndIsChecked()
    {
        var docs = TinyCorpus.Documents();
        var three = TopicTrainer.Train(docs, new TrainOptions { Folds = 2, CharacterGramLength = 3 }).Model.Featurizer.Dimension;
        var five = TopicTrainer.Train(docs, new TrainOptions { Folds = 2, CharacterGramLength = 5 }).Model.Featurizer.Dimension;
        Assert.NotEqual(three, five);
        var ml = new Microsoft.ML.MLContext(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => TextFeaturizer.Fit(ml, [("a", "b")], characterGramLength: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextFeaturizer.Fit(ml, [("a", "b")], characterGramLength: 7));
    }

    [Fact]
    public void AssignFolds_SpreadsEveryStratum_AndEachSeedShufflesAnew()
    {
        // 103 items: a rare stratum of 7, a common one of 40, the rest unlabelled
        string Stratum(int i) => i < 7 ? "rare" : i < 47 ? "common" : "";
        var folds = TopicTrainer.AssignFolds(103, 5, seed: 1, Stratum);

        Assert.All(folds, f => Assert.InRange(f, 0, 4));
        var sizes = folds.GroupBy(f => f).Select(g => g.Count()).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1, string.Join(",", sizes));
        foreach (var stratum in new[] { "rare", "common", "" })
        {
            var perFold = Enumerable.Range(0, 5).Select(f => Enumerable.Range(0, 103).Count(i => Stratum(i) == stratum && folds[i] == f)).ToList();
            Assert.True(perFold.Max() - perFold.Min() <= 1, $"{stratum}: {string.Join(",", perFold)}");
        }
        // another seed is another partition, not the same folds renumbered
        var other = TopicTrainer.AssignFolds(103, 5, seed: 2, Stratum);
        var differingPairs = Enumerable.Range(0, 103).SelectMany(i => Enumerable.Range(i + 1, 102 - i).Select(j => (i, j)))
            .Count(p => (folds[p.i] == folds[p.j]) != (other[p.i] == other[p.j]));
        Assert.True(differingPairs > 0);
    }

    [Fact]
    public void Members_AreOneModelWhoseLogOddsAreTheMembersMean()
    {
        var docs = TinyCorpus.Documents();
        var options = new TrainOptions { Folds = 3, MinThreshold = 0.5f, Seed = 3 };
        var a = TopicTrainer.Train(docs, options).Model;
        var b = TopicTrainer.Train(docs, options with { Seed = 1003 }).Model;
        var merged = TopicTrainer.Train(docs, options with { Members = 2 }).Model;

        // log-odds straight from a label's parameters, in double: p = 1 / (1 + exp(slope·(w·x + b) + offset))
        static double LogOdds(LabelModel l, SparseVector x) => -(l.Slope * ((double)x.Dot(l.Weights) + l.Bias) + l.Offset);
        foreach (var (title, text) in new[] { ("Orchard news", "The apple harvest in the orchard was the best in years."),
                     ("Library hours", "The council extended library hours and changed parking permits."), ("", "A ferry in a storm.") })
        {
            var x = merged.Featurizer.Transform(title, text);
            foreach (var (l, li) in merged.Labels.Select((l, li) => (l, li)))
            {
                var expected = (LogOdds(a.Labels[li], x) + LogOdds(b.Labels[li], x)) / 2;
                Assert.InRange(LogOdds(l, x), expected - 1e-3, expected + 1e-3);
                Assert.Equal((a.Labels[li].Threshold + b.Labels[li].Threshold) / 2, l.Threshold, 4);
            }
        }
        // the two seeds gave different models, so the mean is not one of them
        var w = merged.Featurizer.Transform("Orchard news", "The apple harvest in the orchard was the best in years.");
        Assert.NotEqual(a.Labels[0].Probability(w), b.Labels[0].Probability(w));
        // still one model's size, and it tags as its members do
        Assert.Equal(a.Labels[0].Weights.Length, merged.Labels[0].Weights.Length);
        const string orchard = "The apple harvest in the orchard was the best in years.";
        foreach (var model in new[] { a, b, merged })
            Assert.Equal(["fruit"], model.Predict("Orchard news", orchard).Where(p => p.Tagged).Select(p => p.Label));
    }

    [Fact]
    public void AverageLogOdds_MembersFeaturisedDifferently_Throws()
    {
        var docs = TinyCorpus.Documents();
        var four = TopicTrainer.Train(docs, new TrainOptions { Folds = 2 }).Model;
        var three = TopicTrainer.Train(docs, new TrainOptions { Folds = 2, CharacterGramLength = 3 }).Model;
        Assert.Throws<ArgumentException>(() => TopicModel.AverageLogOdds([four, three], "v"));
        Assert.Throws<ArgumentException>(() => TopicModel.AverageLogOdds([], "v"));
    }

    [Fact]
    public void PassageCopies_EveryPassageOfAOneTopicExample_NoneOfAManyTopicOne()
    {
        // three paragraphs of over 45 words each: three passages
        static string Essay(string subject) => string.Join("\n", Enumerable.Range(1, 3).Select(k =>
            $"Part {k}. " + string.Concat(Enumerable.Repeat(
                $"The valley's growers said the {subject} went on all week, and the cooperative counted crates at dusk. ", 4))));
        var oneTopic = new LabeledDocument("long-1", "", Essay("apple harvest"), ["fruit"]);
        var twoTopics = new LabeledDocument("long-2", "", Essay("apple harvest and the harbour ferry"), ["fruit", "boats"]);
        Assert.Equal(3, Passages.Split(oneTopic.Text!).Count);
        Assert.Equal(3, Passages.Split(twoTopics.Text!).Count);

        static int Rows(List<LabeledDocument> docs, bool passages)
        {
            var lines = new List<string>();
            TopicTrainer.Train(docs, new TrainOptions { Folds = 2, PassageCopies = passages }, lines.Add);
            var m = System.Text.RegularExpressions.Regex.Match(string.Join("\n", lines), @"\((\d+) training rows\)");
            Assert.True(m.Success, string.Join("\n", lines));
            return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        var corpus = TinyCorpus.Documents();
        var fromCorpus = Rows(corpus, true) - Rows(corpus, false);
        Assert.Equal(fromCorpus, Rows([.. corpus, twoTopics], true) - Rows([.. corpus, twoTopics], false));
        Assert.Equal(fromCorpus + 3, Rows([.. corpus, oneTopic], true) - Rows([.. corpus, oneTopic], false));
    }

    [Fact]
    public void OnePassageBody_TagsOnThePassageThresholdOnlyWhenSubstantial()
    {
        var model = TopicTrainer.Train(TinyCorpus.Documents(), new TrainOptions { Folds = 3 }).Model;
        foreach (var l in model.Labels) { l.Threshold = 0.999f; l.PassageThreshold = 0.001f; }
        const string sentence = "Growers reported that the apple orchard harvest went well this year in the valley. ";

        // a one-line brief: a passing mention by the taxonomy's rule, judged by the whole article's threshold alone
        var brief = model.Predict("", sentence.Trim());
        Assert.DoesNotContain(brief, p => p.Tagged);
        // one paragraph of over 45 words is a substantial passage, and the passage threshold applies
        var paragraph = string.Concat(Enumerable.Repeat(sentence, 4)).Trim();
        Assert.Single(Passages.Split(paragraph));
        var tagged = model.Predict("", paragraph).Where(p => p.Tagged).ToList();
        Assert.NotEmpty(tagged);
        Assert.All(tagged, p => Assert.Equal((0, paragraph.Length), (p.EvidenceStart, p.EvidenceEnd)));
    }
}
