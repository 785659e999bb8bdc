using System.Diagnostics;
using MimeKit;

namespace PolicyWatch.Tests.Support;

/// <summary>A real SMTP server on loopback (Debian's aiosmtpd) writing a Maildir; can be stopped and started again.</summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private readonly string _dir = TempDirs.Create("maildir");
    private Process? _process;

    public int Port { get; } = Ports.FreeLoopbackPort();

    // a path that does not exist yet: aiosmtpd creates the Maildir (tmp/new/cur) only then
    private string Maildir => Path.Combine(_dir, "mail");

    public static async Task<SmtpSink> StartAsync()
    {
        var sink = new SmtpSink();
        await sink.StartAgainAsync();
        return sink;
    }

    public async Task StartAgainAsync()
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        // -n: do not setuid to nobody as root (it could not write the Maildir then)
        foreach (var a in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "policywatch_sink.RejectingMailbox", Maildir }) psi.ArgumentList.Add(a);
        psi.Environment["PYTHONPATH"] = Path.Combine(AppContext.BaseDirectory, "testdata", "smtp");
        _process = Process.Start(psi)!;
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!Ports.IsOpen(Port))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline) throw new InvalidOperationException("aiosmtpd did not start (is python3-aiosmtpd installed?)");
            await Task.Delay(50);
        }
    }

    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    public async Task<IReadOnlyList<MimeMessage>> MessagesAsync()
    {
        var folder = Path.Combine(Maildir, "new");
        if (!Directory.Exists(folder)) return [];
        var list = new List<MimeMessage>();
        foreach (var f in Directory.GetFiles(folder).Order()) list.Add(await MimeMessage.LoadAsync(f));
        return list;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        TempDirs.Delete(_dir);
    }
}
