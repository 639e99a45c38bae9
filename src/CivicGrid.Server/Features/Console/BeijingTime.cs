using System.Globalization;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Server.Features.WebConsole;

/// <summary>Instants as the centre reads them: Asia/Shanghai wall-clock time.</summary>
public static class BeijingTime
{
    /// <summary><c>2026-03-02 09:30</c> in Beijing time.</summary>
    public static string Format(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, WorkingCalendar.ChinaTimeZone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Formats a nullable instant; empty when null.</summary>
    public static string Format(DateTimeOffset? instant) => instant is { } i ? Format(i) : string.Empty;
}
