using BenchmarkDotNet.Attributes;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Bench;

/// <summary>
/// <see cref="WorkingCalendar.AddTime"/>: every stage clock start, extension and resume computes a due
/// and a warning instant with it, on the Asia/Shanghai calendar with holidays and make-up working days.
/// </summary>
[MemoryDiagnoser]
public class WorkingCalendarBenchmarks
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private readonly WorkingCalendar _calendar = WorkingCalendar.ChinaDefault();

    // A Tuesday morning, a Friday afternoon, and the last working day before the 2025 National Day week.
    private readonly DateTimeOffset _tuesdayMorning = new DateTimeOffset(2025, 11, 18, 10, 0, 0, Cst).ToUniversalTime();
    private readonly DateTimeOffset _fridayAfternoon = new DateTimeOffset(2025, 11, 21, 16, 0, 0, Cst).ToUniversalTime();
    private readonly DateTimeOffset _beforeNationalDay = new DateTimeOffset(2025, 9, 30, 15, 0, 0, Cst).ToUniversalTime();

    [Benchmark(Baseline = true)]
    public DateTimeOffset NaturalHour_Half() => _calendar.AddTime(_tuesdayMorning, TimeLimit.NaturalHours(0.5m));

    [Benchmark]
    public DateTimeOffset WorkHour_Half_SameDay() => _calendar.AddTime(_tuesdayMorning, TimeLimit.WorkHours(0.5m));

    [Benchmark]
    public DateTimeOffset WorkHour_4_OverWeekend() => _calendar.AddTime(_fridayAfternoon, TimeLimit.WorkHours(4m));

    [Benchmark]
    public DateTimeOffset WorkDay_2_OverWeekend() => _calendar.AddTime(_fridayAfternoon, TimeLimit.WorkDays(2m));

    [Benchmark]
    public DateTimeOffset WorkDay_5_OverNationalDay() => _calendar.AddTime(_beforeNationalDay, TimeLimit.WorkDays(5m));

    [Benchmark]
    public decimal Elapsed_WorkHour_3Weeks() => _calendar.Elapsed(_beforeNationalDay, _beforeNationalDay.AddDays(21), TimeLimitUnit.WorkHour);
}
