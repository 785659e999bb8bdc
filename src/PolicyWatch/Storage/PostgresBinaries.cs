namespace PolicyWatch.Storage;

/// <summary>Thrown when no PostgreSQL server binaries can be found; the message says what to install.</summary>
public sealed class PostgresNotInstalledException(string message) : Exception(message);

/// <summary>Locates the PostgreSQL server programs (initdb, pg_ctl) the embedded cluster needs.</summary>
public static class PostgresBinaries
{
    public const string InstallHint =
        "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
        "Install them with `sudo apt-get install -y postgresql` (Debian/Ubuntu), point Database:PostgresBinDir at " +
        "the folder that holds them, or set ConnectionStrings:PolicyWatch to use an existing PostgreSQL server.";

    /// <summary>
    /// The folder holding initdb and pg_ctl: the configured one, else the first PATH entry with both,
    /// else the newest /usr/lib/postgresql/N/bin.
    /// </summary>
    public static string Find(string? configuredDir = null, string? pathVariable = null, string debianRoot = "/usr/lib/postgresql")
    {
        if (!string.IsNullOrWhiteSpace(configuredDir))
        {
            if (HasServerPrograms(configuredDir)) return Path.GetFullPath(configuredDir);
            throw new PostgresNotInstalledException(
                $"Database:PostgresBinDir is '{configuredDir}', but initdb and pg_ctl are not both there. " + InstallHint);
        }

        pathVariable ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            if (HasServerPrograms(dir))
                return dir;

        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: ParseVersion(Path.GetFileName(d))))
                .Where(x => x.Version is not null && HasServerPrograms(x.Dir))
                .OrderByDescending(x => x.Version)
                .FirstOrDefault();
            if (newest.Dir is not null) return newest.Dir;
        }

        throw new PostgresNotInstalledException(InstallHint);
    }

    private static bool HasServerPrograms(string dir) =>
        File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.') ? name : name + ".0", out var v) ? v : null;
}
