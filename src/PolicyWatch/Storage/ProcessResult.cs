using System.Diagnostics;
using System.Text;

namespace PolicyWatch.Storage;

internal sealed record ProcessResult(int ExitCode, string Output)
{
    public static async Task<ProcessResult> RunAsync(ProcessStartInfo psi, CancellationToken ct)
    {
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new ProcessResult(127, $"{psi.FileName}: {e.Message}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(ct);
        lock (output) return new ProcessResult(process.ExitCode, output.ToString());
    }
}
