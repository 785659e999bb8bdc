using System.Diagnostics;
using Npgsql;

namespace PolicyWatch.Storage;

/// <summary>
/// Backups with PostgreSQL's own tools: <c>pg_dump --format=custom</c> and <c>pg_restore --clean --if-exists</c> of the
/// server's major version (from /usr/lib/postgresql/N/bin when there, else PATH), so a dump always matches its
/// server. The password goes to the tools through the environment (PGPASSWORD), never on a command line.
/// </summary>
public static class DatabaseDump
{
    /// <summary>Writes the whole database (schema and data, Hangfire's too) to <paramref name="file"/>. Throws <see cref="InvalidOperationException"/> with pg_dump's message when it fails.</summary>
    /// <param name="connectionString">The full connection string, password included (a data source's own string leaves it out).</param>
    public static async Task BackupAsync(string connectionString, string file, Action<string>? progress, CancellationToken ct)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var tool = await ToolAsync(connectionString, "pg_dump", ct);
        await RunAsync(tool, ["--format=custom", "--no-owner", "--file", Path.GetFullPath(file), "--verbose"], b, progress, ct);
    }

    /// <summary>
    /// Replaces the database's contents with the dump in <paramref name="file"/> (objects dropped and recreated). Throws
    /// <see cref="FileNotFoundException"/> without the file and <see cref="InvalidOperationException"/> when pg_restore fails.
    /// </summary>
    public static async Task RestoreAsync(string connectionString, string file, Action<string>? progress, CancellationToken ct)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"no such backup: {file}", file);
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var tool = await ToolAsync(connectionString, "pg_restore", ct);
        await RunAsync(tool, ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", "--verbose", Path.GetFullPath(file)], b, progress, ct);
    }

    private static async Task<string> ToolAsync(string connectionString, string name, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version_num')::int / 10000", conn);
        var major = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        var debian = $"/usr/lib/postgresql/{major}/bin/{name}";
        if (File.Exists(debian)) return debian;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        throw new InvalidOperationException($"{name} (PostgreSQL {major}) was not found: install the PostgreSQL {major} client tools");
    }

    private static async Task RunAsync(string tool, IEnumerable<string> args, NpgsqlConnectionStringBuilder b, Action<string>? progress, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add("--no-password"); // never a prompt: the password comes from the environment or nowhere
        psi.ArgumentList.Add("--dbname");
        psi.ArgumentList.Add(b.Database ?? "postgres");
        psi.Environment["PGHOST"] = b.Host ?? "127.0.0.1";
        psi.Environment["PGPORT"] = b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["PGUSER"] = b.Username ?? "";
        psi.Environment["PGPASSWORD"] = b.Password ?? "";
        psi.Environment["PGSSLMODE"] = b.SslMode switch { SslMode.Disable => "disable", SslMode.Require => "require", SslMode.VerifyCA => "verify-ca", SslMode.VerifyFull => "verify-full", _ => "prefer" };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start");
        var last = new List<string>();
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(ct) is { } line)
            {
                progress?.Invoke(line);
                lock (last) { last.Add(line); if (last.Count > 20) last.RemoveAt(0); }
            }
        }, ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await stderr;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(tool)} failed (exit {process.ExitCode}): {string.Join(" ", last.TakeLast(3))}");
    }
}
