using Dapper;
using Npgsql;
using PolicyWatch.Auth;

namespace PolicyWatch.Storage;

public sealed record User(long Id, string Username, string Role);

public sealed record ApiKeyInfo(long Id, string Username, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <param name="LastSeenAt">When its owner last ran it; matches found since are "new".</param>
public sealed record SavedSearch(long Id, string Name, string QueryJson, DateTime CreatedAt, DateTime LastSeenAt)
{
    /// <summary>The query string it runs (q=...&amp;topic=...).</summary>
    public string Query
    {
        get
        {
            using var json = System.Text.Json.JsonDocument.Parse(QueryJson);
            return json.RootElement.TryGetProperty("query", out var q) ? q.GetString() ?? "" : "";
        }
    }
}

public sealed partial class Store
{
    public async Task<User> CreateUserAsync(string username, string password, string role, CancellationToken ct = default)
    {
        if (!Roles.All.Contains(role)) throw new ArgumentException($"role must be one of {string.Join(", ", Roles.All)}");
        if (password.Length < 10) throw new ArgumentException("the password must have at least 10 characters");
        if (string.IsNullOrWhiteSpace(username) || username.Length > 100) throw new ArgumentException("a user name of 1 to 100 characters is needed");
        await using var conn = await db.OpenConnectionAsync(ct);
        try
        {
            var id = await conn.QuerySingleAsync<long>(new CommandDefinition(
                "INSERT INTO users (username, password_hash, role) VALUES (@username, @hash, @role) RETURNING id",
                new { username, hash = Secrets.HashPassword(password), role }, cancellationToken: ct));
            return new User(id, username, role);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ArgumentException($"user '{username}' exists already");
        }
    }

    /// <summary>The user when the password is right; null otherwise (an unknown name costs the same time as a wrong password).</summary>
    public async Task<User?> VerifyUserAsync(string username, string password, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(long Id, string Username, string Role, string PasswordHash)?>(new CommandDefinition(
            "SELECT id, username, role, password_hash FROM users WHERE username = @username", new { username }, cancellationToken: ct));
        var ok = Secrets.VerifyPassword(password, row?.PasswordHash ?? DummyHash);
        return ok && row is { } r ? new User(r.Id, r.Username, r.Role) : null;
    }

    private static readonly string DummyHash = Secrets.HashPassword(Guid.NewGuid().ToString());

    public async Task<IReadOnlyList<User>> ListUsersAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<User>(new CommandDefinition("SELECT id, username, role FROM users ORDER BY username", cancellationToken: ct))).ToList();
    }

    public async Task<bool> RemoveUserAsync(string username, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition("DELETE FROM users WHERE username = @username", new { username }, cancellationToken: ct)) > 0;
    }

    public async Task<bool> ResetPasswordAsync(string username, string password, CancellationToken ct = default)
    {
        if (password.Length < 10) throw new ArgumentException("the password must have at least 10 characters");
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var id = await conn.QuerySingleOrDefaultAsync<long?>(new CommandDefinition("UPDATE users SET password_hash = @hash WHERE username = @username RETURNING id",
            new { username, hash = Secrets.HashPassword(password) }, tx, cancellationToken: ct));
        // a new password ends every session of the account
        if (id is not null)
            await conn.ExecuteAsync(new CommandDefinition("""
                UPDATE user_sessions SET revoked_at = now() WHERE user_id = @id AND revoked_at IS NULL;
                DELETE FROM login_failures WHERE account = @account;
                """, new { id, account = AccountKey(username) }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return id is not null;
    }

    public async Task<(string Key, string Prefix)> CreateApiKeyAsync(string username, string name, CancellationToken ct = default)
    {
        var (key, prefix, hash) = Secrets.NewApiKey();
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO api_keys (user_id, name, key_hash, prefix) SELECT id, @name, @hash, @prefix FROM users WHERE username = @username
            """, new { username, name, hash, prefix }, cancellationToken: ct));
        if (rows == 0) throw new ArgumentException($"no user '{username}'");
        return (key, prefix);
    }

    public async Task<bool> RevokeApiKeyAsync(string prefix, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = now() WHERE prefix = @prefix AND revoked_at IS NULL", new { prefix }, cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListApiKeysAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ApiKeyInfo>(new CommandDefinition("""
            SELECT k.id, u.username, k.name, k.prefix, k.created_at AS createdat, k.last_used_at AS lastusedat, k.revoked_at AS revokedat FROM api_keys k JOIN users u ON u.id = k.user_id ORDER BY k.id
            """, cancellationToken: ct))).ToList();
    }

    public async Task<User?> FindUserByApiKeyAsync(string key, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<User>(new CommandDefinition("""
            UPDATE api_keys k SET last_used_at = now() FROM users u
            WHERE k.key_hash = @hash AND k.revoked_at IS NULL AND u.id = k.user_id
            RETURNING u.id, u.username, u.role
            """, new { hash = Secrets.HashApiKey(key) }, cancellationToken: ct));
    }

    public async Task<SavedSearch> SaveSearchAsync(long userId, string name, string queryJson, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<SavedSearch>(new CommandDefinition("""
            INSERT INTO saved_searches (user_id, name, query) VALUES (@userId, @name, @queryJson::jsonb)
            ON CONFLICT (user_id, name) DO UPDATE SET query = excluded.query
            RETURNING id, name, query::text AS queryjson, created_at AS createdat, last_seen_at AS lastseenat
            """, new { userId, name, queryJson }, cancellationToken: ct));
    }

    /// <summary>
    /// Saves a search for a user under a name (replacing one of that name): the name 1 to 100 characters, the query a
    /// search query string (q=...&amp;topic=...) checked now, so alerts and digests can rely on it. Bad input is an ArgumentException.
    /// </summary>
    public Task<SavedSearch> SaveSearchQueryAsync(long userId, string? name, string query, DateTimeOffset now, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100) throw new ArgumentException("a name of 1 to 100 characters is needed");
        if (name.Any(char.IsControl) || query.Any(char.IsControl)) throw new ArgumentException("the name or query contains a control character");
        if (query.Length > 4000) throw new ArgumentException("the query is longer than 4000 characters");
        Search.SearchQuery.FromQueryString(query, now);
        return SaveSearchAsync(userId, name.Trim(), System.Text.Json.JsonSerializer.Serialize(new { query }), ct);
    }

    /// <summary>
    /// The user's saved searches with what was found since each was last run (an alert), counted up to 99 when
    /// <paramref name="count"/>; a query that no longer parses lists with nothing new, to be removed.
    /// </summary>
    public async Task<IReadOnlyList<(SavedSearch Search, long New, bool AtLeast)>> SavedSearchAlertsAsync(long userId, DateTimeOffset now, bool count = true,
        CancellationToken ct = default)
    {
        var alerts = new List<(SavedSearch, long, bool)>();
        foreach (var s in await ListSavedSearchesAsync(userId, ct))
        {
            (long Count, bool Capped) found = (0, false);
            if (count)
            {
                // a query the parser or the database refuses (saved by an older version) lists with nothing new
                try { found = await NewMatchesAsync(s, now, ct: ct); }
                catch (ArgumentException) { }
                catch (PostgresException e) when (!e.IsTransient) { }
            }
            alerts.Add((s, found.Count, found.Capped));
        }
        return alerts;
    }

    public async Task<IReadOnlyList<SavedSearch>> ListSavedSearchesAsync(long userId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<SavedSearch>(new CommandDefinition(
            "SELECT id, name, query::text AS queryjson, created_at AS createdat, last_seen_at AS lastseenat FROM saved_searches WHERE user_id = @userId ORDER BY name",
            new { userId }, cancellationToken: ct))).ToList();
    }

    /// <summary>Marks the user's saved search as run at <paramref name="at"/> (the search's own clock); false when it is not theirs.</summary>
    public async Task<bool> MarkSavedSearchSeenAsync(long userId, long id, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "UPDATE saved_searches SET last_seen_at = greatest(last_seen_at, @at) WHERE id = @id AND user_id = @userId",
            new { userId, id, at = at.UtcDateTime }, cancellationToken: ct)) > 0;
    }

    /// <summary>How many articles matching the saved search were found since its owner last ran it, counted up to <paramref name="cap"/>.</summary>
    public async Task<(long Count, bool Capped)> NewMatchesAsync(SavedSearch saved, DateTimeOffset now, int cap = 99, CancellationToken ct = default)
    {
        var query = Search.SearchQuery.FromQueryString(saved.Query, now);
        return await CountMatchesAsync(query, now, cap, new DateTimeOffset(saved.LastSeenAt, TimeSpan.Zero), ct);
    }

    /// <summary>Every user's saved searches, for administrators choosing digest sections.</summary>
    public async Task<IReadOnlyList<(SavedSearch Search, string Username)>> ListAllSavedSearchesAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(long Id, string Name, string QueryJson, DateTime CreatedAt, DateTime LastSeenAt, string Username)>(new CommandDefinition("""
            SELECT s.id, s.name, s.query::text, s.created_at, s.last_seen_at, u.username FROM saved_searches s JOIN users u ON u.id = s.user_id ORDER BY s.id
            """, cancellationToken: ct));
        return rows.Select(r => (new SavedSearch(r.Id, r.Name, r.QueryJson, r.CreatedAt, r.LastSeenAt), r.Username)).ToList();
    }

    /// <summary>Removes a saved search whoever owns it (administrators, from the command line).</summary>
    public Task<bool> RemoveSavedSearchAsync(long id, CancellationToken ct = default) => DeleteSavedSearchAsync(null, id, ct);

    /// <summary>
    /// Removes a user's saved search (any user's when <paramref name="userId"/> is null). Subscribers whose digest was
    /// that search alone are paused by a trigger, rather than left with no sections, which would mean every topic.
    /// </summary>
    public async Task<bool> DeleteSavedSearchAsync(long? userId, long id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(
            "DELETE FROM saved_searches WHERE id = @id AND (@userId::bigint IS NULL OR user_id = @userId)", new { userId, id }, cancellationToken: ct)) > 0;
    }

    public async Task<IReadOnlyList<(string Topic, long Count, DateTime? Latest)>> TopicCountsAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(string, long, DateTime?)>(new CommandDefinition("""
            SELECT t.topic, count(*), max(coalesce(a.published_at, a.discovered_at))
            FROM article_topics t JOIN articles a ON a.id = t.article_id WHERE a.status = 'processed' GROUP BY t.topic ORDER BY t.topic
            """, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<(DateTime Day, long Count)>> TopicTrendAsync(string topic, int days, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(DateTime, long)>(new CommandDefinition("""
            SELECT d::date AS day, count(a.id)
            FROM generate_series(date_trunc('day', @now::timestamptz) - make_interval(days => @days - 1), date_trunc('day', @now::timestamptz), interval '1 day') d
            LEFT JOIN article_topics t ON t.topic = @topic
            LEFT JOIN articles a ON a.id = t.article_id AND date_trunc('day', coalesce(a.published_at, a.discovered_at)) = d
            GROUP BY d ORDER BY d
            """, new { topic, days, now = now.UtcDateTime }, cancellationToken: ct))).ToList();
    }
}
