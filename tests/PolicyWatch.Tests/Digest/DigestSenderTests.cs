using Dapper;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Npgsql;
using PolicyWatch.Digest;
using PolicyWatch.Extract;
using PolicyWatch.Feeds;
using PolicyWatch.Model;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Digest;

/// <summary>Digests against real PostgreSQL and a real SMTP server on loopback.</summary>
[Collection("postgres")]
public sealed class DigestSenderTests(PostgresFixture pg) : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private ServiceProvider _services = null!;
    private string _db = "";
    private static readonly DateOnly Day = DateOnly.FromDateTime(DateTime.UtcNow);

    public async Task InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _db = await pg.CreateDatabaseAsync();
        _services = Pipeline.Services(_db, new Dictionary<string, string?>
        {
            ["Digest:SmtpHost"] = "127.0.0.1", ["Digest:SmtpPort"] = _smtp.Port.ToString(), ["Digest:SmtpSecurity"] = "None",
            ["Digest:SigningKey"] = "test-signing-key", ["Digest:BaseUrl"] = "https://pw.example", ["Digest:SmtpTimeout"] = "00:00:05",
        });
        var store = Store;
        var sourceId = await _services.AddSourceAsync(Pipeline.Source("wire", new Uri("https://wire.example/rss")));
        var published = DigestSchedule.SendInstant(Day, new TimeOnly(7, 0), TimeZoneInfo.Utc).AddHours(-3);
        var seeds = new[] { ("<script>alert(1)</script> & \"Entity List\" grows", "export-controls"), ("Open weights week", "open-weights") };
        for (var i = 0; i < seeds.Length; i++)
        {
            var url = new Uri($"https://wire.example/{i}");
            var id = (await store.RecordDiscoveredAsync(sourceId, [new FeedItem(url, seeds[i].Item1, null, null, null)])).NewIds.Single();
            await store.ClaimArticleAsync(id, TimeSpan.FromMinutes(1));
            await store.SaveProcessedAsync(id, url, new ExtractedArticle { Title = seeds[i].Item1, Body = "The first sentence. The second sentence.", Published = published },
                [new TopicTag(seeds[i].Item2, 0.9f, "m")]);
        }
        // digest periods are on the time an article was stored: inside today's period and in the past, whatever the hour the tests run
        await using var conn = new NpgsqlConnection(_db);
        var stored = DigestSchedule.SendInstant(Day.AddDays(-1), new TimeOnly(7, 0), TimeZoneInfo.Utc).AddMinutes(1);
        await conn.ExecuteAsync("UPDATE articles SET fetched_at = @t, discovered_at = @t", new { t = stored.UtcDateTime });
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private Store Store => _services.GetRequiredService<Store>();
    private DigestSender Sender => _services.GetRequiredService<DigestSender>();

    private Task<Subscriber> SubscribeAsync(string email, bool sendEmpty = false, params string[] topics) =>
        Store.UpsertSubscriberAsync(new Subscriber { Email = email, Name = "Ana", Topics = topics, SendTime = new TimeOnly(7, 0), TimeZone = "UTC", SendEmpty = sendEmpty });

    [Fact]
    public async Task Send_DeliversBothPartsWithHeadersAndEncodedText()
    {
        var s = await SubscribeAsync("ana@example.test");

        var outcome = await Sender.SendAsync(s.Id, Day, default);
        Assert.True(outcome == DigestOutcome.Sent, $"{outcome}: {(await Store.GetDeliveryAsync(s.Id, Day))?.Error}");

        var message = Assert.Single(await _smtp.MessagesAsync());
        Assert.Equal("ana@example.test", ((MailboxAddress)message.To[0]).Address);
        Assert.StartsWith($"PolicyWatch digest {Day:d MMM yyyy}: 2 articles in 2 topics", message.Subject);
        Assert.Equal(DigestSender.MessageId(s.Id, Day), message.MessageId);
        Assert.Contains("/unsubscribe?s=", message.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", message.Headers["List-Unsubscribe-Post"]);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Entity List&quot; grows", message.HtmlBody);
        Assert.DoesNotContain("<script>", message.HtmlBody);
        Assert.Contains("<script>alert(1)</script> & \"Entity List\" grows", message.TextBody);
    }

    [Fact]
    public async Task SavedSearch_IsASectionOfItsOwn_AndReplacesEveryTopicWhenAlone()
    {
        var user = await Store.CreateUserAsync("searcher", "a-long-password-1", "analyst");
        var search = await Store.SaveSearchAsync(user.Id, "Entity <watch>", """{"query":"q=\"entity list\""}""");
        var s = await Store.UpsertSubscriberAsync(new Subscriber { Email = "follower@example.test", SavedSearches = [search.Id], SendTime = new TimeOnly(7, 0) });

        Assert.Equal(DigestOutcome.Sent, await Sender.SendAsync(s.Id, Day, default));

        var message = Assert.Single(await _smtp.MessagesAsync());
        Assert.StartsWith($"PolicyWatch digest {Day:d MMM yyyy}: 1 article in 1 section", message.Subject);
        Assert.Contains("Saved search: Entity &lt;watch&gt;", message.HtmlBody);
        Assert.Contains("&quot;Entity List&quot; grows", message.HtmlBody);
        Assert.DoesNotContain("Open weights week", message.TextBody); // no topic sections: the subscriber chose a search only
    }

    [Fact]
    public async Task SavedSearches_UnknownIsRefused_DeletedIsDropped()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.UpsertSubscriberAsync(new Subscriber { Email = "ghost@example.test", SavedSearches = [987654] }));
        Assert.Null(await Store.FindSubscriberAsync("ghost@example.test"));

        var user = await Store.CreateUserAsync("keeper", "a-long-password-2", "analyst");
        var search = await Store.SaveSearchAsync(user.Id, "Chips", """{"query":"q=chips"}""");
        var s = await Store.UpsertSubscriberAsync(new Subscriber { Email = "keeper@example.test", Topics = ["open-weights"], SavedSearches = [search.Id] });
        Assert.Equal([search.Id], s.SavedSearches);

        var only = await Store.UpsertSubscriberAsync(new Subscriber { Email = "only-search@example.test", SavedSearches = [search.Id] });

        await Store.DeleteSavedSearchAsync(user.Id, search.Id);

        var kept = (await Store.GetSubscriberAsync(s.Id))!;
        Assert.Empty(kept.SavedSearches);
        Assert.True(kept.Active); // still has a topic
        var left = (await Store.GetSubscriberAsync(only.Id))!;
        Assert.False(left.Active); // had nothing else: paused, not switched to every topic
    }

    [Fact]
    public async Task RetriedAndConcurrentJobs_SendOnce()
    {
        var s = await SubscribeAsync("once@example.test");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Sender.SendAsync(s.Id, Day, default)));
        var again = await Sender.SendAsync(s.Id, Day, default);
        Assert.Equal(1, outcomes.Count(o => o == DigestOutcome.Sent));
        Assert.Equal(DigestOutcome.AlreadyHandled, again);
        Assert.Single(await _smtp.MessagesAsync());
    }

    [Fact]
    public async Task RecipientRejected_IsRecordedAndDoesNotBlockOthers()
    {
        var bad = await SubscribeAsync("rejected@example.test");
        var good = await SubscribeAsync("fine@example.test");
        Assert.Equal(DigestOutcome.Failed, await Sender.SendAsync(bad.Id, Day, default));
        Assert.Equal(DigestOutcome.Sent, await Sender.SendAsync(good.Id, Day, default));
        var delivery = await Store.GetDeliveryAsync(bad.Id, Day);
        Assert.Equal("failed", delivery!.Value.Status);
        Assert.Contains("550", delivery.Value.Error);
        Assert.Equal(DigestOutcome.AlreadyHandled, await Sender.SendAsync(bad.Id, Day, default)); // permanent: not retried
    }

    [Fact]
    public async Task SmtpDownThenUp_LaterSendSucceedsOnce()
    {
        var s = await SubscribeAsync("later@example.test");
        await _smtp.StopAsync();
        await Assert.ThrowsAsync<DigestRetryException>(() => Sender.SendAsync(s.Id, Day, default));
        Assert.Equal("sending", (await Store.GetDeliveryAsync(s.Id, Day))!.Value.Status);

        await _smtp.StartAgainAsync();
        Assert.Equal(DigestOutcome.Sent, await Sender.SendAsync(s.Id, Day, default));
        Assert.Single(await _smtp.MessagesAsync());
        Assert.Equal(2, (await Store.GetDeliveryAsync(s.Id, Day))!.Value.Attempts);
    }

    [Fact]
    public async Task EmptyPeriod_IsSkippedOrSentAsANote_AsTheSubscriberChose()
    {
        var skip = await SubscribeAsync("skip@example.test", false, "pax-silica");
        var note = await SubscribeAsync("note@example.test", true, "pax-silica");
        Assert.Equal(DigestOutcome.Skipped, await Sender.SendAsync(skip.Id, Day, default));
        Assert.Equal(DigestOutcome.Sent, await Sender.SendAsync(note.Id, Day, default));
        var message = Assert.Single(await _smtp.MessagesAsync());
        Assert.EndsWith("nothing new", message.Subject);
    }

    [Fact]
    public async Task Due_FindsSubscribersPastTheirSendTime_NotYetDelivered()
    {
        var s = await Store.UpsertSubscriberAsync(new Subscriber { Email = "due@example.test", SendTime = new TimeOnly(0, 0), TimeZone = "UTC" });
        Assert.Contains((s.Id, Day), await Sender.DueAsync(default));
        await Sender.SendAsync(s.Id, Day, default);
        Assert.DoesNotContain((s.Id, Day), await Sender.DueAsync(default));
    }
}
