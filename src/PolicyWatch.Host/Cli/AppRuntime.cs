using System.CommandLine;
using Microsoft.Extensions.Logging.Console;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Cli;

/// <summary>Global options every verb accepts.</summary>
public sealed record GlobalOptions(string? DataDir, string? ConfigFile);

/// <summary>
/// Configuration and database for one process: reads appsettings, secrets and environment, and when no
/// connection string is configured starts (or joins) the embedded PostgreSQL cluster under the data directory.
/// </summary>
public sealed class AppRuntime : IAsyncDisposable
{
    private readonly LocalPostgres? _embedded;

    private AppRuntime(IConfiguration configuration, ILoggerFactory bootstrapLogs, LocalPostgres? embedded, string dataDir)
    {
        Configuration = configuration;
        BootstrapLogs = bootstrapLogs;
        _embedded = embedded;
        DataDir = dataDir;
    }

    public IConfiguration Configuration { get; }
    public ILoggerFactory BootstrapLogs { get; }
    public string DataDir { get; }
    public bool UsesEmbeddedDatabase => _embedded is not null;

    public static async Task<AppRuntime> StartAsync(GlobalOptions global, CancellationToken ct)
    {
        var baseConfig = BuildConfiguration(global, overrides: []);
        var bootstrapLogs = LoggerFactory.Create(b => ConfigureLogging(b, baseConfig, toStandardError: true));
        var dataDir = Path.GetFullPath(global.DataDir ?? baseConfig["DataDir"] ?? LocalPostgres.DefaultDataDir());

        LocalPostgres? embedded = null;
        var overrides = new Dictionary<string, string?> { ["DataDir"] = dataDir };
        if (string.IsNullOrWhiteSpace(baseConfig.GetConnectionString("PolicyWatch")))
        {
            embedded = await LocalPostgres.StartAsync(new LocalPostgresOptions
            {
                DataDir = dataDir,
                BinDir = baseConfig["Database:PostgresBinDir"],
                Tune = baseConfig.GetValue("Database:Tune", true),
                ExtraServerOptions = LocalPostgres.CheckServerOptions(baseConfig["Database:ServerOptions"] ?? ""),
            }, bootstrapLogs.CreateLogger("PolicyWatch.EmbeddedPostgres"), ct);
            overrides["ConnectionStrings:PolicyWatch"] = embedded.ConnectionString;
        }
        // unsubscribe links need a stable signing key: configured (shared by every machine), else one kept in the data dir
        if (string.IsNullOrEmpty(baseConfig["Digest:SigningKey"]))
            overrides["Digest:SigningKey"] = await LocalKeyAsync(Path.Combine(dataDir, "digest-signing.key"), ct);
        return new AppRuntime(BuildConfiguration(global, overrides), bootstrapLogs, embedded, dataDir);
    }

    private static async Task<string> LocalKeyAsync(string path, CancellationToken ct)
    {
        if (File.Exists(path)) return (await File.ReadAllTextAsync(path, ct)).Trim();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await File.WriteAllTextAsync(path, key, ct);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return key;
    }

    /// <summary>Configuration without a database, for verbs that only fetch or compute.</summary>
    public static Task<AppRuntime> StartWithoutDatabaseAsync(GlobalOptions global)
    {
        var config = BuildConfiguration(global, overrides: []);
        var logs = LoggerFactory.Create(b => ConfigureLogging(b, config, toStandardError: true));
        var dataDir = Path.GetFullPath(global.DataDir ?? config["DataDir"] ?? LocalPostgres.DefaultDataDir());
        return Task.FromResult(new AppRuntime(config, logs, null, dataDir));
    }

    /// <summary>Just the HTTP stack.</summary>
    public ServiceProvider BuildFetchServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration);
        services.AddLogging(b => ConfigureLogging(b, Configuration, toStandardError: true));
        services.AddPolicyWatchFetching(Configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Services for a one-shot command: the pipeline plus logging to standard error (stdout carries results).</summary>
    public ServiceProvider BuildServices(Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration);
        services.AddLogging(b => ConfigureLogging(b, Configuration, toStandardError: true));
        services.AddPolicyWatch(Configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>
    /// A one-shot verb's common frame: start the runtime, migrate, run; an ArgumentException is the user's mistake and
    /// becomes "policywatch: message" with exit code 1.
    /// </summary>
    public static async Task<int> RunVerbAsync(ParseResult parse, CancellationToken ct, Func<IServiceProvider, Task> work)
    {
        await using var runtime = await StartAsync(PolicyWatchCli.Globals(parse), ct);
        await using var services = runtime.BuildServices();
        await services.GetRequiredService<Migrator>().MigrateAsync(ct);
        try
        {
            await work(services);
            return 0;
        }
        catch (ArgumentException e)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"policywatch: {e.Message}");
            return 1;
        }
    }

    /// <summary>Hands this runtime's configuration to a hosted (web or worker) builder.</summary>
    public void Apply(IHostApplicationBuilder builder)
    {
        builder.Configuration.AddConfiguration(Configuration);
        builder.Logging.ClearProviders();
        ConfigureLogging(builder.Logging, Configuration, toStandardError: false);
    }

    public static void ConfigureLogging(ILoggingBuilder logging, IConfiguration config, bool toStandardError)
    {
        logging.AddConfiguration(config.GetSection("Logging"));
        // single-line text logs by default; Logging:Console:FormatterName=json gives structured JSON lines
        var formatter = config["Logging:Console:FormatterName"] ?? ConsoleFormatterNames.Simple;
        logging.AddConsole(o =>
        {
            o.FormatterName = formatter;
            if (toStandardError) o.LogToStandardErrorThreshold = LogLevel.Trace;
        });
        logging.Services.Configure<SimpleConsoleFormatterOptions>(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ "; o.UseUtcTimestamp = true; });
        logging.Services.Configure<JsonConsoleFormatterOptions>(o => { o.UseUtcTimestamp = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; });
    }

    private static IConfiguration BuildConfiguration(GlobalOptions global, Dictionary<string, string?> overrides)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
                          ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true);
        if (global.ConfigFile is not null)
            builder.AddJsonFile(Path.GetFullPath(global.ConfigFile), optional: false);
        // secrets as one file per key (systemd LoadCredential=, Kubernetes/Docker secrets), e.g. ConnectionStrings__PolicyWatch
        var secretsDir = Environment.GetEnvironmentVariable("POLICYWATCH_SECRETS_DIR")
                         ?? Environment.GetEnvironmentVariable("CREDENTIALS_DIRECTORY");
        if (!string.IsNullOrEmpty(secretsDir))
            builder.AddKeyPerFile(secretsDir, optional: true);
        builder.AddEnvironmentVariables();
        builder.AddInMemoryCollection(overrides);
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null) await _embedded.DisposeAsync();
        BootstrapLogs.Dispose();
    }
}
