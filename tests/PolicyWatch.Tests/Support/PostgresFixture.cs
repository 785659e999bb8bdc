using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PolicyWatch.Storage;

namespace PolicyWatch.Tests.Support;

/// <summary>
/// One throwaway PostgreSQL cluster for the test run, started by the same launcher as the embedded default.
/// The schema is migrated once into a template; each test class clones its own database from it.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private const string Template = "pw_template";
    private static int _counter;
    private readonly SemaphoreSlim _cloneLock = new(1, 1);
    private string _dir = "";

    public LocalPostgres Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _dir = TempDirs.Create("pg");
        Server = await LocalPostgres.StartAsync(new LocalPostgresOptions
        {
            DataDir = _dir,
            Database = Template,
            NoSync = true,
            Tune = false,
            ExtraServerOptions = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
        }, NullLogger.Instance);
        await using var db = NpgsqlDataSource.Create(Server.ConnectionStringFor(Template));
        await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();
    }

    /// <summary>A fresh, migrated database of its own; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(bool migrated = true)
    {
        var name = $"pw_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}";
        // CREATE DATABASE ... TEMPLATE fails while anyone is connected to the template, so clones are serialised
        await _cloneLock.WaitAsync();
        try
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(Server.ConnectionStringFor("postgres"));
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE {(migrated ? Template : "template0")}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        finally
        {
            _cloneLock.Release();
        }
        return Server.ConnectionStringFor(name);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        TempDirs.Delete(_dir);
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>;

public static class TempDirs
{
    /// <summary>A temp directory the PostgreSQL server user can traverse (CreateTempSubdirectory makes 0700 ones).</summary>
    public static string Create(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory($"policywatch-{prefix}-").FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        return dir;
    }

    public static void Delete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
