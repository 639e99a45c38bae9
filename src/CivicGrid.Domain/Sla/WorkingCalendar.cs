using System.Collections.Frozen;
using System.Text;

namespace CivicGrid.Domain.Sla;

/// <summary>
/// The working calendar that deadlines are computed on: a time zone, the working periods of a working
/// day, the weekly rest days and the published holiday / make-up-day exceptions. Immutable and
/// thread-safe; every method takes its instants explicitly.
/// </summary>
/// <remarks>
/// <para>A local date is a working day when an exception marks it <see cref="CalendarDayKind.Workday"/>
/// (调休), or when it is not a rest day of the week (Saturday and Sunday by default) and no exception marks
/// it <see cref="CalendarDayKind.Holiday"/>. Dates outside the years the exceptions cover fall back to the
/// weekly rule, so the calendar file must be extended each year when the State Council publishes the next
/// year's arrangement.</para>
/// <para>Working time is the union of the working periods of all working days. All working days share the
/// same periods, so one working day is always <see cref="WorkingTimePerDay"/> of working time
/// (7 h with the default 09:00–12:00 and 13:30–17:30).</para>
/// <para>Instants may carry any offset; results are returned in UTC (offset zero).</para>
/// </remarks>
public sealed class WorkingCalendar
{
    /// <summary>The manifest name of the embedded China calendar (calendar-cn.csv).</summary>
    public const string ChinaCalendarResourceName = "CivicGrid.Domain.Sla.calendar-cn.csv";

    // Upper bound on the days one computation may walk (about 300 years): it can only be reached with a
    // calendar that has (almost) no working days, and turns an endless loop into a clear error.
    private const int MaxDaysScanned = 366 * 300;

    private static readonly Lazy<TimeZoneInfo> ChinaZone = new(LoadChinaTimeZone);
    private static readonly Lazy<WorkingCalendar> ChinaCalendar = new(() => new WorkingCalendar(LoadChinaExceptions()));

    private readonly FrozenDictionary<DateOnly, CalendarException> _exceptions;
    private readonly WorkingPeriod[] _periods;
    private readonly bool[] _restDay = new bool[7];

    /// <summary>Creates a calendar.</summary>
    /// <param name="exceptions">Holidays and make-up working days; at most one per date.</param>
    /// <param name="workingPeriods">Working periods of each working day, in any order, not overlapping;
    /// defaults to <see cref="DefaultWorkingPeriods"/>.</param>
    /// <param name="timeZone">The local time zone; defaults to <see cref="ChinaTimeZone"/>.</param>
    /// <param name="restDays">Weekly rest days; defaults to Saturday and Sunday.</param>
    /// <exception cref="ArgumentException">Duplicate exception dates, no or overlapping working periods,
    /// or every day of the week a rest day.</exception>
    public WorkingCalendar(
        IEnumerable<CalendarException> exceptions,
        IEnumerable<WorkingPeriod>? workingPeriods = null,
        TimeZoneInfo? timeZone = null,
        IEnumerable<DayOfWeek>? restDays = null)
    {
        ArgumentNullException.ThrowIfNull(exceptions);

        var byDate = new Dictionary<DateOnly, CalendarException>();
        foreach (var exception in exceptions)
        {
            ArgumentNullException.ThrowIfNull(exception, nameof(exceptions));
            if (!Enum.IsDefined(exception.Kind))
            {
                throw new ArgumentException($"Calendar exception on {exception.Date:O} has an unknown kind {exception.Kind}.", nameof(exceptions));
            }

            if (!byDate.TryAdd(exception.Date, exception))
            {
                throw new ArgumentException($"Two calendar exceptions for {exception.Date:O}.", nameof(exceptions));
            }
        }

        _exceptions = byDate.ToFrozenDictionary();
        Exceptions = [.. byDate.Values.OrderBy(e => e.Date)];

        _periods = [.. (workingPeriods ?? DefaultWorkingPeriods).OrderBy(p => p.Start)];
        if (_periods.Length == 0)
        {
            throw new ArgumentException("A working calendar needs at least one working period.", nameof(workingPeriods));
        }

        for (var i = 0; i < _periods.Length; i++)
        {
            if (_periods[i].End <= _periods[i].Start)
            {
                throw new ArgumentException("A working period must end after it starts.", nameof(workingPeriods));
            }

            if (i > 0 && _periods[i].Start < _periods[i - 1].End)
            {
                throw new ArgumentException($"Working periods {_periods[i - 1]} and {_periods[i]} overlap.", nameof(workingPeriods));
            }
        }

        WorkingPeriods = Array.AsReadOnly(_periods);
        WorkingTimePerDay = TimeSpan.FromTicks(_periods.Sum(p => p.Duration.Ticks));

        foreach (var day in restDays ?? [DayOfWeek.Saturday, DayOfWeek.Sunday])
        {
            if (!Enum.IsDefined(day))
            {
                throw new ArgumentException($"Unknown day of week {day}.", nameof(restDays));
            }

            _restDay[(int)day] = true;
        }

        if (_restDay.All(r => r))
        {
            throw new ArgumentException("At least one day of the week must be a working day.", nameof(restDays));
        }

        RestDays = [.. Enum.GetValues<DayOfWeek>().Where(d => _restDay[(int)d])];
        TimeZone = timeZone ?? ChinaTimeZone;
    }

