using System.Globalization;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Tests.Sla;

public class WorkingCalendarAddTimeTests
{
    private static readonly WorkingCalendar China = WorkingCalendar.ChinaDefault();

    private static void AssertDue(string start, string limit, string expectedDue)
    {
        var due = China.AddTime(Cst.At(start), TimeLimit.Parse(limit));

        Assert.Equal(Cst.At(expectedDue), due);
        Assert.Equal(TimeSpan.Zero, due.Offset);
    }

    [Theory]
    // Inside the morning period.
    [InlineData("2025-06-09 10:00", "1 WorkHour", "2025-06-09 11:00")]
    // Exactly used up at the end of the morning: stays at 12:00, not 13:30.
    [InlineData("2025-06-09 11:00", "1 WorkHour", "2025-06-09 12:00")]
    [InlineData("2025-06-09 09:00", "3 WorkHour", "2025-06-09 12:00")]
    // Across the lunch break.
    [InlineData("2025-06-09 11:30", "1 WorkHour", "2025-06-09 14:00")]
    [InlineData("2025-06-09 10:00", "4 WorkHour", "2025-06-09 15:30")]
    // A whole day's working time ends at 17:30.
    [InlineData("2025-06-09 09:00", "7 WorkHour", "2025-06-09 17:30")]
    // Overnight.
    [InlineData("2025-06-09 16:30", "2 WorkHour", "2025-06-10 10:00")]
    [InlineData("2025-06-09 15:00", "9.5 WorkHour", "2025-06-10 17:30")]
    [InlineData("2025-06-09 15:00", "10 WorkHour", "2025-06-11 09:30")]
    public void WorkHour_WithinAndAcrossDays(string start, string limit, string due) => AssertDue(start, limit, due);

    [Theory]
    // Before office hours, at lunch, after office hours: counting starts at the next period.
    [InlineData("2025-06-09 07:00", "1 WorkHour", "2025-06-09 10:00")]
    [InlineData("2025-06-09 12:15", "1 WorkHour", "2025-06-09 14:30")]
    [InlineData("2025-06-09 17:30", "1 WorkHour", "2025-06-10 10:00")]
    [InlineData("2025-06-09 23:59", "1 WorkHour", "2025-06-10 10:00")]
    // Weekend.
    [InlineData("2025-06-13 17:00", "1 WorkHour", "2025-06-16 09:30")]
    [InlineData("2025-06-14 10:00", "0.5 WorkHour", "2025-06-16 09:30")]
    [InlineData("2025-06-15 23:00", "2 WorkHour", "2025-06-16 11:00")]
    public void WorkHour_StartOutsideWorkingTime_BeginsAtNextPeriod(string start, string limit, string due) => AssertDue(start, limit, due);

    [Theory]
    [InlineData("2025-06-09 10:00", "0.5 WorkHour", "2025-06-09 10:30")]
    [InlineData("2025-06-09 10:00", "0.25 WorkHour", "2025-06-09 10:15")]
    [InlineData("2025-06-09 11:50", "0.5 WorkHour", "2025-06-09 13:50")]
    [InlineData("2025-06-09 17:20", "0.75 WorkHour", "2025-06-10 09:35")]
    [InlineData("2025-06-09 10:00", "1.1 WorkHour", "2025-06-09 11:06")]
    public void WorkHour_Fractions(string start, string limit, string due) => AssertDue(start, limit, due);

    [Theory]
    // National Day + Mid-Autumn 2025: 10-01..10-08 off, 09-28 (Sunday) and 10-11 (Saturday) worked.
    [InlineData("2025-09-30 16:30", "2 WorkHour", "2025-10-09 10:00")]
    [InlineData("2025-09-30 17:00", "7 WorkHour", "2025-10-09 17:00")]
    [InlineData("2025-09-27 10:00", "1 WorkHour", "2025-09-28 10:00")]
    [InlineData("2025-10-03 10:00", "1 WorkHour", "2025-10-09 10:00")]
    [InlineData("2025-10-10 17:00", "1 WorkHour", "2025-10-11 09:30")]
    [InlineData("2025-10-11 17:00", "1 WorkHour", "2025-10-13 09:30")]
    // Spring Festival 2026: 02-14 (Saturday) worked, 02-15..02-23 off.
    [InlineData("2026-02-13 17:00", "1 WorkHour", "2026-02-14 09:30")]
    [InlineData("2026-02-14 17:00", "1 WorkHour", "2026-02-24 09:30")]
    [InlineData("2026-02-16 12:00", "4 WorkHour", "2026-02-24 14:30")]
    public void WorkHour_SkipsHolidaysAndWorksMakeUpDays(string start, string limit, string due) => AssertDue(start, limit, due);

