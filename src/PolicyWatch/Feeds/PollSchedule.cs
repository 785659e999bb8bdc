namespace PolicyWatch.Feeds;

/// <summary>
/// When to poll a source next. Poll more often while it publishes, back off while it does not, never below a floor
/// or above a ceiling derived from its configured interval; failures back off exponentially; a server's
/// Retry-After and Cache-Control max-age are honoured.
/// </summary>
public static class PollSchedule
{
    public static readonly TimeSpan AbsoluteFloor = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan AbsoluteCeiling = TimeSpan.FromDays(1);
    public const int UnhealthyAfterFailures = 5;

    public static TimeSpan Floor(TimeSpan configured) => Max(AbsoluteFloor, configured / 4);
    public static TimeSpan Ceiling(TimeSpan configured) => Max(configured, Min(AbsoluteCeiling, configured * 8));

    public static TimeSpan AfterSuccess(TimeSpan configured, TimeSpan current, int newItems, TimeSpan? maxAge)
    {
        var next = newItems > 0 ? current * 0.7 : current * 1.3;
        if (maxAge is { } age) next = Max(next, age);
        return Clamp(next, Floor(configured), Ceiling(configured));
    }

    public static TimeSpan AfterFailure(TimeSpan configured, int consecutiveFailures, TimeSpan? retryAfter)
    {
        var backoff = configured * Math.Pow(2, Math.Min(consecutiveFailures, 10) - 1);
        if (retryAfter is { } wait) backoff = Max(backoff, wait);
        return Clamp(backoff, Floor(configured), AbsoluteCeiling);
    }

    /// <summary>Nothing new for ten typical gaps (and at least three days) means the source has gone quiet or broken.</summary>
    public static bool IsStale(DateTimeOffset now, DateTimeOffset? lastNewItem, TimeSpan? averageGap, DateTimeOffset created)
    {
        var usual = Max(TimeSpan.FromDays(3), (averageGap ?? TimeSpan.FromDays(1)) * 10);
        return now - (lastNewItem ?? created) > usual;
    }

    public static TimeSpan UpdateAverageGap(TimeSpan? average, TimeSpan gap) =>
        average is { } a ? a * 0.8 + gap * 0.2 : gap;

    private static TimeSpan Clamp(TimeSpan v, TimeSpan lo, TimeSpan hi) => v < lo ? lo : v > hi ? hi : v;
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