    /// <summary>The usual office hours of a Chinese city administration: 09:00–12:00 and 13:30–17:30.</summary>
    public static IReadOnlyList<WorkingPeriod> DefaultWorkingPeriods { get; } = Array.AsReadOnly(
    [
        new WorkingPeriod(new TimeOnly(9, 0), new TimeOnly(12, 0)),
        new WorkingPeriod(new TimeOnly(13, 30), new TimeOnly(17, 30)),
    ]);

    /// <summary>
    /// Asia/Shanghai from the system's time-zone data, or a fixed UTC+8 zone with the same id when the
    /// system has none (China has had no daylight saving time since 1991).
    /// </summary>
    public static TimeZoneInfo ChinaTimeZone => ChinaZone.Value;

    /// <summary>The local time zone of the working periods and exception dates.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>The working periods of every working day, ordered by start.</summary>
    public IReadOnlyList<WorkingPeriod> WorkingPeriods { get; }

    /// <summary>The working time in one working day (the sum of <see cref="WorkingPeriods"/>).</summary>
    public TimeSpan WorkingTimePerDay { get; }

    /// <summary>The weekly rest days.</summary>
    public IReadOnlyList<DayOfWeek> RestDays { get; }

    /// <summary>The exceptions, ordered by date.</summary>
    public IReadOnlyList<CalendarException> Exceptions { get; }

    /// <summary>
    /// The mainland-China calendar: Asia/Shanghai, default working periods, Saturday/Sunday rest days and
    /// the State Council holiday arrangements embedded in the Domain assembly (calendar-cn.csv). The
    /// instance is cached.
    /// </summary>
    public static WorkingCalendar ChinaDefault() => ChinaCalendar.Value;

    /// <summary>The mainland-China calendar with a city's own working periods (e.g. a summer timetable).</summary>
    public static WorkingCalendar ChinaDefault(IEnumerable<WorkingPeriod> workingPeriods)
    {
        ArgumentNullException.ThrowIfNull(workingPeriods);
        return new WorkingCalendar(ChinaCalendar.Value.Exceptions, workingPeriods);
    }

    /// <summary>True when <paramref name="date"/> (a local date) is a working day.</summary>
    public bool IsWorkingDay(DateOnly date) =>
        _exceptions.TryGetValue(date, out var exception)
            ? exception.Kind == CalendarDayKind.Workday
            : !_restDay[(int)date.DayOfWeek];

    /// <summary>The holiday or make-up-day exception on <paramref name="date"/>, if any.</summary>
    public CalendarException? FindException(DateOnly date) => _exceptions.GetValueOrDefault(date);

    /// <summary>True when the instant lies inside a working period (start inclusive, end exclusive) of a working day.</summary>
    public bool IsWorkingTime(DateTimeOffset instant)
    {
        var local = ToLocal(instant);
        var date = DateOnly.FromDateTime(local.DateTime);
        if (!IsWorkingDay(date))
        {
            return false;
        }

        var time = TimeOnly.FromDateTime(local.DateTime);
        return _periods.Any(p => time >= p.Start && time < p.End);
    }

