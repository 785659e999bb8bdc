using System.Globalization;
using Hangfire;
using Microsoft.Extensions.Logging;
using PolicyWatch.Digest;

namespace PolicyWatch.Jobs;

/// <summary>Recurring (`send-digests`): one send job per due (subscriber, local day).</summary>
public sealed class SendDigestsJob(DigestSender sender, PolicyWatch.Storage.Store store, TimeProvider clock, IBackgroundJobClient jobs, ILogger<SendDigestsJob> log)
{
    [Queue(JobQueues.Digest), AutomaticRetry(Attempts = 0), DisableConcurrentExecution(60)]
    public async Task RunAsync(CancellationToken ct)
    {
        var due = await sender.DueAsync(ct);
        foreach (var (subscriberId, day) in due)
        {
            var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            jobs.Enqueue<SendDigestJob>(j => j.RunAsync(subscriberId, date, CancellationToken.None));
        }
        if (due.Count > 0) log.LogInformation("Enqueued {Count} digest(s)", due.Count);
        // what digests carried is needed only as far back as a candidate query looks (a period plus its lookback)
        await store.PruneDigestItemsAsync(DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-60), ct);
    }
}

/// <summary>Sends one digest; a temporary SMTP failure throws so Hangfire retries it.</summary>
public sealed class SendDigestJob(DigestSender sender)
{
    [Queue(JobQueues.Digest), AutomaticRetry(Attempts = 8, DelaysInSeconds = [60, 120, 300, 600, 1200, 1800, 3600, 3600])]
    public Task RunAsync(long subscriberId, string day, CancellationToken ct) =>
        sender.SendAsync(subscriberId, DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture), ct);
}