    [Theory]
    // Same position in the working day, N working days later.
    [InlineData("2025-06-09 10:00", "1 WorkDay", "2025-06-10 10:00")]
    [InlineData("2025-06-09 10:00", "2 WorkDay", "2025-06-11 10:00")]
    [InlineData("2025-06-09 15:00", "5 WorkDay", "2025-06-16 15:00")]
    [InlineData("2025-06-13 15:00", "1 WorkDay", "2025-06-16 15:00")]
    // Received before office hours (or right at 09:00): the start day counts in full.
    [InlineData("2025-06-09 08:00", "1 WorkDay", "2025-06-09 17:30")]
    [InlineData("2025-06-09 09:00", "1 WorkDay", "2025-06-09 17:30")]
    [InlineData("2025-06-09 09:00", "2 WorkDay", "2025-06-10 17:30")]
    // Received after office hours or at the weekend: the next working day is the first.
    [InlineData("2025-06-09 18:00", "1 WorkDay", "2025-06-10 17:30")]
    [InlineData("2025-06-14 10:00", "1 WorkDay", "2025-06-16 17:30")]
    // Received during lunch: due at the end of the morning N days later.
    [InlineData("2025-06-09 12:30", "1 WorkDay", "2025-06-10 12:00")]
    // Fractions are fractions of the 7 h working day.
    [InlineData("2025-06-09 09:00", "0.5 WorkDay", "2025-06-09 14:00")]
    [InlineData("2025-06-09 16:00", "0.5 WorkDay", "2025-06-10 11:00")]
    public void WorkDay_Rule(string start, string limit, string due) => AssertDue(start, limit, due);

    [Theory]
    [InlineData("2025-09-29 10:00", "1 WorkDay", "2025-09-30 10:00")]
    [InlineData("2025-09-30 10:00", "1 WorkDay", "2025-10-09 10:00")]
    [InlineData("2025-09-30 10:00", "2 WorkDay", "2025-10-10 10:00")]
    [InlineData("2025-09-30 10:00", "3 WorkDay", "2025-10-11 10:00")]
    [InlineData("2025-09-30 10:00", "4 WorkDay", "2025-10-13 10:00")]
    [InlineData("2025-09-26 10:00", "1 WorkDay", "2025-09-28 10:00")]
    [InlineData("2026-02-13 10:00", "2 WorkDay", "2026-02-24 10:00")]
    [InlineData("2026-02-13 10:00", "1 WorkDay", "2026-02-14 10:00")]
    [InlineData("2026-02-12 10:00", "15 WorkDay", "2026-03-11 10:00")]
    public void WorkDay_SkipsHolidaysAndWorksMakeUpDays(string start, string limit, string due) => AssertDue(start, limit, due);