    /// <summary>The instant in the calendar's local time.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, TimeZone);

    /// <summary>
    /// The due instant (UTC) of a time limit that starts at <paramref name="startUtc"/>.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><see cref="TimeLimitUnit.EmergencyWorkHour"/> and <see cref="TimeLimitUnit.NaturalHour"/>:
    /// plain hours, holidays and nights included. <see cref="TimeLimitUnit.NaturalDay"/>: N × 24 h.</item>
    /// <item><see cref="TimeLimitUnit.WorkHour"/>: only time inside working periods of working days counts.
    /// A start outside working time begins counting at the next working period. The due instant is the
    /// earliest instant at which the working time is used up, so it lies inside a working period or exactly
    /// at a period's end (a limit that uses up the morning is due at 12:00, not at 13:30).</item>
    /// <item><see cref="TimeLimitUnit.WorkDay"/>: one working day is one <see cref="WorkingTimePerDay"/> of
    /// working time, so N working days are due at the same position in the working day N working days
    /// later: started at 10:00 on a working day, 1 working day is due at 10:00 on the next working day.
    /// A start outside working time is first moved to the next working period start, which makes the
    /// start day count in full when the work is received before office hours: received on Monday 08:00 or
    /// 09:00, 1 working day is due on Monday 17:30; received on Friday evening, on Monday 17:30. A start
    /// during the lunch break is due at 12:00 N working days later. Fractions are fractions of
    /// <see cref="WorkingTimePerDay"/>.</item>
    /// </list>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="limit"/> is <c>default</c>.</exception>
    public DateTimeOffset AddTime(DateTimeOffset startUtc, TimeLimit limit)
    {
        if (!limit.IsValid)
        {
            throw new ArgumentException("The time limit is empty (default).", nameof(limit));
        }

        return Shift(startUtc, limit.Value, limit.Unit);
    }

    /// <summary>
    /// The amount of <paramref name="unit"/> time between two instants: natural hours or days for the natural
    /// units and <see cref="TimeLimitUnit.EmergencyWorkHour"/>; working hours inside working periods for
    /// <see cref="TimeLimitUnit.WorkHour"/>; that working time divided by <see cref="WorkingTimePerDay"/> for
    /// <see cref="TimeLimitUnit.WorkDay"/> (a fraction of a working day, 0.5 = half a day's working time).
    /// </summary>
    /// <remarks>
    /// It is the inverse of <see cref="AddTime"/>: <c>Elapsed(s, AddTime(s, limit), limit.Unit) == limit.Value</c>
    /// (to the tick). It is additive, and antisymmetric: when <paramref name="toUtc"/> is before
    /// <paramref name="fromUtc"/> the result is negative.
    /// </remarks>
    public decimal Elapsed(DateTimeOffset fromUtc, DateTimeOffset toUtc, TimeLimitUnit unit) =>
        (decimal)MeasureTicks(fromUtc, toUtc, unit) / UnitTicks(unit);

    /// <summary>
    /// Moves an instant by a signed amount of <paramref name="unit"/> time. For the working units the result
    /// is the earliest instant with that working-time position (inside a working period or at its end).
    /// </summary>
    internal DateTimeOffset Shift(DateTimeOffset instant, decimal amount, TimeLimitUnit unit)
    {
        var ticks = checked((long)decimal.Round(amount * UnitTicks(unit), MidpointRounding.AwayFromZero));
        return ShiftTicks(instant, ticks, unit);
    }

    private DateTimeOffset ShiftTicks(DateTimeOffset instant, long ticks, TimeLimitUnit unit)
    {
        var utc = instant.ToUniversalTime();
        if (!unit.CountsWorkingTimeOnly())
        {
            return utc.AddTicks(ticks);
        }

        return ticks switch
        {
            > 0 => AddWorkingTicks(utc, ticks),
            < 0 => SubtractWorkingTicks(utc, -ticks),
            _ => utc,
        };
    }

    private long MeasureTicks(DateTimeOffset from, DateTimeOffset to, TimeLimitUnit unit)
    {
        if (!Enum.IsDefined(unit))
        {
            throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time-limit unit.");
        }

        if (!unit.CountsWorkingTimeOnly())
        {
            return (to - from).Ticks;
        }

        return to >= from ? WorkingTicksBetween(from, to) : -WorkingTicksBetween(to, from);
    }

