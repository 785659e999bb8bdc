namespace PolicyWatch.Digest;

/// <summary>
/// When a subscriber's digest is due and which period it covers, in the subscriber's IANA time zone. A local send time
/// that does not exist (the spring-forward gap) moves to the first valid minute after it; one that occurs twice (the
/// autumn overlap) is taken at its first occurrence.
/// </summary>
public static class DigestSchedule
{
    public static bool IsDeliveryDay(DateOnly day, string frequency) =>
        frequency != "weekdays" || day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>The instant of the send time on a local date.</summary>
    public static DateTimeOffset SendInstant(DateOnly day, TimeOnly sendTime, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(sendTime, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>The local date whose digest is due at <paramref name="now"/>, or null (not yet time, or not a delivery day).</summary>
    public static DateOnly? DueDate(DateTimeOffset now, TimeOnly sendTime, string frequency, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        if (!IsDeliveryDay(today, frequency)) return null;
        return now >= SendInstant(today, sendTime, zone) ? today : null;
    }

    /// <summary>The period a digest covers: from the previous delivery day's send time to this one's.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Period(DateOnly day, TimeOnly sendTime, string frequency, TimeZoneInfo zone)
    {
        var previous = day.AddDays(-1);
        while (!IsDeliveryDay(previous, frequency)) previous = previous.AddDays(-1);
        return (SendInstant(previous, sendTime, zone), SendInstant(day, sendTime, zone));
    }
}
