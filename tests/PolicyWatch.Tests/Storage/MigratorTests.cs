using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Storage;

[Collection("postgres")]
public sealed class MigratorTests(PostgresFixture pg)
{
    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesAllInOrderAndRecordsThem()
    {
        await using var db = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync(migrated: false));
        var migrator = new Migrator(db, NullLogger<Migrator>.Instance);

        var applied = await migrator.MigrateAsync();

        Assert.Equal(Migrator.All.Select(m => m.Version), applied.Select(m => m.Version));
        Assert.All(await migrator.StatusAsync(), s => Assert.NotNull(s.AppliedAt));
        await using var conn = await db.OpenConnectionAsync();
        var tables = (await conn.QueryAsync<string>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).ToHashSet();
        Assert.Superset(new HashSet<string> { "sources", "articles", "article_topics", "schema_migrations" }, tables);
    }

    [Fact]
    public async Task Migrate_RunTwice_SecondChangesNothing()
    {
        await using var db = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync());
        var migrator = new Migrator(db, NullLogger<Migrator>.Instance);
        var before = await SchemaFingerprintAsync(db);

        var applied = await migrator.MigrateAsync();

        Assert.Empty(applied);
        Assert.Equal(before, await SchemaFingerprintAsync(db));
    }

    [Fact]
    public async Task Migrate_TwoProcessesAtOnce_EachMigrationAppliedOnce()
    {
        await using var db = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync(migrated: false));
        var results = await Task.WhenAll(
            new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(),
            new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync());

        Assert.Equal(Migrator.All.Count, results.Sum(r => r.Count));
        await using var conn = await db.OpenConnectionAsync();
        Assert.Equal(Migrator.All.Count, await conn.ExecuteScalarAsync<int>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Status_MigratedDatabase_ReportsEveryMigrationApplied()
    {
        await using var db = NpgsqlDataSource.Create(await pg.CreateDatabaseAsync());
        var status = await new Migrator(db, NullLogger<Migrator>.Instance).StatusAsync();
        Assert.Equal(Migrator.All.Count, status.Count);
        Assert.All(status, s => Assert.True(s.AppliedAt is not null && s.ChecksumMatches));
    }

    private static async Task<string> SchemaFingerprintAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        var columns = await conn.QueryAsync<string>("""
            SELECT table_name || '.' || column_name || ':' || data_type || ':' || coalesce(column_default, '')
            FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1
            """);
        var indexes = await conn.QueryAsync<string>("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1");
        var migrations = await conn.QueryAsync<string>("SELECT version || ':' || applied_at FROM schema_migrations ORDER BY 1");
        return string.Join('\n', columns.Concat(indexes).Concat(migrations));
    }

    [Fact]
    public async Task Upgrade_FromTheFirstReleasesSchemaAndData_ToToday_LosesNothing()
    {
        // the first release shipped migrations 1-4: build that database, fill it as that release would, then upgrade
        var connectionString = await pg.CreateDatabaseAsync(migrated: false);
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await conn.ExecuteAsync("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            foreach (var m in Migrator.All.Where(m => m.Version <= 4))
            {
                await conn.ExecuteAsync(m.Sql);
                await conn.ExecuteAsync("INSERT INTO schema_migrations (version, name, checksum) VALUES (@Version, @Name, @Checksum)", new { m.Version, m.Name, m.Checksum });
            }
            await conn.ExecuteAsync("""
                INSERT INTO sources (slug, name, url, kind) VALUES ('old-wire', 'Old Wire', 'https://old.example/rss', 'rss');
                INSERT INTO articles (source_id, url, canonical_url, title, body, published_at, fetched_at, status)
                SELECT id, 'https://old.example/a', 'https://old.example/a', 'Licence rules widened', 'The body of an old article.',
                       '2026-01-05T10:00:00Z', '2026-01-05T11:00:00Z', 'processed' FROM sources;
                INSERT INTO article_urls (url, article_id) SELECT url, id FROM articles;
                INSERT INTO article_topics (article_id, topic, score, model_version) SELECT id, 'export-controls', 0.9, 'first-model' FROM articles;
                INSERT INTO topic_feedback (article_id, topic, verdict, username) SELECT id, 'chips-compute', 'add', 'ana' FROM articles;
                INSERT INTO users (username, password_hash, role) VALUES ('ana', 'pbkdf2$not-a-real-hash', 'analyst');
                INSERT INTO saved_searches (user_id, name, query) SELECT id, 'rules', '{"query":"q=licence"}' FROM users;
                INSERT INTO subscribers (email, topics) VALUES ('ana@example.test', '{export-controls}');
                INSERT INTO digest_deliveries (subscriber_id, period_date, status) SELECT id, '2026-01-06', 'sent' FROM subscribers;
                """);
        }

        await using var db = NpgsqlDataSource.Create(connectionString);
        var applied = await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();

        Assert.Equal(Migrator.All.Where(m => m.Version > 4).Select(m => m.Version), applied.Select(m => m.Version));
        await using var check = await db.OpenConnectionAsync();
        Assert.Equal("Licence rules widened", await check.ExecuteScalarAsync<string>("SELECT title FROM articles"));
        Assert.Equal("The body of an old article.", await check.ExecuteScalarAsync<string>("SELECT body FROM articles"));
        // a later migration filled the tag's date from its article
        Assert.Equal(new DateTime(2026, 1, 5, 10, 0, 0, DateTimeKind.Utc), (await check.ExecuteScalarAsync<DateTime>("SELECT sort_date FROM article_topics")).ToUniversalTime());
        Assert.Equal(1L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM topic_feedback"));
        Assert.Equal(1L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM saved_searches"));
        Assert.Equal(1L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM digest_deliveries WHERE status = 'sent'"));
        Assert.Equal("ana@example.test", await check.ExecuteScalarAsync<string>("SELECT email FROM subscribers"));
        Assert.Equal(1L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE username = 'ana'"));
        // the old article is searchable
        Assert.Equal(1L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM articles WHERE search @@ websearch_to_tsquery('english', 'licence rules')"));
    }
}
