using Microsoft.Extensions.Logging.Abstractions;
using PolicyWatch.Classify;

namespace PolicyWatch.Tests.Classify;

/// <summary>
/// The shipped model on our own short texts of each kind the taxonomy's rule decides (fictional, written for these
/// tests): a topic named only in the body, a multi-section essay, an empty title, a passing mention.
/// </summary>
public sealed class ShippedModelTests
{
    private static readonly Lazy<TopicClassifier> Classifier = new(() =>
        new TopicClassifier(new ClassifyOptions { ModelDir = ModelsDir() }, NullLogger<TopicClassifier>.Instance));

    private static string ModelsDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "PolicyWatch.sln"))) return Path.Combine(d.FullName, "models");
        throw new InvalidOperationException("no checkout above the test binaries");
    }

    private static string[] Topics(string title, string body) => [.. Classifier.Value.Tag(title, body).Select(t => t.Topic).Order()];

    private const string Filler1 = "The city council met on Tuesday evening to debate a new parking plan for the old harbour district. Residents complained that delivery vans block the narrow streets every morning, and shop owners asked for loading bays near the market square. The mayor promised a decision before the summer tourist season begins, and officials will publish a map of the proposed zones next week.";
    private const string Filler2 = "Elsewhere, the regional rail operator said that weekend engineering works would close two stations in the north of the county for most of December. Replacement buses will run every twenty minutes, and the operator apologised for the disruption, which it said was needed to renew signalling equipment installed in the 1970s.";
    private const string Filler3 = "The weather service expects a cold, dry week with frost in rural areas and light winds along the coast. Farmers were advised to protect young plants overnight, and the health agency reminded older people to keep their homes warm and check on neighbours living alone.";

    private const string PaxSilicaParagraph = "Driving the news: the State Department on Monday expanded its Pax Silica initiative, the US-led bloc that coordinates supply chains for AI chips, critical minerals and semiconductor equipment among allied countries. Two more governments signed the Pax Silica declaration at a ceremony in Washington, committing to joint investment screening and to shared stockpiles of the materials that advanced chipmaking depends on. Officials said the coalition now spans most of the world's leading chip producers.";

    [Fact]
    public void TopicNamedOnlyInOneBodyParagraph_IsTagged()
    {
        var body = string.Join("\n\n", Filler1, PaxSilicaParagraph, Filler2, Filler3);
        Assert.Contains("pax-silica", Topics("What to watch this week", body));
    }

    [Fact]
    public void EmptyTitle_TopicInTheBody_IsTagged() =>
        Assert.Contains("pax-silica", Topics("", string.Join("\n\n", Filler2, PaxSilicaParagraph, Filler3)));

    [Fact]
    public void ShippedModel_IsNeverAClosedLabelSet_AnArticleOnNoTopicGetsNone()
    {
        Assert.False(TopicModel.Load(Path.Combine(ModelsDir(), "topics")).AtLeastOneLabel);
        Assert.False(TrainOptions.Shipped().AtLeastOneLabel);
        Assert.Empty(Topics("Harbour parking plan debated", string.Join("\n\n", Filler1, Filler2, Filler3)));
    }

    [Fact]
    public void PassingMention_DoesNotTag()
    {
        var body = string.Join("\n\n", Filler1, Filler2 + " A passenger reading about chip export rules on her phone said the delays were a nuisance.", Filler3);
        Assert.Empty(Topics("Harbour parking plan debated", body));
    }

    [Fact]
    public void MultiSectionEssay_KeepsEveryTopicWithASectionOfItsOwn()
    {
        var body = string.Join("\n\n",
            "The race for AI leadership",
            "Washington and Beijing now treat artificial intelligence as the centre of their strategic rivalry. American labs still lead at the frontier, but Chinese developers have narrowed the capability gap to months rather than years, and both governments frame the contest as one that will decide economic and military power for decades. Reports from both capitals measure who leads in compute, talent, investment and adoption.",
            "Controls on chips",
            "The Commerce Department's Bureau of Industry and Security has tightened export controls on advanced AI chips and chipmaking tools several times, adding Chinese firms to the Entity List and requiring licences for sales of high-end accelerators. Smuggling networks that route restricted GPUs through third countries have become a focus of enforcement, and allies have been asked to align their own export licensing rules.",
            "Open weights",
            "Meanwhile Chinese labs release open-weight models whose weights anyone can download and run, such as Qwen and DeepSeek. Their low cost has driven adoption by startups and governments around the world, and it has revived the debate in Washington over whether American developers should publish open-weight models too, and under what licences.",
            "Soldiers and software",
            "Defence ministries are moving fast as well. The Pentagon has signed contracts to bring large language models onto classified networks for intelligence analysis and military planning, and its national-security strategy names AI as a core capability for future warfare.");
        var topics = Topics("", body);
        foreach (var expected in new[] { "us-china-ai-race", "export-controls", "open-weights", "defense-ai" })
            Assert.Contains(expected, topics);
    }

    [Fact]
    public void EveryTag_CarriesEvidenceInsideTheBody()
    {
        var body = string.Join("\n\n", Filler1, PaxSilicaParagraph, Filler2);
        var tag = Assert.Single(Classifier.Value.Tag("Weekly briefing", body), t => t.Topic == "pax-silica");
        var evidence = TagEvidence.From(tag.ExplanationJson, body);
        Assert.NotNull(evidence);
        Assert.Contains("Pax Silica", evidence.Text);
        Assert.Equal(evidence.Text, body[evidence.Start..evidence.End].Trim());
    }
}
