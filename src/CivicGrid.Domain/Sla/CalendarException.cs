namespace CivicGrid.Domain.Sla;

/// <summary>How a calendar exception changes a date.</summary>
public enum CalendarDayKind
{
    /// <summary>A public holiday (法定节假日/放假): a rest day even when it falls on a weekday.</summary>
    Holiday = 0,

    /// <summary>A make-up working day (调休上班): a working day even when it falls on a weekend.</summary>
    Workday = 1,
}

/// <summary>One published deviation from the weekly pattern, e.g. 2025-09-28 is a 调休 working Sunday.</summary>
/// <param name="Date">The local (Asia/Shanghai) date.</param>
/// <param name="Kind">Whether the date is a holiday or a make-up working day.</param>
/// <param name="Name">The occasion, e.g. "国庆节、中秋节".</param>
public sealed record CalendarException(DateOnly Date, CalendarDayKind Kind, string Name);
