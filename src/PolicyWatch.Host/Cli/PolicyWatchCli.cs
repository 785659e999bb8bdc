using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Cli;

/// <summary>The verbs of the `policywatch` executable. Usage errors exit with 2.</summary>
public static class PolicyWatchCli
{
    public const int UsageError = 2;

    public static readonly Option<string?> DataDirOption = new("--data-dir")
    {
        Description = "Data directory (embedded database, caches). Default: /var/lib/policywatch as root, else ~/.local/share/policywatch",
        Recursive = true,
    };

    public static readonly Option<string?> ConfigOption = new("--config")
    {
        Description = "Extra JSON configuration file, read after appsettings.json",
        Recursive = true,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("PolicyWatch: watches AI-technology policy sources, extracts, tags and searches articles, and mails daily digests.");
        root.Options.Add(DataDirOption);
        root.Options.Add(ConfigOption);
        root.Subcommands.Add(ServeCommand.Build());
        root.Subcommands.Add(ServeCommand.BuildWorker());
        root.Subcommands.Add(DbCommands.Build());
        root.Subcommands.Add(IngestCommands.BuildIngest());
        root.Subcommands.Add(IngestCommands.BuildSources());
        root.Subcommands.Add(IngestCommands.BuildArticles());
        root.Subcommands.Add(FeedCommand.Build());
        root.Subcommands.Add(ExtractCommand.Build());
        root.Subcommands.Add(ArtefactCommands.Build());
        root.Subcommands.Add(ArtefactCommands.BuildShow());
        root.Subcommands.Add(ClassifyCommands.BuildTrain());
        root.Subcommands.Add(ClassifyCommands.BuildClassify());
        root.Subcommands.Add(ClassifyCommands.BuildEval());
        root.Subcommands.Add(ClassifyCommands.BuildReclassify());
        root.Subcommands.Add(SearchCommands.BuildSearch());
        root.Subcommands.Add(SearchCommands.BuildArticle());
        root.Subcommands.Add(SearchCommands.BuildUsers());
        root.Subcommands.Add(SearchCommands.BuildApiKeys());
        root.Subcommands.Add(SearchCommands.BuildSavedSearches());
        root.Subcommands.Add(DigestCommands.BuildSubscribers());
        root.Subcommands.Add(DigestCommands.BuildDigest());
        root.Subcommands.Add(BenchCommand.Build());
        return root;
    }

    public static GlobalOptions Globals(ParseResult parse) => new(parse.GetValue(DataDirOption), parse.GetValue(ConfigOption));

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = Build();
        // no verb means `serve`, the main job
        if (HasOnlyGlobalValues(args))
            args = [.. args, "serve"];
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) await stderr.WriteLineAsync($"policywatch: {error.Message}");
            await stderr.WriteLineAsync();
            var helpArgs = parse.CommandResult.Command == root ? new[] { "--help" } : CommandPath(parse).Append("--help").ToArray();
            root.Parse(helpArgs).Invoke(new InvocationConfiguration { Output = stderr, Error = stderr });
            return UsageError;
        }

        using var cts = new CancellationTokenSource();
        // Ctrl-C / SIGTERM cancel the verb, so `finally` blocks (stopping the embedded cluster) still run
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, cts.Token);
        }
        catch (Exception e) when (e is PostgresNotInstalledException or OptionsValidationException or ConfigurationException)
        {
            await stderr.WriteLineAsync($"policywatch: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return 130;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is "3D000")
        {
            await stderr.WriteLineAsync($"policywatch: the database does not exist: {e.MessageText}. Create it (createdb), then run `policywatch db migrate`.");
            return 1;
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is "42P01" or "42703")
        {
            await stderr.WriteLineAsync($"policywatch: the database's schema is missing or older than this version ({e.MessageText}): run `policywatch db migrate`.");
            return 1;
        }
        catch (Npgsql.NpgsqlException e)
        {
            await stderr.WriteLineAsync($"policywatch: database: {OneLine(e)}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"policywatch: {OneLine(e)}");
            return 1;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("POLICYWATCH_TRACE") != "1")
        {
            // operators get one line; POLICYWATCH_TRACE=1 shows the stack for a bug report
            await stderr.WriteLineAsync($"policywatch: unexpected {e.GetType().Name}: {OneLine(e)} (run with POLICYWATCH_TRACE=1 for details)");
            return 70;
        }

        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            cts.Cancel();
        }
    }

    private static string OneLine(Exception e)
    {
        var message = e.InnerException is { } inner && !e.Message.Contains(inner.Message) ? $"{e.Message} ({inner.Message})" : e.Message;
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>True when every argument is a global option or its value (so the verb is missing); true for none.</summary>
    private static bool HasOnlyGlobalValues(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--data-dir" or "--config") { i++; continue; }
            if (args[i].StartsWith("--data-dir=") || args[i].StartsWith("--config=")) continue;
            return false;
        }
        return true;
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var r = parse.CommandResult; r.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent)
            names.Push(r.Command.Name);
        return names;
    }
}
