using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace PolicyWatch.Storage;

public sealed record Migration(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)))[..16].ToLowerInvariant();
}

public sealed record MigrationStatus(int Version, string Name, DateTime? AppliedAt, bool ChecksumMatches);

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> files in order, each in its own transaction, and
/// records them in <c>schema_migrations</c>. An advisory lock keeps two starting processes from racing.
/// </summary>
public sealed partial class Migrator(NpgsqlDataSource db, ILogger<Migrator> log)
{
    private const long LockKey = 0x5057_4D49_4752; // "PWMIGR"

    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    public async Task<IReadOnlyList<Migration>> MigrateAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@LockKey)", new { LockKey }, cancellationToken: ct));
        try
        {
            await EnsureVersionTableAsync(conn, ct);
            var applied = (await conn.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: ct))).ToHashSet();
            var done = new List<Migration>();
            foreach (var m in All.Where(m => !applied.Contains(m.Version)))
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await conn.ExecuteAsync(new CommandDefinition(m.Sql, transaction: tx, cancellationToken: ct));
                await conn.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (@Version, @Name, @Checksum)",
                    new { m.Version, m.Name, m.Checksum }, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
                log.LogInformation("Applied migration {Version:D4} {Name}", m.Version, m.Name);
                done.Add(m);
            }
            return done;
        }
        finally
        {
            await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@LockKey)", new { LockKey }, cancellationToken: CancellationToken.None));
        }
    }

    public async Task<IReadOnlyList<MigrationStatus>> StatusAsync(CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await EnsureVersionTableAsync(conn, ct);
        var rows = (await conn.QueryAsync<(int Version, DateTime AppliedAt, string Checksum)>(new CommandDefinition(
            "SELECT version, applied_at, checksum FROM schema_migrations", cancellationToken: ct))).ToDictionary(r => r.Version);
        return All.Select(m => rows.TryGetValue(m.Version, out var r)
                ? new MigrationStatus(m.Version, m.Name, r.AppliedAt, r.Checksum == m.Checksum)
                : new MigrationStatus(m.Version, m.Name, null, true))
            .ToList();
    }

    private static Task EnsureVersionTableAsync(NpgsqlConnection conn, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken: ct));

    private static List<Migration> LoadEmbedded()
    {
        var asm = typeof(Migrator).Assembly;
        var list = new List<Migration>();
        foreach (var name in asm.GetManifestResourceNames())
        {
            var match = ResourceName().Match(name);
            if (!match.Success) continue;
            using var reader = new StreamReader(asm.GetManifestResourceStream(name)!);
            list.Add(new Migration(int.Parse(match.Groups[1].Value), match.Groups[2].Value, reader.ReadToEnd()));
        }
        var duplicate = list.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two migrations share version {duplicate.Key}");
        return list.OrderBy(m => m.Version).ToList();
    }

    [GeneratedRegex(@"^Migrations/(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex ResourceName();
}
