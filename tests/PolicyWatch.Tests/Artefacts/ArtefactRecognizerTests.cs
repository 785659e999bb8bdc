using System.Text;
using System.Text.Json;
using PolicyWatch.Artefacts;

namespace PolicyWatch.Tests.Artefacts;

public sealed class ArtefactRecognizerTests
{
    /// <summary>
    /// The expected references of <paramref name="text"/>: each entry is <c>surface|id</c>, or <c>surface@n|id</c> for the
    /// n-th (0-based) occurrence of the surface; the offsets are those of that occurrence.
    /// </summary>
    private static (string Id, int Start, int End)[] Expected(string text, string[] entries)
    {
        var result = new List<(string Id, int Start, int End)>();
        foreach (var entry in entries)
        {
            var bar = entry.LastIndexOf('|');
            var surface = entry[..bar];
            var id = entry[(bar + 1)..];
            var occurrence = 0;
            var at = surface.LastIndexOf('@');
            if (at > 0 && int.TryParse(surface[(at + 1)..], out var n)) { occurrence = n; surface = surface[..at]; }
            var start = -1;
            for (var i = 0; i <= occurrence; i++)
            {
                start = text.IndexOf(surface, start + 1, StringComparison.Ordinal);
                if (start < 0) throw new ArgumentException($"'{surface}' (occurrence {occurrence}) not in test text");
            }
            result.Add((id, start, start + surface.Length));
        }
        return result.OrderBy(r => r.Start).ToArray();
    }

    private static (string Id, int Start, int End)[] Actual(string text) =>
        ArtefactRecognizer.Recognize(text).Select(r => (r.Id, r.Start, r.End)).ToArray();

