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

        var db = new Command("db", "Database schema: migrate, status");
        db.Subcommands.Add(migrate);
        db.Subcommands.Add(status);
        return db;
    }
}
