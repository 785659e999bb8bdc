using Dapper;
using PolicyWatch.Digest;

namespace PolicyWatch.Storage;

public sealed class Subscriber
{
    public long Id { get; init; }
    public string Email { get; init; } = "";
    public string? Name { get; init; }
    /// <summary>Topic sections. None, with no saved searches either, means every topic.</summary>
    public string[] Topics { get; init; } = [];
    /// <summary>Saved searches (ids), each a section of its own.</summary>
    public long[] SavedSearches { get; init; } = [];
    public float MinScore { get; init; } = 0.5f;
    public TimeOnly SendTime { get; init; } = new(7, 0);
    public string TimeZone { get; init; } = "UTC";
    public string Frequency { get; init; } = "daily";
    public bool SendEmpty { get; init; }
    public bool Active { get; init; } = true;
    /// <summary>When the subscription began (UTC): articles stored before it are not sent.</summary>
    public DateTime CreatedAt { get; init; }

    /// <summary>The rules every way of managing subscribers shares; the message says what is wrong.</summary>
    public Subscriber Validated()
    {
        // an address as the mail library reads it, and nothing else: no display name, markup or line breaks
        if (string.IsNullOrWhiteSpace(Email) || Email.Length > 320 || Email.Any(char.IsControl) || Email.Any(char.IsWhiteSpace)
            || !MimeKit.MailboxAddress.TryParse(Email, out var mailbox) || mailbox.Address != Email || mailbox.Name is { Length: > 0 }
            || Email.IndexOf('@') is var at && (at <= 0 || at == Email.Length - 1) || Email.IndexOfAny(['<', '>', '"', '(', ')', ',', ';', '\\']) >= 0)
            throw new ArgumentException("a valid email address is needed (name@example.org)");
        if (Name is not null && Name.Any(char.IsControl)) throw new ArgumentException("the name has control characters");
        try { TimeZoneInfo.FindSystemTimeZoneById(TimeZone); }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { throw new ArgumentException($"'{TimeZone}' is not an IANA time zone"); }
        if (Frequency is not ("daily" or "weekdays")) throw new ArgumentException("frequency must be daily or weekdays");
        if (MinScore is < 0 or > 1 || float.IsNaN(MinScore)) throw new ArgumentException("the minimum score must be between 0 and 1");
        if (Name is { Length: > 200 }) throw new ArgumentException("the name is longer than 200 characters");
        return this;
    }
}

public sealed record DeliveryClaim(long SubscriberId, DateOnly PeriodDate, int Attempts);

public sealed partial class Store
{

