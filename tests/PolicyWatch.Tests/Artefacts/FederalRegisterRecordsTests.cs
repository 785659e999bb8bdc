using System.Text.Json;
using PolicyWatch.Artefacts;
using PolicyWatch.Digest;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Artefacts;

/// <summary>Pure pieces of artefact records: the Federal Register answer, the timeline, Entity List changes, the digest's deadlines.</summary>
public sealed class FederalRegisterRecordsTests
{
    private static IReadOnlyList<FederalRegisterDocument> Recorded()
    {
        using var doc = JsonDocument.Parse(Fixtures.Read("federal-register/documents.json", new Uri("http://127.0.0.1:9/")));
        return doc.RootElement.GetProperty("results").EnumerateArray().Select(FederalRegisterDocument.FromJson).OfType<FederalRegisterDocument>().ToList();
    }

    [Fact]
    public void FromJson_ReadsTheSourceMetadata_AsCanonicalIds_AndSkipsAMalformedEntry()
    {
        var docs = Recorded();
        Assert.Equal(["2026-20555", "2026-20002", "2026-10001"], docs.Select(d => d.DocumentNumber));
        var final = docs[1];
        Assert.Equal(("Rule", "Final rule."), (final.Type, final.Action));
        Assert.Equal(new DateOnly(2026, 10, 15), final.EffectiveOn);
        Assert.Equal(["rin:0694-AZ99"], final.Rins);
        Assert.Equal(["docket:BIS-2026-0042"], final.Dockets);
        Assert.Equal(["cfr:15-744"], final.CfrParts);
        Assert.Equal(["Industry and Security Bureau"], final.Agencies);
        Assert.Equal("91 FR 47210", final.Citation);
        Assert.False(final.IsCorrection);
        Assert.Equal("fr-doc:2026-20002", docs[0].CorrectionOf);
        Assert.True(docs[0].IsCorrection);
        Assert.Equal(new DateOnly(2026, 5, 1), docs[2].CommentsCloseOn);
    }

    [Fact]
    public void Timeline_GoesProposed_CommentsClose_Final_Correction_Effective()
    {
        var events = ArtefactTimeline.Build(Recorded());
        Assert.Equal(
            [("2026-03-02", "proposed"), ("2026-05-01", "comments-close"), ("2026-09-15", "final"), ("2026-09-29", "correction"), ("2026-10-15", "effective")],
            events.Select(e => (e.Date.ToString("yyyy-MM-dd"), e.Kind)));
        Assert.Equal("fr-doc:2026-20002", events.Single(e => e.Kind == "effective").DocumentId);
    }

    [Fact]
    public void Timeline_InterimFinal_ThenFinal_ThenAnAmendingRule()
    {
        FederalRegisterDocument Rule(string number, string date, string action) =>
            new(number, "Rule", "t", action, null, [], DateOnly.Parse(date), null, null, null, null, null, ["rin:0694-AA00"], [], [], null);
        var events = ArtefactTimeline.Build([Rule("2026-00300", "2026-06-01", "Final rule."), Rule("2026-00100", "2026-01-10", "Interim final rule; request for comments."),
            Rule("2026-00900", "2026-11-02", "Final rule.")]);
        Assert.Equal(["interim-final", "final", "amendment"], events.Select(e => e.Kind));
    }

    [Theory]
    [InlineData("BIS-2026-0042", "docket:BIS-2026-0042")]
    [InlineData("Docket No. 240905-0231", "docket:240905-0231")]
    [InlineData("Docket No. dot-ost-2024-0090", "docket:DOT-OST-2024-0090")]
    [InlineData("[Docket No. 220818–0172]", null)]
    [InlineData("Docket No. 220818–0172", "docket:220818-0172")]
    [InlineData("see the preamble", null)]
    public void Dockets_AreReadAsTheirIdentifier(string raw, string? expected) => Assert.Equal(expected, FederalRegisterDocument.Docket(raw));

    private const string Amendment = """
        PART 744—CONTROL POLICY
        2. Supplement No. 4 to part 744 is amended:
        a. Under CHINA, PEOPLE'S REPUBLIC OF, by adding in alphabetical order entries for “Harbour Lantern Computing Co., Ltd.” and “Qingshan Northfield Microsystems”; and
        b. Under UNITED ARAB EMIRATES, by revising the entry for "Dune Relay Trading FZE"; and
        c. Under RUSSIA, by removing the entry for “Oktava Components LLC”.
        The additions and revision read as follows:
        CHINA, PEOPLE'S REPUBLIC OF
        Harbour Lantern Computing Co., Ltd., a.k.a., the following two aliases:
        —Harbour Lantern Technology; and
        —HLC Intelligent Systems Co., Ltd.
        Unit 12, Example Road, Shenzhen, China.
        Qingshan Northfield Microsystems, Building 4, Sample Park, Wuxi, China.
        UNITED ARAB EMIRATES
        Dune Relay Trading FZE, a.k.a., the following one alias: —Dune Relay General Trading. Warehouse 7, Dubai.
        """;

    [Fact]
    public void EntityList_ReadsAdditionsRevisionsAndRemovals_WithCountryAndAliases()
    {
        var changes = EntityListChanges.Parse(Amendment);
        Assert.Equal(
            [("add", "Harbour Lantern Computing Co., Ltd.", "CHINA, PEOPLE'S REPUBLIC OF"), ("add", "Qingshan Northfield Microsystems", "CHINA, PEOPLE'S REPUBLIC OF"),
             ("revise", "Dune Relay Trading FZE", "UNITED ARAB EMIRATES"), ("remove", "Oktava Components LLC", "RUSSIA")],
            changes.Select(c => (c.Action, c.Entity, c.Country)));
        Assert.Equal(["Harbour Lantern Technology", "HLC Intelligent Systems Co., Ltd."], changes[0].Aliases);
        Assert.Empty(changes[1].Aliases);
        // on one line, the alias ends at its sentence: the address after it is not part of the name
        Assert.Equal(["Dune Relay General Trading"], changes[2].Aliases);
    }

