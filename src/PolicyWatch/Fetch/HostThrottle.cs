using System.Collections.Concurrent;

namespace PolicyWatch.Fetch;

/// <summary>
/// Per-host politeness inside one process: at most N requests in flight to a host, and a minimum interval
/// between request starts (Fetch:HostDelay, raised by a robots.txt Crawl-delay).
/// </summary>
public sealed class HostThrottle(FetchOptions options, TimeProvider clock)
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
