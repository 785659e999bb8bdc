using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PolicyWatch;
using PolicyWatch.Storage;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Storage;

public sealed class LocalPostgresTests : IDisposable
{
    private readonly string _dir = TempDirs.Create("launcher");

    private LocalPostgresOptions Options => new() { DataDir = _dir, NoSync = true, Tune = false, ExtraServerOptions = "-c fsync=off" };

    [Theory]
    [InlineData("-c shared_buffers=2GB -c work_mem=8MB", true)]
    [InlineData("", true)]
    [InlineData("-c shared_buffers=2GB; rm -rf /", false)]
    [InlineData("-c log_line_prefix=$(id)", false)]
    [InlineData("--single", false)]
    public void ServerOptions_OnlyPlainSettingsPass(string options, bool accepted)
    {
        if (accepted) Assert.Equal(options.Trim(), LocalPostgres.CheckServerOptions(options));
        else Assert.Throws<ConfigurationException>(() => LocalPostgres.CheckServerOptions(options));
    }

    [Fact]
    public void TunedSettings_SizeMemoryToTheMachine()
    {
        var settings = LocalPostgres.TunedSettings();
        var shared = int.Parse(System.Text.RegularExpressions.Regex.Match(settings, @"shared_buffers=(\d+)MB").Groups[1].Value);
        Assert.InRange(shared, 128, 8192);
        Assert.Equal(settings, LocalPostgres.CheckServerOptions(settings)); // the same shape operators may use
    }

    [Fact]
    public async Task Start_EmptyDataDir_CreatesClusterThatAnswersAndStopsOnDispose()
    {
        int port;
        await using (var pg = await LocalPostgres.StartAsync(Options, NullLogger.Instance))
        {
            port = pg.Port;
            Assert.True(File.Exists(Path.Combine(_dir, "postgres", "PG_VERSION")));
            Assert.Equal("policywatch", await ScalarAsync<string>(pg.ConnectionString, "SELECT current_database()"));
            Assert.Equal("127.0.0.1", await ScalarAsync<string>(pg.ConnectionString, "SELECT host(inet_server_addr())"));
        }
        Assert.False(Ports.IsOpen(port));
        Assert.False(File.Exists(Path.Combine(_dir, "postgres", "postmaster.pid")));
    }

    [Fact]
    public async Task Start_SecondRun_ReusesClusterAndItsData()
    {
        await using (var first = await LocalPostgres.StartAsync(Options, NullLogger.Instance))
            await ScalarAsync<int>(first.ConnectionString, "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42); SELECT 1");
        var createdAt = File.GetLastWriteTimeUtc(Path.Combine(_dir, "postgres", "PG_VERSION"));

        await using var second = await LocalPostgres.StartAsync(Options, NullLogger.Instance);
        Assert.Equal(42, await ScalarAsync<int>(second.ConnectionString, "SELECT n FROM kept"));
        Assert.Equal(createdAt, File.GetLastWriteTimeUtc(Path.Combine(_dir, "postgres", "PG_VERSION")));
    }

    [Fact]
    public async Task Start_RequiresPassword_NoTrustAuthentication()
    {
        await using var pg = await LocalPostgres.StartAsync(Options, NullLogger.Instance);
        var wrong = new NpgsqlConnectionStringBuilder(pg.ConnectionString) { Password = "not-the-password" }.ConnectionString;
        var e = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<int>(wrong, "SELECT 1"));
        Assert.Equal(PostgresErrorCodes.InvalidPassword, e.SqlState);
    }

    [Fact]
    public async Task TwoProcesses_SameDataDir_ShareOneServerUntilTheLastExits()
    {
        var env = new Dictionary<string, string?> { ["Hangfire__WorkerCount"] = "1" };
        await using var a = PolicyWatchProcess.Start(["--data-dir", _dir, "worker"], env);
        await a.WaitForOutputAsync("Application started");
        await using var b = PolicyWatchProcess.Start(["--data-dir", _dir, "worker"], env);
        await b.WaitForOutputAsync("Application started");

        Assert.Contains("Started the embedded PostgreSQL", a.Output);
        Assert.Contains("Using the running embedded PostgreSQL", b.Output);
        var port = int.Parse(File.ReadAllLines(Path.Combine(_dir, "postgres", "postmaster.pid"))[3]);

        await a.SignalAsync("TERM");
        await a.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, a.ExitCode);
        Assert.Contains("Leaving the embedded PostgreSQL running", a.Output);
        Assert.True(Ports.IsOpen(port), "the server must outlive the first process while the second uses it");

        await b.SignalAsync("INT");
        await b.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, b.ExitCode);
        Assert.Contains("Stopped the embedded PostgreSQL", b.Output);
        Assert.False(Ports.IsOpen(port));
    }

    [Fact]
    public void Find_NoBinariesAnywhere_SaysWhatToInstall()
    {
        var e = Assert.Throws<PostgresNotInstalledException>(() =>
            PostgresBinaries.Find(configuredDir: null, pathVariable: _dir, debianRoot: Path.Combine(_dir, "none")));
        Assert.Contains("apt-get install -y postgresql", e.Message);
    }

    [Fact]
    public void Find_ConfiguredDirWithoutPrograms_NamesTheSetting()
    {
        var e = Assert.Throws<PostgresNotInstalledException>(() => PostgresBinaries.Find(configuredDir: _dir));
        Assert.Contains("Database:PostgresBinDir", e.Message);
    }

    [Fact]
    public async Task Cli_PostgresMissing_ExitsWithInstallHint()
    {
        var (exit, output) = await PolicyWatchProcess.RunAsync(["--data-dir", _dir, "db", "status"],
            new Dictionary<string, string?> { ["Database__PostgresBinDir"] = Path.Combine(_dir, "no-such-dir") });
        Assert.Equal(1, exit);
        Assert.Contains("apt-get install -y postgresql", output);
        Assert.DoesNotContain("   at ", output); // a message, not a stack trace
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public void Dispose() => TempDirs.Delete(_dir);
}