    [Theory]
    // Federal Register document numbers: only after FR Doc. / Doc. / document number / No. (with FR context) or in URLs
    [InlineData("[FR Doc. 2025-01473 Filed 1-15-25; 8:45 am]", "2025-01473|fr-doc:2025-01473")]
    [InlineData("Document Number: 2025-04567\nDocument Citation: 90 FR 13288", "2025-04567|fr-doc:2025-04567", "90 FR 13288|fr-cite:90-13288")]
    [InlineData("Read it at https://www.federalregister.gov/documents/2025/01/15/2025-00636/framework-for-ai-diffusion today.", "2025-00636|fr-doc:2025-00636")]
    [InlineData("See https://www.federalregister.gov/d/2024-29329 for the text.", "2024-29329|fr-doc:2024-29329")]
    [InlineData("The notice (Federal Register No. 2025-04412) sets a hearing date.", "2025-04412|fr-doc:2025-04412")]
    // Federal Register citations
    [InlineData("The rule appears at 90 FR 8312 and at 89 Fed. Reg. 96790.", "90 FR 8312|fr-cite:90-8312", "89 Fed. Reg. 96790|fr-cite:89-96790")]
    [InlineData("The notice, 90 FR 1230, 1241, explains the change; see also 89 FR 60,017.", "90 FR 1230|fr-cite:90-1230", "89 FR 60,017|fr-cite:89-60017")]
    // CFR parts and sections, with the EAR read as 15 CFR parts 730-774
    [InlineData("Under 15 CFR 744.21 and 15 C.F.R. § 744.22, licences are needed.", "15 CFR 744.21|cfr:15-744.21", "15 C.F.R. § 744.22|cfr:15-744.22")]
    [InlineData("The rule amends 15 CFR part 744 and 31 CFR Part 589.", "15 CFR part 744|cfr:15-744", "31 CFR Part 589|cfr:31-589")]
    [InlineData("BIS cited 15 CFR 744.23(a)(2) in its denial.", "15 CFR 744.23|cfr:15-744.23")]
    [InlineData("This rule amends Supplement No. 4 to part 744 of the EAR.", "part 744 of the EAR|cfr:15-744")]
    [InlineData("The rules in § 744.23(a)(2) of the EAR and section 744.6 of the EAR apply.", "§ 744.23(a)(2) of the EAR|cfr:15-744.23", "section 744.6 of the EAR|cfr:15-744.6")]
    [InlineData("15 CFR Parts 740, 744, and 748", "15 CFR Parts 740|cfr:15-740", "744|cfr:15-744", "748|cfr:15-748")]
    [InlineData("Under parts 742 and 744 of the EAR, applications face a presumption of denial.", "parts 742|cfr:15-742", "744|cfr:15-744")]
    [InlineData("New requirements apply under EAR § 744.23 from today.", "EAR § 744.23|cfr:15-744.23")]
    // RINs and regulations.gov dockets
    [InlineData("Docket No. 241204-0312\nRIN 0694-AJ94", "0694-AJ94|rin:0694-AJ94")]
    [InlineData("The rules are listed under RINs 0694-AJ55 and 0694-AJ56.", "0694-AJ55|rin:0694-AJ55", "0694-AJ56|rin:0694-AJ56")]
    [InlineData("Comment under docket number BIS-2025-0007 or at regulations.gov.", "BIS-2025-0007|docket:BIS-2025-0007")]
    [InlineData("EPA's docket is EPA-HQ-OAR-2021-0317.", "EPA-HQ-OAR-2021-0317|docket:EPA-HQ-OAR-2021-0317")]
    // ECCNs: the five characters, without the paragraph
    [InlineData("Items in ECCN 3A090.a need a licence, and 4A090.b covers computers.", "3A090|eccn:3A090", "4A090|eccn:4A090")]
    [InlineData("Transshipments of 4A090/3A090 items and 0Y521 items are under export review.", "4A090|eccn:4A090", "3A090|eccn:3A090", "0Y521|eccn:0Y521")]
    [InlineData("Shipments of 4A090-controlled chips now need an export licence.", "4A090|eccn:4A090")]
    // Executive orders
    [InlineData("Executive Order 14110 was revoked by E.O. 14148.", "Executive Order 14110|eo:14110", "E.O. 14148|eo:14148")]
    [InlineData("The DOJ rule implements EO 14117 and Executive Order No. 14034.", "EO 14117|eo:14117", "Executive Order No. 14034|eo:14034")]
    [InlineData("Executive Order (E.O.) 13873 declared a national emergency.", "Executive Order (E.O.) 13873|eo:13873")]
    [InlineData("The program rests on Executive Orders 13873, 14034 and 14117.", "Executive Orders 13873|eo:13873", "14034|eo:14034", "14117|eo:14117")]
    // Bills, with the Congress when the text gives it
    [InlineData("Representative Moolenaar introduced H.R. 3447 in the 119th Congress.", "H.R. 3447|bill:119-hr-3447")]
    [InlineData("H.R.9029, the Stop Stealing Our Chips Act, cleared committee.", "H.R.9029|bill:hr-9029")]
    [InlineData("The Chip Security Act (S. 1705) would require location checks.", "S. 1705|bill:s-1705")]
    [InlineData("A companion, S.1234, was referred to the Senate Banking Committee.", "S.1234|bill:s-1234")]
    [InlineData("H.Res. 12 passed, and S. Res. 45 (119th) is pending.", "H.Res. 12|bill:hres-12", "S. Res. 45|bill:119-sres-45")]
    // MOFCOM announcements
    [InlineData("Under MOFCOM Announcement No. 62 of 2025, exporters need a licence.", "MOFCOM Announcement No. 62 of 2025|mofcom:2025-62")]
    [InlineData("China's Ministry of Commerce on Thursday published Announcement No. 61 of 2025.", "Announcement No. 61 of 2025|mofcom:2025-61")]
    [InlineData("It is titled Announcement No. 18 [2025] of the Ministry of Commerce.", "Announcement No. 18 [2025] of the Ministry of Commerce|mofcom:2025-18")]
    [InlineData("根据商务部公告2025年第61号，相关物项出口应当申请许可。", "商务部公告2025年第61号|mofcom:2025-61")]
    [InlineData("The suspended measures include Ministry of Commerce Announcements No. 61 and 62 of 2025.", "Ministry of Commerce Announcements No. 61|mofcom:2025-61", "62|mofcom:2025-62")]
    // named initiative and lists
    [InlineData("Eight partners signed the Pax Silica declaration.", "Pax Silica|initiative:pax-silica")]
    [InlineData("Nine parties moved from the Unverified List to the Entity List.", "Unverified List|list:unverified-list", "Entity List|list:entity-list")]
    [InlineData("Beijing added six U.S. firms to its Unreliable Entity List.", "Unreliable Entity List|list:unreliable-entity-list")]
    [InlineData("China's commerce ministry put them on the unreliable entity list, barring trade with China.", "unreliable entity list|list:unreliable-entity-list")]
    public void Recognize_FindsEachKind(string text, params string[] expected)
    {
        Assert.Equal(Expected(text, expected), Actual(text));
    }

