using System.CommandLine;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Cli;

/// <summary>`policywatch db migrate|status`.</summary>
public static class DbCommands
{
    public static Command Build()
    {
        var migrate = new Command("migrate", "Apply pending schema migrations (also done at every start)");
        migrate.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            await using var services = runtime.BuildServices();
            var applied = await services.GetRequiredService<Migrator>().MigrateAsync(ct);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync(applied.Count == 0
                ? "Schema is up to date."
                : $"Applied {applied.Count} migration(s): {string.Join(", ", applied.Select(m => $"{m.Version:D4}_{m.Name}"))}");
            return 0;
        });

        var status = new Command("status", "List schema migrations and whether each is applied");
        status.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            await using var services = runtime.BuildServices();
            var rows = await services.GetRequiredService<Migrator>().StatusAsync(ct);
            var output = parse.InvocationConfiguration.Output;
            await output.WriteLineAsync($"{"VERSION",-8} {"NAME",-32} {"APPLIED (UTC)",-20} NOTE");
            foreach (var r in rows)
                await output.WriteLineAsync($"{r.Version,-8:D4} {r.Name,-32} {(r.AppliedAt is { } at ? at.ToString("yyyy-MM-dd HH:mm:ss") : "pending"),-20} {(r.ChecksumMatches ? "" : "file changed since it was applied")}");
            var pending = rows.Count(r => r.AppliedAt is null);
            await output.WriteLineAsync(pending == 0 ? "Schema is up to date." : $"{pending} migration(s) pending: run `policywatch db migrate`.");
            return 0;
        });

        var backupFile = new Argument<string>("file") { Description = "The dump to write (PostgreSQL custom format)" };
        var backup = new Command("backup", "Dump the whole database to FILE with pg_dump of the server's version (progress on stderr)");
        backup.Arguments.Add(backupFile);
        backup.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            var err = parse.InvocationConfiguration.Error;
            var file = parse.GetValue(backupFile)!;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var steps = 0;
            try
            {
                await DatabaseDump.BackupAsync(runtime.Configuration.GetConnectionString("PolicyWatch")!, file, line => { steps++; err.WriteLine($"[{watch.Elapsed:mm\\:ss}] {line}"); }, ct);
            }
            catch (InvalidOperationException e)
            {
                await err.WriteLineAsync($"policywatch: {e.Message}");
                return 1;
            }
            await parse.InvocationConfiguration.Output.WriteLineAsync($"Backed up to {file} ({new FileInfo(file).Length / 1024} KB, {steps} steps, {watch.Elapsed.TotalSeconds:0.0} s).");
            return 0;
        });

        var restoreFile = new Argument<string>("file") { Description = "A dump written by `policywatch db backup`" };
        var restore = new Command("restore", "Replace the database's contents with the dump in FILE (pg_restore of the server's version), then migrate");
        restore.Arguments.Add(restoreFile);
        restore.SetAction(async (parse, ct) =>
        {
            var file = parse.GetValue(restoreFile)!;
            if (!File.Exists(file)) throw new ConfigurationException($"no such backup: {file}");
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            await using var services = runtime.BuildServices();
            var err = parse.InvocationConfiguration.Error;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                await DatabaseDump.RestoreAsync(runtime.Configuration.GetConnectionString("PolicyWatch")!, file, line => err.WriteLine($"[{watch.Elapsed:mm\\:ss}] {line}"), ct);
            }
            catch (InvalidOperationException e)
            {
                await err.WriteLineAsync($"policywatch: {e.Message}");
                return 1;
            }
            // a dump of an older release gets today's schema
            var applied = await services.GetRequiredService<Migrator>().MigrateAsync(ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"Restored {file} in {watch.Elapsed.TotalSeconds:0.0} s; {applied.Count} migration(s) applied after it.");
            return 0;
        });

        var db = new Command("db", "Database: migrate, status, backup, restore");
        db.Subcommands.Add(migrate);
        db.Subcommands.Add(status);
        db.Subcommands.Add(backup);
        db.Subcommands.Add(restore);
        return db;
    }
}
