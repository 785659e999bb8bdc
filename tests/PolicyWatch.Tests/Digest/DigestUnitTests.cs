using PolicyWatch.Digest;

namespace PolicyWatch.Tests.Digest;

public sealed class DigestUnitTests
{
    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    [Fact]
    public void SendInstant_SpringForwardGap_MovesToTheFirstValidMinute()
    {
        // 2026-03-08 02:30 does not exist in New York (clocks jump from 02:00 to 03:00 EDT)
        var at = DigestSchedule.SendInstant(new DateOnly(2026, 3, 8), new TimeOnly(2, 30), Zone("America/New_York"));
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero), at.ToUniversalTime());
    }

    [Fact]
    public void SendInstant_AutumnOverlap_TakesTheFirstOccurrence()
    {
        // 2026-10-25 01:30 happens twice in London; the first is still BST (+01:00)
        var at = DigestSchedule.SendInstant(new DateOnly(2026, 10, 25), new TimeOnly(1, 30), Zone("Europe/London"));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), at.ToUniversalTime());
    }

    [Fact]
    public void Period_WeekdaysOnMonday_CoversTheWeekendSinceFriday()
    {
        var (start, end) = DigestSchedule.Period(new DateOnly(2026, 11, 23), new TimeOnly(7, 0), "weekdays", Zone("Europe/Brussels"));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 6, 0, 0, TimeSpan.Zero), start.ToUniversalTime());
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero), end.ToUniversalTime());
    }

    [Fact]
    public void DueDate_LocalSendTimeAndWeekdays()
    {
        var tokyo = Zone("Asia/Tokyo");
        // 2026-11-23 21:59 UTC is 06:59 on the 24th in Tokyo: not yet; 22:00 UTC is 07:00: due for the 24th
        Assert.Null(DigestSchedule.DueDate(new DateTimeOffset(2026, 11, 23, 21, 59, 0, TimeSpan.Zero), new TimeOnly(7, 0), "daily", tokyo));
        Assert.Equal(new DateOnly(2026, 11, 24), DigestSchedule.DueDate(new DateTimeOffset(2026, 11, 23, 22, 0, 0, TimeSpan.Zero), new TimeOnly(7, 0), "daily", tokyo));
        Assert.Null(DigestSchedule.DueDate(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero), new TimeOnly(7, 0), "weekdays", tokyo)); // Saturday
    }

    private static DigestCandidate Candidate(long id, string title, string source, float score = 0.9f, string topic = "export-controls") =>
        new(id, topic, score, title, $"https://{source}.example/{id}", source, 1f, new DateTime(2026, 11, 22, 8, 0, 0, DateTimeKind.Utc), "First sentence here. Second one follows. A third. And a fourth that is cut.");

    [Fact]
    public void Sections_MergeSyndicatedCopies_AndRankByScore()
    {
        var sections = DigestBuilder.Sections(
            [Candidate(1, "Commerce adds 23 firms to Entity List", "wire", 0.7f), Candidate(2, "Commerce adds 23 firms to Entity List!", "paper", 0.95f),
             Candidate(3, "Another rule", "desk", 0.8f)],
            new Dictionary<string, string> { ["export-controls"] = "Export controls" }, DateTimeOffset.Parse("2026-11-23T07:00:00Z"),
            new Dictionary<string, (int, int)> { ["export-controls"] = (9, 4) });
        var s = Assert.Single(sections);
        Assert.Equal("Export controls", s.TopicName);
        Assert.Equal(2, s.Count);
        Assert.Equal((9, 4), (s.ThisWeek, s.PreviousWeek));
        Assert.Equal("paper", s.Items[0].Source);
        Assert.Equal(["wire"], s.Items[0].AlsoIn);
        Assert.Equal("First sentence here. Second one follows. A third.", s.Items[0].Excerpt);
    }

    [Fact]
    public void Render_EncodesEveryPieceOfArticleText()
    {
        const string title = "<script>alert('x')</script> Chips & \"quotes\" — مرحبا بالعالم";
        var item = new DigestItem(1, title, "https://x.example/a?b=1&c=2", "Source <b>bold</b>", null, "Excerpt with <img src=x onerror=alert(1)> & more", 0.9f, ["Other & Co"]);
        var model = new DigestModel("a@example.test", "Ana", new DateOnly(2026, 11, 23), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            [new DigestSection("export-controls", "Export controls", 1, 1, 0, [item])], "https://pw.example/unsubscribe?s=1&t=x");

        var html = DigestRenderer.Html(model);
        var text = DigestRenderer.Text(model);

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<b>bold", html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Chips &amp; &quot;quotes&quot;", html);
        Assert.Contains("مرحبا بالعالم", html);
        Assert.Contains("href=\"https://x.example/a?b=1&amp;c=2\"", html);
        Assert.Contains(title, text);
        Assert.Equal("PolicyWatch digest 23 Nov 2026: 1 article in 1 topic", DigestRenderer.Subject(model));
    }

    [Fact]
    public void SearchSection_KeepsTheSearchOrderAndTheCopiesItMerged()
    {
        DigestCandidate Hit(long id, string title, string source, params string[] also) =>
            new(id, "search-7", 0.5f, title, $"https://{source}.example/{id}", source, 1f, new DateTime(2026, 11, 22), "One. Two. Three. Four.") { AlsoIn = also };
        var hits = Enumerable.Range(1, 7).Select(i => Hit(i, $"Story number {i} of the day", "wire")).ToList();
        hits[0] = Hit(1, "Chip export rules widen", "wire", "herald", "wire");

        var section = DigestBuilder.SearchSection("search-7", "Saved search: chips", hits, 40, 12, 9);

        Assert.Equal([1L, 2, 3, 4, 5], section.Items.Select(i => i.ArticleId));
        Assert.Equal(["herald"], section.Items[0].AlsoIn);
        Assert.True(section.IsSavedSearch);
        Assert.Equal((40, 12, 9), (section.Count, section.ThisWeek, section.PreviousWeek));
        var model = new DigestModel("a@b.example", null, new DateOnly(2026, 11, 23), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, [section], "https://u.example");
        Assert.Equal("PolicyWatch digest 23 Nov 2026: 40 articles in 1 section", DigestRenderer.Subject(model));
    }

    [Fact]
    public void Stories_MergeSameTitlesWithinDays_NeverShortOrDistantOnes()
    {
        var day = new DateTime(2026, 11, 20, 12, 0, 0, DateTimeKind.Utc);
        var items = new (string Title, DateTime Date)[]
        {
            ("Allies sign the chip pact", day), ("ALLIES SIGN THE CHIP PACT!", day.AddDays(2)), ("Allies sign the chip pact", day.AddDays(9)),
            ("Press release", day), ("Press release", day),
        };

        var stories = PolicyWatch.Search.Stories.Group(items, i => i.Title, i => i.Date);

        Assert.Equal([2, 1, 1, 1], stories.Select(s => s.Count));
        Assert.Equal(day.AddDays(2), stories[0][1].Date);
    }

    [Fact]
    public void UnsubscribeToken_OnlyForItsSubscriber()
    {
        var token = UnsubscribeToken.Create(42, "key-1");
        Assert.True(UnsubscribeToken.Verify(42, token, "key-1"));
        Assert.False(UnsubscribeToken.Verify(43, token, "key-1"));
        Assert.False(UnsubscribeToken.Verify(42, token, "key-2"));
        Assert.False(UnsubscribeToken.Verify(42, null, "key-1"));
    }
}