    /// <summary>Adds or updates by email, with its saved searches; an unknown saved search is an ArgumentException.</summary>
    public async Task<Subscriber> UpsertSubscriberAsync(Subscriber s, CancellationToken ct = default)
    {
        s.Validated();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var id = await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO subscribers (email, name, topics, min_score, send_time, time_zone, frequency, send_empty, active)
            VALUES (@Email, @Name, @Topics, @MinScore, @SendTime, @TimeZone, @Frequency, @SendEmpty, @Active)
            ON CONFLICT (email) DO UPDATE SET name = excluded.name, topics = excluded.topics, min_score = excluded.min_score,
                send_time = excluded.send_time, time_zone = excluded.time_zone, frequency = excluded.frequency,
                send_empty = excluded.send_empty, active = excluded.active
            RETURNING id
            """, new { s.Email, s.Name, s.Topics, s.MinScore, SendTime = s.SendTime.ToTimeSpan(), s.TimeZone, s.Frequency, s.SendEmpty, s.Active }, tx, cancellationToken: ct));
        var searches = s.SavedSearches.Distinct().ToArray();
        var known = await conn.QueryAsync<long>(new CommandDefinition("SELECT id FROM saved_searches WHERE id = ANY(@searches)", new { searches }, tx, cancellationToken: ct));
        if (searches.Except(known).ToList() is { Count: > 0 } missing)
            throw new ArgumentException($"no saved search {string.Join(", ", missing)}");
        await conn.ExecuteAsync(new CommandDefinition("""
            DELETE FROM subscriber_searches WHERE subscriber_id = @id AND saved_search_id <> ALL(@searches);
            INSERT INTO subscriber_searches (subscriber_id, saved_search_id) SELECT @id, unnest(@searches) ON CONFLICT DO NOTHING;
            """, new { id, searches }, tx, cancellationToken: ct));
        var saved = await conn.QuerySingleAsync<Subscriber>(new CommandDefinition($"SELECT {SubscriberColumns} FROM subscribers WHERE id = @id", new { id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return saved;
    }

    private const string SubscriberColumns = "id, email, name, topics, min_score AS minscore, send_time AS sendtime, time_zone AS timezone, frequency, send_empty AS sendempty, active, created_at AS createdat, " +
        "ARRAY(SELECT saved_search_id FROM subscriber_searches ss WHERE ss.subscriber_id = subscribers.id ORDER BY 1) AS savedsearches";

    /// <summary>A saved search by id, whoever saved it (digests read it for their subscribers).</summary>
    public async Task<SavedSearch?> GetSavedSearchAsync(long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<SavedSearch>(new CommandDefinition(
            "SELECT id, name, query::text AS queryjson, created_at AS createdat, last_seen_at AS lastseenat FROM saved_searches WHERE id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<Subscriber>> ListSubscribersAsync(bool activeOnly = false, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Subscriber>(new CommandDefinition(
            $"SELECT {SubscriberColumns} FROM subscribers WHERE (NOT @activeOnly OR active) ORDER BY email", new { activeOnly }, cancellationToken: ct))).ToList();
    }

    public async Task<Subscriber?> GetSubscriberAsync(long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Subscriber>(new CommandDefinition($"SELECT {SubscriberColumns} FROM subscribers WHERE id = @id", new { id }, cancellationToken: ct));
    }

    public async Task<Subscriber?> FindSubscriberAsync(string email, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<Subscriber>(new CommandDefinition($"SELECT {SubscriberColumns} FROM subscribers WHERE email = @email", new { email }, cancellationToken: ct));
    }

    public async Task<bool> RemoveSubscriberAsync(string email, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("DELETE FROM subscribers WHERE email = @email", new { email }, cancellationToken: ct)) > 0;
    }

    public async Task<bool> DeactivateSubscriberAsync(long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("UPDATE subscribers SET active = false WHERE id = @id AND active", new { id }, cancellationToken: ct)) > 0;
    }

    public async Task<bool> DeliveryExistsAsync(long subscriberId, DateOnly day, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM digest_deliveries WHERE subscriber_id = @subscriberId AND period_date = @day)",
            new { subscriberId, day = day.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct));
    }

    /// <summary>
    /// Takes the (subscriber, day) delivery for this worker: a new row, or one whose earlier attempt failed temporarily
    /// and whose lease ran out. Null when it is sent, skipped, failed for good, or another worker holds it.
    /// </summary>
    public async Task<DeliveryClaim?> ClaimDeliveryAsync(long subscriberId, DateOnly day, TimeSpan lease, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var attempts = await conn.QuerySingleOrDefaultAsync<int?>(new CommandDefinition("""
            INSERT INTO digest_deliveries (subscriber_id, period_date, status, attempts, claimed_until)
            VALUES (@subscriberId, @day, 'sending', 1, now() + @lease)
            ON CONFLICT (subscriber_id, period_date) DO UPDATE SET attempts = digest_deliveries.attempts + 1, claimed_until = now() + @lease
            WHERE digest_deliveries.status = 'sending' AND digest_deliveries.claimed_until < now()
            RETURNING attempts
            """, new { subscriberId, day = day.ToDateTime(TimeOnly.MinValue), lease }, cancellationToken: ct));
        return attempts is { } n ? new DeliveryClaim(subscriberId, day, n) : null;
    }

    public async Task FinishDeliveryAsync(long subscriberId, DateOnly day, string status, int articles, string? messageId, string? error,
        DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE digest_deliveries SET status = @status, articles = @articles, message_id = @messageId, error = @error, claimed_until = NULL,
                period_start = @start, period_end = @end, sent_at = CASE WHEN @status = 'sent' THEN now() END
            WHERE subscriber_id = @subscriberId AND period_date = @day
            """, new { subscriberId, day = day.ToDateTime(TimeOnly.MinValue), status, articles, messageId, error, start = start.UtcDateTime, end = end.UtcDateTime }, cancellationToken: ct));
    }

    /// <summary>Releases a delivery after a temporary failure so a retry can take it at once.</summary>
    public async Task ReleaseDeliveryAsync(long subscriberId, DateOnly day, string error, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            UPDATE digest_deliveries SET claimed_until = now() - interval '1 second', error = @error
            WHERE subscriber_id = @subscriberId AND period_date = @day AND status = 'sending'
            """, new { subscriberId, day = day.ToDateTime(TimeOnly.MinValue), error }, cancellationToken: ct));
    }

    public async Task<(string Status, string? Error, int Attempts)?> GetDeliveryAsync(long subscriberId, DateOnly day, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<(string, string?, int)?>(new CommandDefinition(
            "SELECT status, error, attempts FROM digest_deliveries WHERE subscriber_id = @subscriberId AND period_date = @day",
            new { subscriberId, day = day.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct));
    }

    /// <summary>
    /// A subscriber's topic-section candidates for the digest of <paramref name="day"/>: processed articles stored
    /// (fetched, else found) in [<paramref name="since"/>, <paramref name="end"/>), tagged with one of the topics at
    /// the minimum score or above, and not carried by another of this subscriber's digests. Whenever an article was
    /// published, it lands in the digest after it was stored; a retry of the same day gets the same articles.
    /// </summary>
    public async Task<IReadOnlyList<DigestCandidate>> DigestCandidatesAsync(long subscriberId, DateOnly day, string[] topics, float minScore,
        DateTimeOffset since, DateTimeOffset end, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DigestCandidate>(new CommandDefinition("""
            SELECT a.id AS articleid, t.topic, t.score, a.title, a.canonical_url AS url, s.name AS source, s.weight AS sourceweight,
                   a.published_at AS published, left(coalesce(nullif(a.description, ''), a.body), 600) AS excerpt,
                   coalesce(a.fetched_at, a.discovered_at) AS stored
            FROM articles a JOIN article_topics t ON t.article_id = a.id JOIN sources s ON s.id = a.source_id
            WHERE coalesce(a.fetched_at, a.discovered_at) >= @since AND coalesce(a.fetched_at, a.discovered_at) < @end
              AND a.status = 'processed' AND (cardinality(@topics) = 0 OR t.topic = ANY(@topics)) AND t.score >= @minScore
              AND NOT EXISTS (SELECT 1 FROM digest_items d WHERE d.subscriber_id = @subscriberId AND d.article_id = a.id AND d.period_date <> @day)
            ORDER BY t.topic, t.score DESC
            LIMIT 20000
            """, new { subscriberId, day = day.ToDateTime(TimeOnly.MinValue), topics, minScore, since = since.UtcDateTime, end = end.UtcDateTime }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>Whether any digest of this subscriber has recorded what it carried (none yet: the first digest after an upgrade, which must not look back).</summary>
    public async Task<bool> HasDigestItemsAsync(long subscriberId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM digest_items WHERE subscriber_id = @subscriberId)", new { subscriberId }, cancellationToken: ct));
    }

    /// <summary>
    /// Marks a digest sent and records the articles it carried (listed or counted) in one transaction, so no later
    /// digest of this subscriber repeats them and a failure leaves neither half done.
    /// </summary>
    public async Task FinishSentDeliveryAsync(long subscriberId, DateOnly day, int articles, string messageId, DateTimeOffset start, DateTimeOffset end,
        IReadOnlyCollection<long> articleIds, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO digest_items (subscriber_id, article_id, period_date)
            SELECT @subscriberId, id, @day FROM unnest(@ids::bigint[]) AS id
            ON CONFLICT (subscriber_id, article_id) DO NOTHING;
            UPDATE digest_deliveries SET status = 'sent', articles = @articles, message_id = @messageId, error = NULL, claimed_until = NULL,
                period_start = @start, period_end = @end, sent_at = now()
            WHERE subscriber_id = @subscriberId AND period_date = @day;
            """, new
        {
            subscriberId, day = day.ToDateTime(TimeOnly.MinValue), ids = articleIds.ToArray(), articles, messageId, start = start.UtcDateTime, end = end.UtcDateTime,
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>Drops the record of digests older than <paramref name="before"/>: no candidate query looks that far back.</summary>
    public async Task<int> PruneDigestItemsAsync(DateOnly before, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("DELETE FROM digest_items WHERE period_date < @before",
            new { before = before.ToDateTime(TimeOnly.MinValue) }, cancellationToken: ct));
    }

    public async Task<IReadOnlyDictionary<string, (int ThisWeek, int PreviousWeek)>> WeeklyTopicCountsAsync(DateTimeOffset end, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Topic, int ThisWeek, int PreviousWeek)>(new CommandDefinition("""
            SELECT t.topic,
                   count(*) FILTER (WHERE t.sort_date >= @weekAgo)::int,
                   count(*) FILTER (WHERE t.sort_date < @weekAgo)::int
            FROM article_topics t JOIN articles a ON a.id = t.article_id
            WHERE a.status = 'processed' AND t.sort_date >= @twoWeeksAgo AND t.sort_date < @end
            GROUP BY t.topic
            """, new { end = end.UtcDateTime, weekAgo = end.AddDays(-7).UtcDateTime, twoWeeksAgo = end.AddDays(-14).UtcDateTime }, cancellationToken: ct));
        return rows.ToDictionary(r => r.Topic, r => (r.ThisWeek, r.PreviousWeek));
    }
}
