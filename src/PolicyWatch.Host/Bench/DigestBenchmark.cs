using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using PolicyWatch.Classify;
using PolicyWatch.Digest;
using PolicyWatch.Host.Cli;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Bench;

/// <summary>
/// `policywatch bench digest`: N subscribers over the generated corpus of `bench search`; every digest rendered and sent
/// to a real SMTP server on loopback (Debian's aiosmtpd writing a Maildir), through the same sender the jobs use.
/// </summary>
public static class DigestBenchmark
{
    public static async Task<string> RunAsync(string adminConnectionString, int articles, int subscribers, bool rebuild, TextWriter log, CancellationToken ct)
    {
        var corpus = await BenchCorpus.OpenAsync(adminConnectionString, articles, rebuild, log, ct);
        await using var db = NpgsqlDataSource.Create(corpus.ConnectionString);
        // the corpus's dates are relative to its build, so the digest day is too
        var now = corpus.BuiltAt;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var clear = new NpgsqlCommand("TRUNCATE subscribers CASCADE", conn))
            await clear.ExecuteNonQueryAsync(ct);

        var store = new Store(db);
        var topics = SearchBenchmark.Topics;
        var rng = new Random(5);
        // every tenth subscriber also follows one of five saved searches, a section of its own
        var owner = (await store.ListUsersAsync(ct)).FirstOrDefault(u => u.Username == "bench") ?? await store.CreateUserAsync("bench", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), "analyst", ct);
        var searches = new List<long>();
        foreach (var q in new[] { "q=\"export controls\"", "q=huawei ascend", "q=pax silica&topic=pax-silica", "q=deepseek or qwen", "q=gallium germanium" })
            searches.Add((await store.SaveSearchQueryAsync(owner.Id, q, q, now, ct)).Id);
        var ids = new List<long>();
        for (var i = 0; i < subscribers; i++)
        {
            var mine = topics.OrderBy(_ => rng.Next()).Take(1 + rng.Next(3)).ToArray();
            ids.Add((await store.UpsertSubscriberAsync(new Subscriber
            {
                Email = $"analyst{i}@bench.example", Topics = mine, SendTime = new TimeOnly(0, 0), TimeZone = "UTC",
                SavedSearches = i % 10 == 0 ? [searches[i / 10 % searches.Count]] : [],
            }, ct)).Id);
        }

        var maildir = Path.Combine(Directory.CreateTempSubdirectory("policywatch-bench-mail-").FullName, "mail");
        var port = FreePort();
        var psi = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox", maildir }) psi.ArgumentList.Add(a);
        using var smtp = Process.Start(psi) ?? throw new ConfigurationException("cannot start /usr/bin/python3 -m aiosmtpd (apt-get install python3-aiosmtpd)");
        try
        {
            for (var i = 0; i < 100 && !IsOpen(port); i++) await Task.Delay(100, ct);
            var options = new DigestOptions { SmtpHost = "127.0.0.1", SmtpPort = port, SmtpSecurity = "None", SigningKey = "bench", BaseUrl = "https://pw.example" };
            var classifier = new TopicClassifier(new ClassifyOptions { ModelDir = ClassifyCommands.ModelsRoot() }, NullLogger<TopicClassifier>.Instance);
            var sender = new DigestSender(store, new DigestMailer(options), options, classifier, TimeProvider.System, NullLogger<DigestSender>.Instance);
            var day = DateOnly.FromDateTime(now.UtcDateTime);
            var outcomes = new System.Collections.Concurrent.ConcurrentBag<DigestOutcome>();
            var watch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (id, token) =>
                outcomes.Add(await sender.SendAsync(id, day, token)));
            watch.Stop();
            var files = Directory.Exists(Path.Combine(maildir, "new")) ? Directory.GetFiles(Path.Combine(maildir, "new")) : [];
            var delivered = files.Length;
            var withSearch = files.Count(f => File.ReadAllText(f).Contains("Saved search:", StringComparison.Ordinal));
            await log.WriteLineAsync($"{delivered} digests delivered in {watch.Elapsed.TotalSeconds:0.0} s");
            return $"""
                ## Digests

                `policywatch bench digest --articles {articles} --subscribers {subscribers}` — {subscribers:N0} subscribers (1–3 topics each, every tenth also a saved-search section) over the
                generated corpus of `bench search` ({articles:N0} articles, built in {corpus.BuildTime.TotalSeconds:0} s); every digest built from the
                database, rendered (HTML and text) and sent over SMTP to aiosmtpd on loopback, 8 at a time, through the jobs' sender.
                Measured {DateTime.UtcNow:yyyy-MM-dd} on {BenchmarkReport.Machine()}.

                | subscribers | sent | skipped (empty) | delivered to the Maildir | with a saved-search section | time | digests/s |
                |---|---|---|---|---|---|---|
                | {subscribers} | {outcomes.Count(o => o == DigestOutcome.Sent)} | {outcomes.Count(o => o == DigestOutcome.Skipped)} | {delivered} | {withSearch} | {watch.Elapsed.TotalSeconds:0.0} s | {subscribers / watch.Elapsed.TotalSeconds:0} |

                Target: 1,000 subscribers over 1,000,000 articles in under 60 s.
                """;
        }
        finally
        {
            smtp.Kill(entireProcessTree: true);
            await smtp.WaitForExitAsync(CancellationToken.None);
            Directory.Delete(Path.GetDirectoryName(maildir)!, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }

    private static bool IsOpen(int port)
    {
        try { using var c = new System.Net.Sockets.TcpClient(); c.Connect(System.Net.IPAddress.Loopback, port); return true; }
        catch (System.Net.Sockets.SocketException) { return false; }
    }
}
