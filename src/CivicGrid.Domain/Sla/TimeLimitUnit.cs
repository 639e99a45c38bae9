namespace CivicGrid.Domain.Sla;

/// <summary>
/// The units in which Chinese city-management time limits (时限) are written
/// (CJ/T 315 / GB/T 30428.8 style tables, see standards.md §4.4).
/// </summary>
public enum TimeLimitUnit
{
    /// <summary>紧急工作时: urgent, safety-related work, counted around the clock (natural time).</summary>
    EmergencyWorkHour = 0,

    /// <summary>工作时: only the time inside the working periods of working days counts.</summary>
    WorkHour = 1,

    /// <summary>工作日: working days; weekends and public holidays do not count, make-up days (调休) do.</summary>
    WorkDay = 2,

    /// <summary>小时: natural hours.</summary>
    NaturalHour = 3,

    /// <summary>天: natural days of 24 hours.</summary>
    NaturalDay = 4,
}

/// <summary>Display names and parsing for <see cref="TimeLimitUnit"/>.</summary>
public static class TimeLimitUnitExtensions
{
    /// <summary>The Simplified Chinese name used in local time-limit tables, e.g. "工作时".</summary>
    public static string ChineseName(this TimeLimitUnit unit) => unit switch
    {
        TimeLimitUnit.EmergencyWorkHour => "紧急工作时",
        TimeLimitUnit.WorkHour => "工作时",
        TimeLimitUnit.WorkDay => "工作日",
        TimeLimitUnit.NaturalHour => "小时",
        TimeLimitUnit.NaturalDay => "天",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time-limit unit."),
    };

    /// <summary>The English display name (plural), e.g. "working hours".</summary>
    public static string EnglishName(this TimeLimitUnit unit) => unit switch
    {
        TimeLimitUnit.EmergencyWorkHour => "emergency working hours",
        TimeLimitUnit.WorkHour => "working hours",
        TimeLimitUnit.WorkDay => "working days",
        TimeLimitUnit.NaturalHour => "hours",
        TimeLimitUnit.NaturalDay => "days",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time-limit unit."),
    };

    /// <summary>
    /// True for the units that count only working time of the working calendar
    /// (<see cref="TimeLimitUnit.WorkHour"/>, <see cref="TimeLimitUnit.WorkDay"/>);
    /// false for the units counted in natural (wall-clock) time.
    /// </summary>
    public static bool CountsWorkingTimeOnly(this TimeLimitUnit unit) =>
        unit is TimeLimitUnit.WorkHour or TimeLimitUnit.WorkDay;

    /// <summary>
    /// Reads a unit from its enum name (case-insensitive, e.g. "WorkHour") or its Chinese name (e.g. "工作时").
    /// </summary>
    public static bool TryParseUnit(string? text, out TimeLimitUnit unit)
    {
        unit = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var token = text.Trim();
        foreach (var candidate in Enum.GetValues<TimeLimitUnit>())
        {
            if (string.Equals(token, candidate.ToString(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(token, candidate.ChineseName(), StringComparison.Ordinal))
            {
                unit = candidate;
                return true;
            }
        }

        return false;
    }
}
