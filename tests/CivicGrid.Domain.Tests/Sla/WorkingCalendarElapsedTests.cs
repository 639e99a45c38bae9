using System.Globalization;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Tests.Sla;

public class WorkingCalendarElapsedTests
{
    private static readonly WorkingCalendar China = WorkingCalendar.ChinaDefault();

    private static decimal Dec(string value) => decimal.Parse(value, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2025-06-09 10:00", "2025-06-09 11:00", TimeLimitUnit.WorkHour, "1")]
    [InlineData("2025-06-09 10:00", "2025-06-09 15:00", TimeLimitUnit.WorkHour, "3.5")]
    [InlineData("2025-06-09 12:00", "2025-06-09 13:30", TimeLimitUnit.WorkHour, "0")]
    [InlineData("2025-06-09 07:00", "2025-06-09 20:00", TimeLimitUnit.WorkHour, "7")]
    [InlineData("2025-06-13 16:00", "2025-06-16 10:00", TimeLimitUnit.WorkHour, "2.5")]
    [InlineData("2025-06-14 00:00", "2025-06-15 23:59", TimeLimitUnit.WorkHour, "0")]
    [InlineData("2025-09-30 09:00", "2025-10-09 09:00", TimeLimitUnit.WorkHour, "7")]
    [InlineData("2025-09-30 09:00", "2025-10-09 09:00", TimeLimitUnit.WorkDay, "1")]
    [InlineData("2025-09-27 00:00", "2025-09-29 00:00", TimeLimitUnit.WorkHour, "7")] // make-up Sunday
    [InlineData("2026-02-14 00:00", "2026-02-24 00:00", TimeLimitUnit.WorkDay, "1")] // only the make-up Saturday
    [InlineData("2025-06-09 09:00", "2025-06-13 17:30", TimeLimitUnit.WorkDay, "5")]
    [InlineData("2025-06-09 09:00", "2025-06-09 14:00", TimeLimitUnit.WorkDay, "0.5")]
    [InlineData("2025-06-09 10:00", "2025-06-09 11:30", TimeLimitUnit.NaturalHour, "1.5")]
    [InlineData("2025-10-01 10:00", "2025-10-01 11:30", TimeLimitUnit.EmergencyWorkHour, "1.5")]
    [InlineData("2025-09-30 20:00", "2025-10-02 08:00", TimeLimitUnit.NaturalDay, "1.5")]
    public void Elapsed_Examples(string from, string to, TimeLimitUnit unit, string expected) =>
        Assert.Equal(Dec(expected), China.Elapsed(Cst.At(from), Cst.At(to), unit));

    [Theory]
    [InlineData(TimeLimitUnit.WorkHour)]
    [InlineData(TimeLimitUnit.WorkDay)]
    [InlineData(TimeLimitUnit.NaturalHour)]
    public void Elapsed_Reversed_IsNegative(TimeLimitUnit unit)
    {
        var a = Cst.At("2025-06-13 16:00");
        var b = Cst.At("2025-06-16 10:00");

        Assert.True(China.Elapsed(a, b, unit) > 0m);
        Assert.Equal(-China.Elapsed(a, b, unit), China.Elapsed(b, a, unit));
        Assert.Equal(0m, China.Elapsed(a, a, unit));
    }

    [Fact]
    public void Elapsed_IgnoresTheOffsetOfTheInputs()
    {
        var fromUtc = new DateTimeOffset(2025, 6, 9, 2, 0, 0, TimeSpan.Zero); // 10:00 in Beijing

        Assert.Equal(1m, China.Elapsed(fromUtc, Cst.At("2025-06-09 11:00"), TimeLimitUnit.WorkHour));
    }

    [Fact]
    public void Elapsed_UnknownUnit_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => China.Elapsed(Cst.At("2025-06-09 10:00"), Cst.At("2025-06-09 11:00"), (TimeLimitUnit)9));

    public static TheoryData<TimeLimitUnit> AllUnits => new(Enum.GetValues<TimeLimitUnit>());

    /// <summary>Elapsed(start, AddTime(start, L)) == L.Value for many seeded random starts and limits.</summary>
    [Theory]
    [MemberData(nameof(AllUnits))]
    public void Elapsed_OfAddTime_IsTheLimit(TimeLimitUnit unit)
    {
        var random = new Random(20251001 + (int)unit);
        var origin = Cst.At("2025-01-01 00:00");
        for (var i = 0; i < 400; i++)
        {
            var start = origin.AddSeconds(random.NextInt64(0, 2L * 365 * 24 * 3600));
            var limit = new TimeLimit(random.Next(1, 160) * 0.25m, unit);

            var due = China.AddTime(start, limit);

            Assert.True(due > start);
            Assert.True(
                limit.Value == China.Elapsed(start, due, unit),
                string.Create(CultureInfo.InvariantCulture, $"{Cst.Show(start)} + {limit} = {Cst.Show(due)}, elapsed {China.Elapsed(start, due, unit)}"));
        }
    }

    [Theory]
    [MemberData(nameof(AllUnits))]
    public void Elapsed_IsAdditive(TimeLimitUnit unit)
    {
        var random = new Random(4242 + (int)unit);
        var origin = Cst.At("2025-01-01 00:00");
        for (var i = 0; i < 200; i++)
        {
            var a = origin.AddMinutes(random.Next(0, 2 * 365 * 24 * 60));
            var b = a.AddMinutes(random.Next(0, 20 * 24 * 60));
            var c = b.AddMinutes(random.Next(0, 20 * 24 * 60));

            // Exact for the hour units; a working-day quotient is rounded at the 28th significant digit.
            Assert.Equal(China.Elapsed(a, c, unit), China.Elapsed(a, b, unit) + China.Elapsed(b, c, unit), 20);
        }
    }

    [Fact]
    public void WorkDay_IsWorkHoursOverTheWorkingDay()
    {
        var random = new Random(7);
        var origin = Cst.At("2025-01-01 00:00");
        for (var i = 0; i < 200; i++)
        {
            var start = origin.AddMinutes(random.Next(0, 2 * 365 * 24 * 60));
            var days = random.Next(1, 30);

            Assert.Equal(
                China.AddTime(start, TimeLimit.WorkHours(days * 7m)),
                China.AddTime(start, TimeLimit.WorkDays(days)));
        }
    }
}