    [Theory]
    // ECCN-shaped strings inside part and model numbers, hex values and alphanumeric runs
    [InlineData("Export controls aside, the RTX 4A090X card and part SKU-3A090-B ship this quarter.")]
    [InlineData("Firmware 3A0901 fixes the X3A090 controller; export classification is pending.")]
    [InlineData("The part number 4A090a1b2 and colour #3A090F are not export classifications.")]
    [InlineData("Model numbers such as 3A090-X and 3A090-B2 are used for cooling modules, not export control.")]
    [InlineData("Rare-earth separation technologies (Control Code: 1E902.a) need an export licence.")]
    [InlineData("Lutnick signed the order in room 3A090 of the Hoover Building.")]
    // year ranges, bare numbers, phone numbers, prices
    [InlineData("Fiscal years 2025-2026 bring cuts of 4.5%, says the 2024-2025 report.")]
    [InlineData("The lawsuit, Case No. 2025-10231, was filed on Tuesday.")]
    [InlineData("The version 2025-12345 build fixes the installer crash.")]
    [InlineData("Doc. 2025-1234 and Doc. 2025-123456 have the wrong number of digits.")]
    [InlineData("Call 202-482-4811 or +1 (202) 482-2000; shares rose 4.09% to $40.90.")]
    // not bills
    [InlineData("S. Korea's chip exports rose 12.5% in November.")]
    [InlineData("Section 5.2 of the agreement covers disputes; see Figure S. 3 for the results.")]
    [InlineData("S. 2025 will be remembered as the year of AI agents, the keynote speaker said.")]
    [InlineData("On page S. 4412 of the Congressional Record, Senator Warner spoke on chips.")]
    [InlineData("The HR 2025 summit in Chicago drew 1,200 human-resources professionals.")]
    // not dockets, CFR references or executive orders
    [InlineData("Please quote invoice INV-2025-0042 and purchase order PO-2025-0117.")]
    [InlineData("Docket No. 250109-0001 holds the proposed rule; Docket No. 2025-0012 has no agency.")]
    [InlineData("One comment, BIS-2025-0012-0045, asked for more time.")]
    [InlineData("The EAR (15 CFR parts 730 through 774) were issued under ECRA; see also 15 C.F.R. §§ 744.21-744.23.")]
    [InlineData("The EO 2025 Earth observation conference and the governor's Executive Order 2025-03 are unrelated.")]
    [InlineData("He told the CEO 14 times that the deal was off.")]
    // not MOFCOM announcements, initiatives or lists
    [InlineData("The market regulator's Announcement No. 3 of 2025 concerns toy labelling.")]
    [InlineData("Pax Americana rested on naval supremacy.")]
    [InlineData("An unverified list of alleged targets circulated on Sunday.")]
    [InlineData("An entity list of approved vendors was posted; update your entity listings.")]
    public void Recognize_IgnoresLookalikes(string text)
    {
        Assert.Empty(ArtefactRecognizer.Recognize(text));
    }

    [Fact]
    public void Recognize_ReportsOffsetsKindAndText()
    {
        const string text = "BIS added 11 firms to the Entity List (90 FR 8312) under 15 CFR part 744.";

        var refs = ArtefactRecognizer.Recognize(text);

        Assert.Equal(
            new[]
            {
                new ArtefactReference("list:entity-list", "list", 26, 37, "Entity List"),
                new ArtefactReference("fr-cite:90-8312", "fr-cite", 39, 49, "90 FR 8312"),
                new ArtefactReference("cfr:15-744", "cfr", 57, 72, "15 CFR part 744"),
            },
            refs);
    }

    [Fact]
    public void Recognize_UnreliableEntityList_IsNotAlsoTheEntityList()
    {
        var refs = ArtefactRecognizer.Recognize("China's Unreliable Entity List and the U.S. Entity List differ.");

        Assert.Equal(
            new[] { ("list:unreliable-entity-list", 8, 30), ("list:entity-list", 44, 55) },
            refs.Select(r => (r.Id, r.Start, r.End)).ToArray());
    }

