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
}
