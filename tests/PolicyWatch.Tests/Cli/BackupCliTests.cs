using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PolicyWatch.Extract;
using PolicyWatch.Feeds;
using PolicyWatch.Model;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Cli;

/// <summary>`db backup` and `db restore` round trip, with data, on a real cluster started by the same launcher as the embedded default.</summary>
[Collection("postgres")]
public sealed class BackupCliTests(PostgresFixture pg)
{
    [Fact]
    public async Task BackupThenRestore_BringsBackWhatWasLost()
    {
        var db = await pg.CreateDatabaseAsync();
        await using (var services = Pipeline.Services(db))
        {
            var store = services.GetRequiredService<Store>();
            var sourceId = await services.AddSourceAsync(Pipeline.Source("wire", new Uri("https://wire.example/rss")));
            var url = new Uri("https://wire.example/backup-me");
            var id = (await store.RecordDiscoveredAsync(sourceId, [new FeedItem(url, "Kept safe", null, null, null)])).NewIds.Single();
            await store.ClaimArticleAsync(id, TimeSpan.FromMinutes(1));
            await store.SaveProcessedAsync(id, url, new ExtractedArticle { Title = "Kept safe", Body = "A body worth keeping." }, [new TopicTag("export-controls", 0.9f, "m")]);
            await store.CreateUserAsync("keeper", "keeper-password-1", "analyst");
        }
        var file = Path.Combine(Path.GetTempPath(), $"policywatch-backup-{Guid.NewGuid():N}.dump");
        var env = new Dictionary<string, string?> { ["ConnectionStrings__PolicyWatch"] = db };
        try
        {
            var (backupExit, backupOutput) = await PolicyWatchProcess.RunAsync(["db", "backup", file], env);
            Assert.True(backupExit == 0, backupOutput);
            Assert.True(new FileInfo(file).Length > 0);

            await using (var conn = new NpgsqlConnection(db))
                await conn.ExecuteAsync("DELETE FROM article_topics; DELETE FROM article_urls; DELETE FROM articles; DELETE FROM users;");

            var (restoreExit, restoreOutput) = await PolicyWatchProcess.RunAsync(["db", "restore", file], env);
            Assert.True(restoreExit == 0, restoreOutput);
            await using var check = new NpgsqlConnection(db);
            Assert.Equal("Kept safe", await check.ExecuteScalarAsync<string>("SELECT title FROM articles"));
            Assert.Equal(1L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM article_topics WHERE topic = 'export-controls'"));
            Assert.Equal(1L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE username = 'keeper'"));

            var (missingExit, missingOutput) = await PolicyWatchProcess.RunAsync(["db", "restore", "/no/such/backup.dump"], env);
            Assert.Equal(1, missingExit);
            Assert.Contains("no such backup", missingOutput);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