    private long UnitTicks(TimeLimitUnit unit) => unit switch
    {
        TimeLimitUnit.EmergencyWorkHour or TimeLimitUnit.WorkHour or TimeLimitUnit.NaturalHour => TimeSpan.TicksPerHour,
        TimeLimitUnit.NaturalDay => TimeSpan.TicksPerDay,
        TimeLimitUnit.WorkDay => WorkingTimePerDay.Ticks,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time-limit unit."),
    };

    private long WorkingTicksBetween(DateTimeOffset from, DateTimeOffset to)
    {
        long total = 0;
        var last = LocalDate(to);
        for (var day = LocalDate(from); day <= last; day = day.AddDays(1))
        {
            if (!IsWorkingDay(day))
            {
                continue;
            }

            foreach (var period in _periods)
            {
                var (start, end) = PeriodUtc(day, period);
                var overlapStart = start > from ? start : from;
                var overlapEnd = end < to ? end : to;
                if (overlapEnd > overlapStart)
                {
                    total += (overlapEnd - overlapStart).Ticks;
                }
            }
        }

        return total;
    }

    private DateTimeOffset AddWorkingTicks(DateTimeOffset start, long ticks)
    {
        var remaining = ticks;
        var day = LocalDate(start);
        for (var scanned = 0; scanned < MaxDaysScanned; scanned++, day = day.AddDays(1))
        {
            if (!IsWorkingDay(day))
            {
                continue;
            }

            foreach (var period in _periods)
            {
                var (periodStart, periodEnd) = PeriodUtc(day, period);
                if (periodEnd <= start)
                {
                    continue;
                }

                var from = periodStart > start ? periodStart : start;
                var available = (periodEnd - from).Ticks;
                if (remaining <= available)
                {
                    return from.AddTicks(remaining);
                }

                remaining -= available;
            }
        }

        throw NoWorkingTime(start);
    }

    private DateTimeOffset SubtractWorkingTicks(DateTimeOffset end, long ticks)
    {
        var remaining = ticks;
        var day = LocalDate(end);
        for (var scanned = 0; scanned < MaxDaysScanned; scanned++, day = day.AddDays(-1))
        {
            if (!IsWorkingDay(day))
            {
                continue;
            }

            for (var i = _periods.Length - 1; i >= 0; i--)
            {
                var (periodStart, periodEnd) = PeriodUtc(day, _periods[i]);
                if (periodStart >= end)
                {
                    continue;
                }

                var to = periodEnd < end ? periodEnd : end;
                var available = (to - periodStart).Ticks;

                // Strictly less: when the amount runs out exactly at a period start, walk on to the end of
                // the previous period (remaining is then 0), the earliest instant with that working-time position.
                if (remaining < available)
                {
                    return to.AddTicks(-remaining);
                }

                remaining -= available;
            }
        }

        throw NoWorkingTime(end);
    }

    private (DateTimeOffset Start, DateTimeOffset End) PeriodUtc(DateOnly day, WorkingPeriod period) =>
        (ToUtc(day.ToDateTime(period.Start)), ToUtc(day.ToDateTime(period.End)));

    private DateTimeOffset ToUtc(DateTime local) =>
        new DateTimeOffset(local, TimeZone.GetUtcOffset(local)).ToUniversalTime();

    private DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(ToLocal(instant).DateTime);

    private static InvalidOperationException NoWorkingTime(DateTimeOffset instant) =>
        new($"The working calendar has no working time within {MaxDaysScanned} days of {instant:O}.");

    private static TimeZoneInfo LoadChinaTimeZone() =>
        TimeZoneInfo.TryFindSystemTimeZoneById("Asia/Shanghai", out var zone)
            ? zone
            : TimeZoneInfo.CreateCustomTimeZone("Asia/Shanghai", TimeSpan.FromHours(8), "China Standard Time", "China Standard Time");

    private static IReadOnlyList<CalendarException> LoadChinaExceptions()
    {
        using var stream = typeof(WorkingCalendar).Assembly.GetManifestResourceStream(ChinaCalendarResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ChinaCalendarResourceName} is missing from the Domain assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return CalendarCsv.Parse(reader);
    }
}
