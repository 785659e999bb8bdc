using System.Collections.Concurrent;

namespace PolicyWatch.Fetch;

/// <summary>
/// Shared request starts: reserves the next start of a request to a host across every process on the database, at
/// least <c>delay</c> after the previous one, and says how long to wait for it.
/// </summary>
public interface IHostSlots
{
    /// <summary>Reserves a start for <paramref name="host"/>; returns how long to wait before starting (zero when at once).</summary>
    Task<TimeSpan> ReserveAsync(string host, TimeSpan delay, CancellationToken ct);
}

/// <summary>
/// Per-host politeness: at most N requests in flight to a host from this process, and a minimum interval between
/// request starts (Fetch:HostDelay, raised by a robots.txt Crawl-delay) kept across every process sharing the
/// database when <see cref="IHostSlots"/> is registered (workers), or within this process otherwise (one-shot verbs).
/// </summary>
public sealed class HostThrottle(FetchOptions options, TimeProvider clock, IHostSlots? shared = null)
{
    private readonly ConcurrentDictionary<string, HostState> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public void SetMinimumDelay(string host, TimeSpan delay) => _hosts.GetOrAdd(host, _ => new HostState(options.MaxConcurrentPerHost)).CrawlDelay = delay;

    public async Task<IDisposable> AcquireAsync(string host, CancellationToken ct)
    {
        var state = _hosts.GetOrAdd(host, _ => new HostState(options.MaxConcurrentPerHost));
        await state.Slots.WaitAsync(ct);
        try
        {
            var delay = options.HostDelay > state.CrawlDelay ? options.HostDelay : state.CrawlDelay;
            if (shared is not null && delay > TimeSpan.Zero)
            {
                var wait = await shared.ReserveAsync(host, delay, ct);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, clock, ct);
                return new Release(state.Slots);
            }
            while (true)
            {
                TimeSpan wait;
                lock (state)
                {
                    var now = clock.GetUtcNow();
                    var next = state.LastStart + delay;
                    if (next <= now)
                    {
                        state.LastStart = now;
                        break;
                    }
                    wait = next - now;
                }
                await Task.Delay(wait, clock, ct);
            }
            return new Release(state.Slots);
        }
        catch
        {
            state.Slots.Release();
            throw;
        }
    }

    private sealed class HostState(int slots)
    {
        public SemaphoreSlim Slots { get; } = new(slots, slots);
        public DateTimeOffset LastStart { get; set; } = DateTimeOffset.MinValue;
        public TimeSpan CrawlDelay { get; set; }
    }

    private sealed class Release(SemaphoreSlim slots) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) slots.Release();
        }
    }
}
