using PolicyWatch.Host.Cli;

namespace PolicyWatch.Tests.Cli;

public sealed class PolicyWatchCliTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await PolicyWatchCli.RunAsync(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Help_ListsEveryVerbWithOneLineHelp()
    {
        var (exit, output, _) = await RunAsync("--help");
        Assert.Equal(0, exit);
        foreach (var verb in PolicyWatchCli.Build().Subcommands)
            Assert.Matches($@"(?m)^\s+{verb.Name}\b.*\S", output);
    }

    [Theory]
    [InlineData("no-such-verb")]
    [InlineData("db")]
    [InlineData("db", "frobnicate")]
    [InlineData("serve", "--no-such-option")]
    [InlineData("--data-dir")]
    public async Task BadArguments_PrintUsageAndExit2(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);
        Assert.Equal(PolicyWatchCli.UsageError, exit);
        Assert.Contains("Usage:", error);
        Assert.StartsWith("policywatch: ", error);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("sources")]
    [InlineData("articles")]
    [InlineData("article", "1")]
    [InlineData("db", "status")]
    public async Task UnreachableDatabase_OneClearLineAndExit1_NoStackTrace(params string[] args)
    {
        var (exit, _, error) = await PolicyWatch.Tests.Support.PolicyWatchProcess.RunAsync(args, new Dictionary<string, string?>
        {
            ["ConnectionStrings__PolicyWatch"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=nothing;Timeout=3",
        }) is var r ? (r.ExitCode, "", r.Output) : default;
        Assert.Equal(1, exit);
        Assert.StartsWith("policywatch: database: ", error.Trim());
        Assert.DoesNotContain("   at ", error);
    }

    [Theory]
    [InlineData("feed", "/no/such/file.xml")]
    [InlineData("extract", "/no/such/page.html")]
    [InlineData("ingest", "--once", "--feeds", "/no/such/feeds.json")]
    public async Task MissingInputFile_OneClearLineAndExit1(params string[] args)
    {
        var (exit, output) = await PolicyWatch.Tests.Support.PolicyWatchProcess.RunAsync(args, new Dictionary<string, string?>
        {
            ["ConnectionStrings__PolicyWatch"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=nothing;Timeout=3",
        });
        Assert.Equal(1, exit);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/no/such/", output);
    }
}