    [Fact]
    public void Recognize_CongressFarAway_IsNotAttached()
    {
        var text = "The idea was first floated in the 118th Congress but died in committee. " + new string('x', 220)
            + " Separately, S. 2181 would require licences for remote access under the new Act.";

        var bill = Assert.Single(ArtefactRecognizer.Recognize(text));

        Assert.Equal("bill:s-2181", bill.Id);
        Assert.Equal(text.IndexOf("S. 2181", StringComparison.Ordinal), bill.Start);
    }

    [Fact]
    public void Recognize_CongressInCapitals_IsAttached()
    {
        var refs = ArtefactRecognizer.Recognize("119th CONGRESS\n1st Session\nH. R. 3447\nTo require standards.");

        var bill = Assert.Single(refs);
        Assert.Equal(("bill:119-hr-3447", 27, 37), (bill.Id, bill.Start, bill.End));
    }

    [Fact]
    public void Recognize_EmptyText_IsEmpty_AndNullThrows()
    {
        Assert.Empty(ArtefactRecognizer.Recognize(""));
        Assert.Throws<ArgumentNullException>(() => ArtefactRecognizer.Recognize(null!));
    }

    [Fact]
    public void Recognize_ResultIsSortedAndHasNoOverlaps()
    {
        var text = string.Join(" ", Enumerable.Repeat(
            "Under 15 CFR 744.21, MOFCOM Announcement No. 61 of 2025, H.R. 3447 (119th), ECCN 3A090.a, RIN 0694-AJ12 and "
            + "Executive Orders 14110 and 14148, the Unreliable Entity List and Pax Silica were discussed.", 3));

        var refs = ArtefactRecognizer.Recognize(text);

        Assert.Equal(27, refs.Count);
        for (var i = 1; i < refs.Count; i++) Assert.True(refs[i - 1].End <= refs[i].Start, $"{refs[i - 1]} overlaps {refs[i]}");
        Assert.All(refs, r => Assert.Equal(text[r.Start..r.End], r.Text));
        Assert.All(refs, r => Assert.StartsWith(r.Kind + ":", r.Id, StringComparison.Ordinal));
    }

    [Fact]
    public void AdversarialText_GivesOrderedNonOverlappingReferences()
    {
        // speed is measured by `policywatch bench artefacts`, never here; this checks that such inputs stay well-formed
        foreach (var unit in new[] { "S. 1 ", "parts 730, ", "15 CFR ", "Announcement No. 1 ", "3A090/", "the entity list ", "No. No. ", "Executive Orders 14110, ", "商务部" })
        {
            var input = string.Concat(Enumerable.Repeat(unit, 5000 / unit.Length));
            var refs = ArtefactRecognizer.Recognize(input);
            for (var i = 1; i < refs.Count; i++) Assert.True(refs[i - 1].End <= refs[i].Start, $"{unit}: {refs[i - 1]} overlaps {refs[i]}");
            Assert.All(refs, r => Assert.Equal(input[r.Start..r.End], r.Text));
        }
    }

    [Fact]
    public void ShippedLabelledSet_MeetsPrecisionAndRecallTargets()
    {
        string? path = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && path is null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PolicyWatch.sln"))) path = Path.Combine(dir.FullName, "models", "artefacts", "labelled.jsonl");
        Assert.NotNull(path);

        int gold = 0, predicted = 0, correct = 0, passages = 0;
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var text = doc.RootElement.GetProperty("text").GetString()!;
            var expected = doc.RootElement.GetProperty("artefacts").EnumerateArray()
                .Select(a => (a.GetProperty("id").GetString()!, a.GetProperty("start").GetInt32(), a.GetProperty("end").GetInt32()))
                .ToHashSet();
            var actual = Actual(text).ToHashSet();
            passages++;
            gold += expected.Count;
            predicted += actual.Count;
            correct += actual.Count(expected.Contains);
        }

        Assert.True(passages >= 150, $"only {passages} passages");
        Assert.True(correct >= 0.98 * predicted, $"precision {correct}/{predicted}");
        Assert.True(correct >= 0.95 * gold, $"recall {correct}/{gold}");
    }
}
