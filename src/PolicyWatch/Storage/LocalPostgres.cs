using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PolicyWatch.Storage;

public sealed record LocalPostgresOptions
{
    /// <summary>PolicyWatch's data directory; the cluster lives in its <c>postgres/</c> folder.</summary>
    public required string DataDir { get; init; }

    /// <summary>Folder holding initdb and pg_ctl; found on PATH or under /usr/lib/postgresql when null.</summary>
    public string? BinDir { get; init; }

    public string Database { get; init; } = "policywatch";

    /// <summary>Extra server settings, e.g. <c>-c fsync=off</c> for throwaway test clusters.</summary>
    public string ExtraServerOptions { get; init; } = "";

    public bool NoSync { get; init; }

    /// <summary>Size memory settings to this machine (PostgreSQL's defaults suit a 1990s server); off for throwaway test clusters.</summary>
    public bool Tune { get; init; } = true;
}

/// <summary>
/// The embedded default database: a private PostgreSQL cluster under the data directory, created on first
/// use, started on a free loopback port, shared by every PolicyWatch process on the same data directory
/// (a lock file serialises start and stop; a registry of client pids decides who stops it) and stopped when
/// the last of them exits.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string Superuser = "postgres";
    private readonly LocalPostgresOptions _options;
    private readonly ILogger _log;
    private readonly string _binDir;
    private readonly string? _osUser;
    private readonly string _clusterDir;
    private readonly string _clientFile;
    private bool _disposed;

    private LocalPostgres(LocalPostgresOptions options, ILogger log, string binDir, string? osUser)
    {
        _options = options;
        _log = log;
        _binDir = binDir;
        _osUser = osUser;
        _clusterDir = Path.Combine(options.DataDir, "postgres");
        _clientFile = Path.Combine(options.DataDir, "postgres.clients", Environment.ProcessId.ToString());
    }

    public int Port { get; private set; }
    public string Password { get; private set; } = "";
    public string ConnectionString => ConnectionStringFor(_options.Database);

    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = Superuser, Password = Password, Database = database,
    }.ConnectionString;

    /// <summary>The default data directory: /var/lib/policywatch for root, else the user's application-data folder.</summary>
    public static string DefaultDataDir() =>
        IsRoot()
            ? "/var/lib/policywatch"
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "policywatch");

    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions options, ILogger log, CancellationToken ct = default)
    {
        var binDir = PostgresBinaries.Find(options.BinDir);
        Directory.CreateDirectory(options.DataDir);
        options = options with { DataDir = Path.GetFullPath(options.DataDir) };
        var osUser = IsRoot() ? await EnsureServerUserAsync(log, ct) : null;
        var pg = new LocalPostgres(options, log, binDir, osUser);
        await using (await FileLock.AcquireAsync(Path.Combine(options.DataDir, "postgres.lock"), ct))
        {
            await pg.StartLockedAsync(ct);
        }
        await pg.EnsureDatabaseAsync(ct);
        return pg;
    }

    private async Task StartLockedAsync(CancellationToken ct)
    {
        Password = await LoadOrCreatePasswordAsync(ct);
        if (!File.Exists(Path.Combine(_clusterDir, "PG_VERSION")))
            await InitDbAsync(ct);

        var running = await RunPgCtlAsync(["status", "-D", _clusterDir], ct, throwOnError: false);
        if (running.ExitCode == 0 && ReadPortFromPidFile() is { } port)
        {
            Port = port;
            _log.LogInformation("Using the running embedded PostgreSQL on 127.0.0.1:{Port} ({ClusterDir})", Port, _clusterDir);
        }
        else
        {
            await StartServerAsync(ct);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_clientFile)!);
        await File.WriteAllTextAsync(_clientFile, Environment.ProcessId.ToString(), ct);
    }

    private async Task InitDbAsync(CancellationToken ct)
    {
        _log.LogInformation("Creating the embedded PostgreSQL cluster in {ClusterDir}", _clusterDir);
        if (Directory.Exists(_clusterDir) && Directory.EnumerateFileSystemEntries(_clusterDir).Any())
            throw new InvalidOperationException(
                $"{_clusterDir} exists but holds no PostgreSQL cluster (no PG_VERSION). Move it away or choose another --data-dir.");
        Directory.CreateDirectory(_clusterDir);
        // initdb reads the superuser password from a file; it must be readable by the server's OS user
        var pwFile = Path.Combine(_options.DataDir, $"postgres.pwfile.{Environment.ProcessId}");
        await File.WriteAllTextAsync(pwFile, Password + "\n", ct);
        try
        {
            OwnerOnly(pwFile);
            OwnerOnly(_clusterDir, directory: true);
            if (_osUser is not null)
            {
                CheckTraversable(_options.DataDir, _osUser);
                await ChownAsync(_clusterDir, ct);
                await ChownAsync(pwFile, ct);
            }
            string[] common = ["-D", _clusterDir, "-U", Superuser, "-A", "scram-sha-256", "--pwfile", pwFile, "-E", "UTF8"];
            if (_options.NoSync) common = [.. common, "--no-sync"];
            // C.UTF-8 gives Unicode-aware lower() for full-text search; fall back where the locale is missing
            var result = await RunAsync(Path.Combine(_binDir, "initdb"), [.. common, "--locale=C.UTF-8"], ct, throwOnError: false);
            if (result.ExitCode != 0)
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(_clusterDir))
                    if (Directory.Exists(entry)) Directory.Delete(entry, true); else File.Delete(entry);
                result = await RunAsync(Path.Combine(_binDir, "initdb"), [.. common, "--no-locale"], ct, throwOnError: false);
            }
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"initdb failed (exit {result.ExitCode}): {result.Output}");
        }
        finally
        {
            File.Delete(pwFile);
        }
    }

    /// <summary>
    /// A quarter of memory for shared buffers (at most 8 GB), the rest counted as OS cache, SSD-like page costs: search
    /// over a million articles reads its GIN index and heap from memory (see docs/benchmarks.md).
    /// </summary>
    /// <summary>
    /// Operator-given server settings reach the server through pg_ctl's shell command line, so only plain
    /// <c>-c name=value</c> pairs are accepted.
    /// </summary>
    public static string CheckServerOptions(string options) =>
        System.Text.RegularExpressions.Regex.IsMatch(options, @"^([ \t]*-c[ \t]+[a-z_.]+=[A-Za-z0-9_.]+)*[ \t]*$")
            ? options.Trim()
            : throw new ConfigurationException($"Database:ServerOptions must be '-c name=value' pairs (letters, digits, '_' and '.'), not '{options}'");

    internal static string TunedSettings()
    {
        var memoryMb = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024 / 1024;
        var shared = Math.Clamp(memoryMb / 4, 128, 8192);
        var cache = Math.Max(memoryMb / 2, shared);
        var maintenance = Math.Clamp(memoryMb / 16, 64, 1024);
        return $"-c shared_buffers={shared}MB -c effective_cache_size={cache}MB -c maintenance_work_mem={maintenance}MB " +
               "-c work_mem=16MB -c random_page_cost=1.1 -c effective_io_concurrency=200 -c max_wal_size=4GB";
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        var log = Path.Combine(_clusterDir, "server.log");
        var tune = _options.Tune;
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            // TCP on loopback only: no Unix socket, whose path length limit long data dirs would break
            var serverOptions = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' {(tune ? TunedSettings() : "")} {_options.ExtraServerOptions}".Trim();
            var result = await RunPgCtlAsync(["start", "-D", _clusterDir, "-l", log, "-w", "-t", "60", "-o", serverOptions], ct, throwOnError: false);
            if (result.ExitCode == 0)
            {
                _log.LogInformation("Started the embedded PostgreSQL on 127.0.0.1:{Port} ({ClusterDir})", Port, _clusterDir);
                return;
            }
            if (attempt == 3)
                throw new InvalidOperationException($"PostgreSQL failed to start (exit {result.ExitCode}): {result.Output}\n{TailOf(log)}");
            // a container may refuse the tuned shared memory; PostgreSQL's own defaults start almost anywhere
            if (tune && attempt == 2) _log.LogWarning("Starting the embedded PostgreSQL without memory tuning");
            tune = tune && attempt < 2;
            _log.LogWarning("PostgreSQL failed to start on port {Port}, retrying: {Output}", Port, result.Output.Trim());
        }
    }

    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await conn.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", conn);
        exists.Parameters.AddWithValue("name", _options.Database);
        if (await exists.ExecuteScalarAsync(ct) is not null) return;
        try
        {
            // identifiers cannot be parameters; the name is quoted and comes from configuration, not users
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_options.Database.Replace("\"", "\"\"")}\"", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase) { }
    }

    /// <summary>Restarts the server on the same port (pg_ctl reuses its recorded options); open connections break.</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await using (await FileLock.AcquireAsync(Path.Combine(_options.DataDir, "postgres.lock"), ct))
            await RunPgCtlAsync(["restart", "-D", _clusterDir, "-m", "fast", "-w", "-t", "60", "-l", Path.Combine(_clusterDir, "server.log")], ct, throwOnError: true);
    }

    /// <summary>Unregisters this process; the last process on the data directory stops the server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        NpgsqlConnection.ClearAllPools();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await using (await FileLock.AcquireAsync(Path.Combine(_options.DataDir, "postgres.lock"), cts.Token))
            {
                File.Delete(_clientFile);
                if (OtherLiveClients().Count > 0)
                {
                    _log.LogInformation("Leaving the embedded PostgreSQL running for other PolicyWatch processes");
                    return;
                }
                await RunPgCtlAsync(["stop", "-D", _clusterDir, "-m", "fast", "-w", "-t", "60"], cts.Token, throwOnError: false);
                _log.LogInformation("Stopped the embedded PostgreSQL ({ClusterDir})", _clusterDir);
            }
        }
        catch (Exception e)
        {
            _log.LogError(e, "Could not stop the embedded PostgreSQL cleanly");
        }
    }

    private List<int> OtherLiveClients()
    {
        var live = new List<int>();
        var dir = Path.GetDirectoryName(_clientFile)!;
        if (!Directory.Exists(dir)) return live;
        foreach (var file in Directory.GetFiles(dir))
        {
            if (!int.TryParse(Path.GetFileName(file), out var pid)) continue;
            if (pid != Environment.ProcessId && IsAlive(pid)) live.Add(pid);
            else if (pid != Environment.ProcessId) File.Delete(file); // left behind by a crashed process
        }
        return live;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private int? ReadPortFromPidFile()
    {
        // postmaster.pid: line 4 is the port (documented layout, stable since PostgreSQL 9.1)
        var pidFile = Path.Combine(_clusterDir, "postmaster.pid");
        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length >= 4 && int.TryParse(lines[3].Trim(), out var port) ? port : null;
        }
        catch (IOException) { return null; }
    }

    private async Task<string> LoadOrCreatePasswordAsync(CancellationToken ct)
    {
        var file = Path.Combine(_options.DataDir, "postgres.password");
        if (File.Exists(file)) return (await File.ReadAllTextAsync(file, ct)).Trim();
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await File.WriteAllTextAsync(file, password, ct);
        OwnerOnly(file);
        return password;
    }

    private Task<ProcessResult> RunPgCtlAsync(string[] args, CancellationToken ct, bool throwOnError) =>
        RunAsync(Path.Combine(_binDir, "pg_ctl"), args, ct, throwOnError);

    /// <summary>Runs a server program, as the unprivileged server user when we are root (PostgreSQL refuses root).</summary>
    private async Task<ProcessResult> RunAsync(string program, string[] args, CancellationToken ct, bool throwOnError = true)
    {
        var psi = _osUser is null
            ? new ProcessStartInfo(program)
            : new ProcessStartInfo("runuser") { ArgumentList = { "-u", _osUser, "--", program } };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.WorkingDirectory = _options.DataDir; // must be readable by the server user
        var result = await ProcessResult.RunAsync(psi, ct);
        if (throwOnError && result.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed (exit {result.ExitCode}): {result.Output}");
        return result;
    }

    private async Task ChownAsync(string path, CancellationToken ct)
    {
        var result = await ProcessResult.RunAsync(new ProcessStartInfo("chown") { ArgumentList = { $"{_osUser}:", path } }, ct);
        if (result.ExitCode != 0) throw new InvalidOperationException($"chown {path} failed: {result.Output}");
    }

    private static async Task<string> EnsureServerUserAsync(ILogger log, CancellationToken ct)
    {
        const string user = "postgres";
        var check = await ProcessResult.RunAsync(new ProcessStartInfo("id") { ArgumentList = { "-u", user } }, ct);
        if (check.ExitCode == 0) return user;
        log.LogInformation("Creating the system user {User} to run the embedded PostgreSQL (it refuses to run as root)", user);
        var add = await ProcessResult.RunAsync(new ProcessStartInfo("useradd")
        {
            ArgumentList = { "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user },
        }, ct);
        if (add.ExitCode != 0) throw new InvalidOperationException($"useradd {user} failed: {add.Output}");
        return user;
    }

    /// <summary>The server user must be able to reach the cluster: every parent needs the search (x) bit for others.</summary>
    private static void CheckTraversable(string dir, string user)
    {
        for (var d = new DirectoryInfo(dir); d is not null; d = d.Parent)
        {
            if (!OperatingSystem.IsWindows() && (d.UnixFileMode & UnixFileMode.OtherExecute) == 0)
                throw new InvalidOperationException(
                    $"The PostgreSQL server runs as '{user}' (it refuses root), but '{d.FullName}' is closed to other users, " +
                    $"so it cannot reach {dir}. Choose a data directory outside it (--data-dir), e.g. /var/lib/policywatch.");
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void OwnerOnly(string path, bool directory = false)
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | (directory ? UnixFileMode.UserExecute : 0);
        File.SetUnixFileMode(path, mode);
    }

    private static bool IsRoot() => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    private static string TailOf(string file)
    {
        try { return string.Join('\n', File.ReadLines(file).TakeLast(20)); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
