using System.Text.RegularExpressions;

namespace PolicyWatch.Host.Bench;

/// <summary>Writes one benchmark's section of docs/benchmarks.md, replacing the previous run's.</summary>
public static partial class BenchmarkReport
{
    public static string DefaultPath()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PolicyWatch.sln"))) return Path.Combine(dir.FullName, "docs", "benchmarks.md");
        return Path.Combine(Directory.GetCurrentDirectory(), "benchmarks.md");
    }

    public static void Write(string path, string name, string markdown)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var text = File.Exists(path) ? File.ReadAllText(path) : "# PolicyWatch benchmarks\n\nEach section is written by the `policywatch bench` command named in it; rerun it to refresh the figures.\n";
        var start = $"<!-- bench:{name} -->";
        var end = $"<!-- /bench:{name} -->";
        var section = $"{start}\n{markdown.TrimEnd()}\n{end}";
        var pattern = new Regex(Regex.Escape(start) + ".*?" + Regex.Escape(end), RegexOptions.Singleline);
        text = pattern.IsMatch(text) ? pattern.Replace(text, section.Replace("$", "$$")) : text.TrimEnd() + "\n\n" + section + "\n";
        File.WriteAllText(path, text);
    }

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024 / 1024 / 1024} GB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    /// <summary>A fresh database of this name on the configured server (dropped first if a previous run left it); its connection string.</summary>
    public static async Task<string> RecreateDatabaseAsync(string adminConnectionString, string name, CancellationToken ct)
    {
        await DropDatabaseAsync(adminConnectionString, name, ct);
        await using var conn = new Npgsql.NpgsqlConnection(adminConnectionString);
        await conn.OpenAsync(ct);
        await using (var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", conn)) await create.ExecuteNonQueryAsync(ct);
        return new Npgsql.NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string adminConnectionString, string name, CancellationToken ct)
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var conn = new Npgsql.NpgsqlConnection(adminConnectionString);
        await conn.OpenAsync(ct);
        await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
        await drop.ExecuteNonQueryAsync(ct);
    }
}
