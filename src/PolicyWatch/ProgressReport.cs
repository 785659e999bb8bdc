using System.Diagnostics;

namespace PolicyWatch;

/// <summary>
/// Progress of long work (corpus builds, re-tagging): count, rate and time left, one line at most every
/// <see cref="Interval"/> and at the end, to <paramref name="write"/> (a terminal's stderr, or a log). Thread-safe.
/// </summary>
public sealed class ProgressReport(string what, long total, Action<string> write)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _done;
    private long _lastReportTicks;

    /// <summary>Counts <paramref name="n"/> more items done; reports when the interval has passed.</summary>
    public void Advance(long n = 1)
    {
        var done = Interlocked.Add(ref _done, n);
        var now = _watch.Elapsed.Ticks;
        var last = Interlocked.Read(ref _lastReportTicks);
        if (now - last < Interval.Ticks && done < total) return;
        if (Interlocked.CompareExchange(ref _lastReportTicks, now, last) != last) return;
        write(Line(done));
    }

    /// <summary>"what: 120,000/1,000,000 (12%), 3,200/s, about 4 min left".</summary>
    public string Line(long done)
    {
        var seconds = Math.Max(0.001, _watch.Elapsed.TotalSeconds);
        var rate = done / seconds;
        var left = rate > 0 && total > done ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        var leftText = done >= total ? $"done in {_watch.Elapsed.TotalSeconds:0} s" : left.TotalMinutes >= 1 ? $"about {left.TotalMinutes:0} min left" : $"about {left.TotalSeconds:0} s left";
        return $"{what}: {done:N0}/{total:N0} ({100.0 * done / Math.Max(1, total):0}%), {rate:N0}/s, {leftText}";
    }
}
