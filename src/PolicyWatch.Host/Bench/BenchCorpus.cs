using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Bench;

/// <summary>
/// The generated corpus shared by `bench search` and `bench digest`, kept between runs in its own database: building a
/// million articles takes longer than measuring them, so a run reuses the corpus when its size and generator match.
/// </summary>
public sealed record BenchCorpus(string ConnectionString, int Articles, DateTimeOffset BuiltAt, TimeSpan BuildTime, bool Reused)
{
    internal const string DbName = "policywatch_bench_corpus";

    /// <summary>Bumped whenever the generator changes what it writes, so an old corpus is rebuilt rather than measured.</summary>
    private const int GeneratorVersion = 2;

    public static async Task<BenchCorpus> OpenAsync(string adminConnectionString, int articles, bool rebuild, TextWriter log, CancellationToken ct)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = DbName }.ConnectionString;
        if (!rebuild && await ExistsAsync(adminConnectionString, ct))
        {
            await using var existing = NpgsqlDataSource.Create(connectionString);
            await using var conn = await existing.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand("""
                SELECT built_at, build_seconds FROM bench_corpus WHERE articles = @articles AND generator = @generator
                """, conn);
            cmd.Parameters.AddWithValue("articles", articles);
            cmd.Parameters.AddWithValue("generator", GeneratorVersion);
            try
            {
                await using var r = await cmd.ExecuteReaderAsync(ct);
                if (await r.ReadAsync(ct))
                {
                    var corpus = new BenchCorpus(connectionString, articles, r.GetFieldValue<DateTimeOffset>(0), TimeSpan.FromSeconds(r.GetDouble(1)), true);
                    await r.DisposeAsync();
                    // later migrations (new indexes) apply to a kept corpus too
                    await new Migrator(existing, NullLogger<Migrator>.Instance).MigrateAsync(ct);
                    await log.WriteLineAsync($"reusing the corpus of {articles} articles built {corpus.BuiltAt:u} (--rebuild to start afresh)");
                    return corpus;
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { }
        }

        await BenchmarkReport.RecreateDatabaseAsync(adminConnectionString, DbName, ct);
        await using var db = NpgsqlDataSource.Create(connectionString);
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        await SearchBenchmark.BuildCorpusAsync(db, articles, now, ct, log);
        watch.Stop();
        // queries run as of the end of the build, when every generated article has been found
        now = DateTimeOffset.UtcNow;
        await log.WriteLineAsync($"corpus of {articles} articles built in {watch.Elapsed.TotalSeconds:0} s");
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand("""
            CREATE TABLE bench_corpus (articles int NOT NULL, generator int NOT NULL, built_at timestamptz NOT NULL, build_seconds float8 NOT NULL);
            INSERT INTO bench_corpus VALUES (@articles, @generator, @now, @seconds);
            """, conn))
        {
            cmd.Parameters.AddWithValue("articles", articles);
            cmd.Parameters.AddWithValue("generator", GeneratorVersion);
            cmd.Parameters.AddWithValue("now", now);
            cmd.Parameters.AddWithValue("seconds", watch.Elapsed.TotalSeconds);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        return new BenchCorpus(connectionString, articles, now, watch.Elapsed, false);
    }

    private static async Task<bool> ExistsAsync(string adminConnectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(adminConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", conn);
        cmd.Parameters.AddWithValue("name", DbName);
        return await cmd.ExecuteScalarAsync(ct) is not null;
    }
}
