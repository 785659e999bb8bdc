using System.Collections.Concurrent;

namespace PolicyWatch.Fetch;

/// <summary>
/// Requests to one host shared by every process on the database: one at a time, each starting at least <c>delay</c>
/// after the previous one ended, so the host sees the delay between requests however busy any client machine is.
/// </summary>
public interface IHostSlots
{
    /// <summary>
    /// Waits until this process may send a request to <paramref name="host"/> (the previous one, from any process,
    /// ended at least <paramref name="delay"/> ago) and holds the host until the returned lease is disposed, which
    /// records the end. Throws <see cref="OperationCanceledException"/> when <paramref name="ct"/> fires while waiting.
    /// </summary>
    Task<IAsyncDisposable> AcquireAsync(string host, TimeSpan delay, CancellationToken ct);
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

    public async Task<IAsyncDisposable> AcquireAsync(string host, CancellationToken ct)
    {
        var state = _hosts.GetOrAdd(host, _ => new HostState(options.MaxConcurrentPerHost));
        await state.Slots.WaitAsync(ct);
        try
        {
            var delay = options.HostDelay > state.CrawlDelay ? options.HostDelay : state.CrawlDelay;
            if (shared is not null && delay > TimeSpan.Zero)
                return new SharedRelease(state.Slots, await shared.AcquireAsync(host, delay, ct));
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

    private sealed class Release(SemaphoreSlim slots) : IAsyncDisposable
    {
        private int _done;
        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) slots.Release();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class SharedRelease(SemaphoreSlim slots, IAsyncDisposable lease) : IAsyncDisposable
    {
        private int _done;
        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0) return;
            try { await lease.DisposeAsync(); }
            finally { slots.Release(); }
        }
    }
}
