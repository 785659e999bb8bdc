using System.Diagnostics;
using System.Text;

namespace PolicyWatch.Tests.Support;

/// <summary>The real `policywatch` executable (built beside the tests) run as a child process.</summary>
public sealed class PolicyWatchProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PolicyWatchProcess(Process process) => _process = process;

    public const string TestSigningKey = "policywatch-test-signing-key";

    public int Id => _process.Id;
    public string Output { get { lock (_output) return _output.ToString(); } }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static PolicyWatchProcess Start(IEnumerable<string> args, IDictionary<string, string?>? env = null)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "policywatch.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("ConnectionStrings__PolicyWatch");
        // a fixed key, so no test process writes one into the default data directory
        psi.Environment["Digest__SigningKey"] = TestSigningKey;
        foreach (var (k, v) in env ?? new Dictionary<string, string?>()) psi.Environment[k] = v;
        var process = new Process { StartInfo = psi };
        var p = new PolicyWatchProcess(process);
        process.OutputDataReceived += (_, e) => p.Append(e.Data);
        process.ErrorDataReceived += (_, e) => p.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return p;
    }

    /// <summary>Runs a one-shot command to the end.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? env = null, TimeSpan? timeout = null)
    {
        await using var p = Start(args, env);
        await p.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return (p.ExitCode, p.Output);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) throw new Xunit.Sdk.XunitException($"policywatch exited ({_process.ExitCode}) before printing '{text}':\n{Output}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"policywatch did not print '{text}' in time:\n{Output}");
            await Task.Delay(50);
        }
    }

    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, _process.Id.ToString()]);
        await kill.WaitForExitAsync();
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"policywatch did not exit in {timeout}:\n{Output}"); }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await SignalAsync("TERM");
            try { await WaitForExitAsync(TimeSpan.FromSeconds(30)); }
            catch (TimeoutException) { _process.Kill(entireProcessTree: true); }
        }
        _process.Dispose();
    }
}
