using System.Globalization;

namespace CivicGrid.Domain.Tests.Sla;

/// <summary>Writes instants as China Standard Time wall-clock text, the way the limits are read by people.</summary>
internal static class Cst
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    private static readonly string[] Formats = ["yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.fffffff"];

    public static DateTimeOffset At(string local) =>
        new(DateTime.ParseExact(local, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None), Offset);

    public static string Show(DateTimeOffset instant) =>
        instant.ToOffset(Offset).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.');

    public static DateOnly Date(string date) => DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
