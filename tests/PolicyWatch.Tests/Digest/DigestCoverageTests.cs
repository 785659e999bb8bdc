using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PolicyWatch.Digest;
using PolicyWatch.Extract;
using PolicyWatch.Feeds;
using PolicyWatch.Model;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Digest;

/// <summary>
/// The digest guarantee, as a property over random scenarios: whatever the lag between publication and discovery,
/// the send times, time zones and delivery days, every matching article reaches exactly one digest of each
/// subscriber. Real PostgreSQL, real SMTP on loopback.
/// </summary>
[Collection("postgres")]
public sealed class DigestCoverageTests(PostgresFixture pg) : IAsyncLifetime
{
    private static readonly string[] Zones = ["UTC", "America/New_York", "Asia/Tokyo", "Europe/Berlin", "Australia/Sydney", "America/Los_Angeles"];
    private static readonly string[] Topics = ["export-controls", "open-weights", "chips-compute"];
    private SmtpSink _smtp = null!;
    private ServiceProvider _services = null!;
    private string _db = "";

    public async Task InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _db = await pg.CreateDatabaseAsync();
        _services = Pipeline.Services(_db, new Dictionary<string, string?>
        {
            ["Digest:SmtpHost"] = "127.0.0.1", ["Digest:SmtpPort"] = _smtp.Port.ToString(), ["Digest:SmtpSecurity"] = "None",
            ["Digest:SigningKey"] = "test-signing-key", ["Digest:SmtpTimeout"] = "00:00:05",
        });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Theory]
    [InlineData(11)]
    [InlineData(23)]
    [InlineData(37)]
    [InlineData(41)]
    [InlineData(59)]
    public async Task EveryMatchingArticle_ReachesExactlyOneDigest_WhateverItsLag(int seed)
    {
        var random = new Random(seed);
        var store = _services.GetRequiredService<Store>();
        var sender = _services.GetRequiredService<DigestSender>();
        await using var conn = new NpgsqlConnection(_db);
        var sourceId = await _services.AddSourceAsync(Pipeline.Source($"wire-{seed}", new Uri($"https://wire{seed}.example/rss")));

        var firstDay = new DateOnly(2026, 3, 20 + random.Next(0, 5)); // across the European and US DST changes
        const int days = 12;
        var subscribers = new List<Subscriber>();
        for (var k = 0; k < 3; k++)
        {
            var s = await store.UpsertSubscriberAsync(new Subscriber
            {
                Email = $"s{seed}-{k}@example.test", Topics = random.Next(3) == 0 ? [] : [Topics[random.Next(Topics.Length)], Topics[random.Next(Topics.Length)]],
                SendTime = new TimeOnly(random.Next(0, 24), random.Next(0, 4) * 15), TimeZone = Zones[random.Next(Zones.Length)],
                Frequency = random.Next(3) == 0 ? "weekdays" : "daily", SendEmpty = random.Next(2) == 0, MinScore = 0.5f,
            });
            subscribers.Add(s);
        }
        // subscriptions older than everything, so every article stored in the simulated weeks belongs to some digest
        await conn.ExecuteAsync("UPDATE subscribers SET created_at = '2026-01-01'");

        // articles stored at random times in the window, published any time from just before to three weeks before
        var windowStart = new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(2);
        var articles = new List<(long Id, string Topic)>();
        for (var i = 0; i < 60; i++)
        {
            var stored = windowStart.AddMinutes(random.Next(0, (days - 4) * 24 * 60));
            DateTimeOffset? published = random.Next(6) == 0 ? null : stored.AddMinutes(-random.Next(0, 21 * 24 * 60));
            var topic = Topics[random.Next(Topics.Length)];
            var url = new Uri($"https://wire{seed}.example/a/{i}");
            var id = (await store.RecordDiscoveredAsync(sourceId, [new FeedItem(url, $"Story {seed} number {i} about {topic}", null, null, null)])).NewIds.Single();
            await store.ClaimArticleAsync(id, TimeSpan.FromMinutes(1));
            await store.SaveProcessedAsync(id, url, new ExtractedArticle { Title = $"Story {seed} number {i} about {topic}", Body = "One sentence. Two sentences.", Published = published },
                [new TopicTag(topic, 0.9f, "m")]);
            await conn.ExecuteAsync("UPDATE articles SET fetched_at = @t, discovered_at = @t WHERE id = @id", new { t = stored.UtcDateTime, id });
            articles.Add((id, topic));
        }

        // every delivery day of every subscriber, in order, some of them twice (a retried or duplicated job)
        foreach (var s in subscribers)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(s.TimeZone);
            for (var d = 0; d < days + 2; d++)
            {
                var day = firstDay.AddDays(d);
                if (DigestSchedule.DueDate(DigestSchedule.SendInstant(day, s.SendTime, zone), s.SendTime, s.Frequency, zone) != day) continue;
                await sender.SendAsync(s.Id, day, default);
                if (random.Next(4) == 0) Assert.Equal(DigestOutcome.AlreadyHandled, await sender.SendAsync(s.Id, day, default));
            }
        }

        foreach (var s in subscribers)
        {
            var expected = articles.Where(a => s.Topics.Length == 0 || s.Topics.Contains(a.Topic)).Select(a => a.Id).Order().ToList();
            var carried = (await conn.QueryAsync<long>("SELECT article_id FROM digest_items WHERE subscriber_id = @id ORDER BY 1", new { id = s.Id })).ToList();
            Assert.Equal(expected, carried);
        }
        // and no article is listed in two digests of one subscriber
        var messages = await _smtp.MessagesAsync();
        foreach (var s in subscribers)
        {
            var listed = messages.Where(m => m.To.Mailboxes.Any(b => b.Address == s.Email))
                .SelectMany(m => System.Text.RegularExpressions.Regex.Matches(m.TextBody ?? "", $@"https://wire{seed}\.example/a/\d+").Select(x => x.Value).Distinct())
                .ToList();
            Assert.Equal(listed.Count, listed.Distinct().Count());
        }
    }

    [Fact]
    public async Task OldArticleFoundLate_IsCountedNotListed()
    {
        var store = _services.GetRequiredService<Store>();
        var sender = _services.GetRequiredService<DigestSender>();
        var sourceId = await _services.AddSourceAsync(Pipeline.Source("backfill", new Uri("https://backfill.example/rss")));
        var day = new DateOnly(2026, 11, 30);
        var s = await store.UpsertSubscriberAsync(new Subscriber { Email = "late@example.test", Topics = ["export-controls"], SendTime = new TimeOnly(7, 0), TimeZone = "UTC" });
        await using var conn = new NpgsqlConnection(_db);
        await conn.ExecuteAsync("UPDATE subscribers SET created_at = '2026-01-01'");
        var stored = new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
        foreach (var (n, published) in new[] { (0, stored.AddHours(-5)), (1, stored.AddDays(-40)), (2, stored.AddDays(-90)) })
        {
            var url = new Uri($"https://backfill.example/{n}");
            var id = (await store.RecordDiscoveredAsync(sourceId, [new FeedItem(url, $"Rule story {n}", null, null, null)])).NewIds.Single();
            await store.ClaimArticleAsync(id, TimeSpan.FromMinutes(1));
            await store.SaveProcessedAsync(id, url, new ExtractedArticle { Title = $"Licence rule story number {n}", Body = "One. Two.", Published = published }, [new TopicTag("export-controls", 0.9f, "m")]);
            await conn.ExecuteAsync("UPDATE articles SET fetched_at = @t WHERE id = @id", new { t = stored.UtcDateTime, id });
        }

        Assert.Equal(DigestOutcome.Sent, await sender.SendAsync(s.Id, day, default));

        var message = Assert.Single(await _smtp.MessagesAsync(), m => m.To.Mailboxes.Any(b => b.Address == "late@example.test"));
        Assert.Contains("https://backfill.example/0", message.TextBody);
        Assert.DoesNotContain("https://backfill.example/1", message.TextBody);
        Assert.Contains("+ 2 older articles found late (published more than 7 days before PolicyWatch found them)", message.TextBody);
        Assert.Equal(3L, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM digest_items WHERE subscriber_id = @id", new { id = s.Id }));
    }
}