    [Theory]
    // Emergency working hours run through nights and holidays like natural hours.
    [InlineData("2025-09-30 20:00", "24 EmergencyWorkHour", "2025-10-01 20:00")]
    [InlineData("2025-10-01 03:00", "2 EmergencyWorkHour", "2025-10-01 05:00")]
    [InlineData("2026-02-15 23:30", "0.5 EmergencyWorkHour", "2026-02-16 00:00")]
    [InlineData("2025-09-30 20:00", "24 NaturalHour", "2025-10-01 20:00")]
    [InlineData("2025-06-13 17:00", "1.5 NaturalHour", "2025-06-13 18:30")]
    [InlineData("2025-09-30 20:00", "2 NaturalDay", "2025-10-02 20:00")]
    [InlineData("2025-09-30 20:00", "1.5 NaturalDay", "2025-10-02 08:00")]
    public void NaturalUnits_AddPlainTime(string start, string limit, string due) => AssertDue(start, limit, due);

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(24)]
    [InlineData(200)]
    public void EmergencyWorkHour_AcrossNationalDay_EqualsPlainHours(int hours)
    {
        var start = Cst.At("2025-09-30 15:00");

        Assert.Equal(start.AddHours(hours), China.AddTime(start, TimeLimit.EmergencyWorkHours(hours)));
        Assert.Equal(start.AddHours(hours), China.AddTime(start, TimeLimit.NaturalHours(hours)));
    }

    [Fact]
    public void AddTime_DefaultLimit_Throws() =>
        Assert.Throws<ArgumentException>(() => China.AddTime(Cst.At("2025-06-09 10:00"), default));

    [Fact]
    public void AddTime_CustomPeriods_SummerTimetable()
    {
        var summer = WorkingCalendar.ChinaDefault(
            [new WorkingPeriod(new TimeOnly(8, 30), new TimeOnly(12, 0)), new WorkingPeriod(new TimeOnly(14, 30), new TimeOnly(18, 0))]);

        Assert.Equal(Cst.At("2025-06-09 15:00"), summer.AddTime(Cst.At("2025-06-09 11:30"), TimeLimit.WorkHours(1m)));
        Assert.Equal(Cst.At("2025-10-09 09:00"), summer.AddTime(Cst.At("2025-09-30 17:30"), TimeLimit.WorkHours(1m)));
        Assert.Equal(TimeSpan.FromHours(7), summer.WorkingTimePerDay);
    }

    [Fact]
    public void AddTime_OtherTimeZone_UsesItsLocalPeriods()
    {
        var utcCalendar = new WorkingCalendar([], timeZone: TimeZoneInfo.Utc);

        Assert.Equal(
            new DateTimeOffset(2025, 6, 9, 10, 0, 0, TimeSpan.Zero),
            utcCalendar.AddTime(new DateTimeOffset(2025, 6, 9, 7, 0, 0, TimeSpan.Zero), TimeLimit.WorkHours(1m)));
    }

    [Fact]
    public void FixedUtcPlus8Zone_GivesTheSameDeadlinesAsAsiaShanghai()
    {
        // The fallback used when the system has no time-zone data.
        var fixedZone = TimeZoneInfo.CreateCustomTimeZone("UTC+8", TimeSpan.FromHours(8), "UTC+8", "UTC+8");
        var calendar = new WorkingCalendar(China.Exceptions, timeZone: fixedZone);
        var random = new Random(88);
        for (var i = 0; i < 200; i++)
        {
            var start = Cst.At("2025-01-01 00:00").AddMinutes(random.Next(0, 2 * 365 * 24 * 60));
            var limit = new TimeLimit(random.Next(1, 40) * 0.5m, (TimeLimitUnit)random.Next(0, 5));

            Assert.Equal(China.AddTime(start, limit), calendar.AddTime(start, limit));
        }
    }

    /// <summary>Due instants of working-time limits lie inside a working period or exactly at its end.</summary>
    [Fact]
    public void WorkingUnits_DueLandsInsideOrAtEndOfAPeriod()
    {
        var random = new Random(4711);
        for (var i = 0; i < 500; i++)
        {
            var start = Cst.At("2025-01-01 00:00").AddMinutes(random.Next(0, 2 * 365 * 24 * 60));
            var unit = random.Next(2) == 0 ? TimeLimitUnit.WorkHour : TimeLimitUnit.WorkDay;
            var limit = new TimeLimit(random.Next(1, 60) * 0.25m, unit);

            var due = China.AddTime(start, limit);

            var local = due.ToOffset(Cst.Offset);
            var time = TimeOnly.FromDateTime(local.DateTime);
            Assert.True(
                China.IsWorkingDay(DateOnly.FromDateTime(local.DateTime))
                    && China.WorkingPeriods.Any(p => time > p.Start && time <= p.End),
                string.Create(CultureInfo.InvariantCulture, $"{Cst.Show(start)} + {limit} = {Cst.Show(due)}"));
        }
    }
}
