using PolicyWatch.Artefacts;

namespace PolicyWatch.Tests.Artefacts;

public sealed class ArtefactCitationsTests
{
    [Fact]
    public void OneCitationPerArtefact_AtItsFirstMention()
    {
        const string body = "ECCN 4A090 came first. Later, ECCN 4A090 again, and 15 C.F.R. § 744.21 too.";
        var citations = ArtefactCitations.Of(body);
        Assert.Equal(citations.Count, citations.Select(c => c.ArtefactId).Distinct().Count());
        var eccn = Assert.Single(citations, c => c.ArtefactId == "eccn:4A090");
        Assert.InRange(eccn.Start, 0, 5);
        Assert.Equal("ECCN 4A090 came first.", eccn.Sentence);
        // the abbreviation's full stops do not end the sentence
        Assert.Equal("Later, ECCN 4A090 again, and 15 C.F.R. § 744.21 too.", Assert.Single(citations, c => c.Kind == "cfr").Sentence);
    }

    [Fact]
    public void Sentence_IsBoundedOnUnpunctuatedText()
    {
        var text = string.Concat(Enumerable.Repeat("word ", 400)) + "ECCN 3A090 " + string.Concat(Enumerable.Repeat("word ", 400));
        var c = Assert.Single(ArtefactCitations.Of(text));
        Assert.True(c.Sentence.Length <= 401, $"{c.Sentence.Length}");
        Assert.Contains("3A090", c.Sentence);
    }

    [Theory]
    [InlineData("eccn:3A090", "ECCN 3A090")]
    [InlineData("eo:14110", "Executive Order 14110")]
    [InlineData("cfr:15-744.21", "15 CFR 744.21")]
    [InlineData("list:entity-list", "Entity List")]
    [InlineData("bill:118-hr-8315", "H.R. 8315 (118th Congress)")]
    [InlineData("cfr:744", "cfr:744")]
    [InlineData("mofcom:61", "mofcom:61")]
    [InlineData("bill:-", "bill:-")]
    [InlineData("no-colon", "no-colon")]
    public void DisplayName_IsReadable(string id, string expected) => Assert.Equal(expected, ArtefactCitations.DisplayName(id));
}