    [Fact]
    public void EntityList_InlineAliases_EndAtTheCompanySuffix_NotTheAddress()
    {
        var text = """Supplement No. 4 to part 744 is amended by adding under IRAN, in alphabetical order, an entry for "Pardis Example Co." The addition reads as follows: Pardis Example Co., a.k.a., the following two aliases: —Pardis Trading Co. Ltd.; and —Example Pardis Ltd. No. 5, Sample Street, Tehran.""";
        var change = Assert.Single(EntityListChanges.Parse(text));
        Assert.Equal(("add", "IRAN"), (change.Action, change.Country));
        Assert.Equal(["Pardis Trading Co. Ltd.", "Example Pardis Ltd."], change.Aliases);
    }

    [Fact]
    public void EntityList_InstructionsEndWhereTheNextOneBegins()
    {
        var text = """
            2. Supplement No. 4 to part 744 is amended under RUSSIA by removing the entry for "Oktava Components LLC".
            3. Supplement No. 7 to part 744 is amended by adding under CHINA, in alphabetical order, an entry for "Example Military Unit 61398".
            4. Section 744.21 is amended by adding the words "or reexport" after the word "export".
            """;
        var change = Assert.Single(EntityListChanges.Parse(text));
        Assert.Equal(("remove", "Oktava Components LLC", "RUSSIA"), (change.Action, change.Entity, change.Country));
    }

    [Theory]
    [InlineData("The Entity List now has more than 900 Chinese entries; analysts expect additions under China soon, including \"Some Firm\".")]
    [InlineData("Supplement No. 4 to part 744 is amended by adding under China, in alphabetical order, eleven entities. The additions read as follows:")]
    [InlineData("")]
    public void EntityList_NoNamedAmendment_GivesNothingRatherThanAGuess(string text) => Assert.Empty(EntityListChanges.Parse(text));

    private static DeadlineCandidate Candidate(string id, string type, string? published, string? effective, string? comments, params string[] topics) =>
        new(id, "Rule " + id, type, null, published is null ? null : DateOnly.Parse(published), effective is null ? null : DateOnly.Parse(effective),
            comments is null ? null : DateOnly.Parse(comments), "https://example.org/" + id, topics)
        { NewInPeriod = published is not null && DateOnly.Parse(published) >= new DateOnly(2026, 10, 5) && type is "Rule" or "Proposed Rule" };

    [Fact]
    public void Deadlines_NextFourteenDays_ForTheSubscribersTopics_ThenNewRules()
    {
        var day = new DateOnly(2026, 10, 5);
        var candidates = new[]
        {
            Candidate("fr-doc:a", "Rule", "2026-09-15", "2026-10-15", null, "export-controls"),
            Candidate("fr-doc:b", "Proposed Rule", "2026-10-05", null, "2026-10-10", "export-controls", "chips-compute"),
            Candidate("fr-doc:c", "Rule", "2026-09-01", "2026-10-20", null, "export-controls"),      // beyond 14 days
            Candidate("fr-doc:d", "Rule", "2026-09-20", "2026-10-07", null, "defense-ai"),            // another topic
            Candidate("fr-doc:e", "Notice", "2026-10-04", "2026-10-06", null),                         // touches no topic
        };
        var lines = DigestBuilder.Deadlines(candidates, ["export-controls"], day);
        Assert.Equal([("fr-doc:b", "comments-close"), ("fr-doc:a", "effective"), ("fr-doc:b", "published")], lines.Select(l => (l.ArtefactId, l.Kind)));
        var all = DigestBuilder.Deadlines(candidates, [], day);
        Assert.Contains(all, l => l.ArtefactId == "fr-doc:d");
        Assert.DoesNotContain(all, l => l.ArtefactId is "fr-doc:c" or "fr-doc:e");
        // a correction's effective date is its rule's
        var correction = Candidate("fr-doc:f", "Rule", "2026-09-29", "2026-10-08", null, "export-controls") with { IsCorrection = true };
        Assert.Empty(DigestBuilder.Deadlines([correction], ["export-controls"], day));
    }

    [Fact]
    public void Deadlines_AreRendered_Encoded_InBothParts()
    {
        var model = new DigestModel("a@example.org", null, new DateOnly(2026, 10, 5), DateTimeOffset.Parse("2026-10-04T07:00:00Z"), DateTimeOffset.Parse("2026-10-05T07:00:00Z"), [], "https://pw.example/unsubscribe")
        {
            Deadlines = [new DigestDeadline(new DateOnly(2026, 10, 10), "comments-close", "Comments close", "fr-doc:b", "Rule <b>on</b> chips & \"things\"", "Proposed Rule", "https://example.org/b")],
        };
        var html = DigestRenderer.Html(model);
        Assert.Contains("Deadlines and new rules", html);
        Assert.Contains("10 Oct 2026 · Comments close", html);
        Assert.Contains("Rule &lt;b&gt;on&lt;/b&gt; chips &amp; &quot;things&quot;", html);
        Assert.DoesNotContain("<b>on</b>", html);
        Assert.Contains("10 Oct 2026 · Comments close: Rule <b>on</b> chips & \"things\" (Proposed Rule)", DigestRenderer.Text(model));
    }
}
