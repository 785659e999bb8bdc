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
}
