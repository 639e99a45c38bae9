using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Tests.Sla;

public class WorkingCalendarDayTests
{
    private static readonly WorkingCalendar China = WorkingCalendar.ChinaDefault();

    [Theory]
    // An ordinary week.
    [InlineData("2025-06-09", true)] // Monday
    [InlineData("2025-06-13", true)] // Friday
    [InlineData("2025-06-14", false)] // Saturday
    [InlineData("2025-06-15", false)] // Sunday
    // 端午节 on a Monday.
    [InlineData("2025-06-02", false)]
    // National Day + Mid-Autumn 2025: make-up Sunday 09-28, holidays 10-01..08, make-up Saturday 10-11.
    [InlineData("2025-09-27", false)] // Saturday
    [InlineData("2025-09-28", true)] // Sunday, 国庆节调休上班
    [InlineData("2025-09-30", true)]
    [InlineData("2025-10-01", false)]
    [InlineData("2025-10-02", false)]
    [InlineData("2025-10-03", false)]
    [InlineData("2025-10-04", false)]
    [InlineData("2025-10-05", false)]
    [InlineData("2025-10-06", false)]
    [InlineData("2025-10-07", false)]
    [InlineData("2025-10-08", false)] // Wednesday, holiday
    [InlineData("2025-10-09", true)]
    [InlineData("2025-10-10", true)]
    [InlineData("2025-10-11", true)] // Saturday, 国庆节调休上班
    [InlineData("2025-10-12", false)] // Sunday
    // Spring Festival 2026: make-up Saturday 02-14, holidays 02-15..23, make-up Saturday 02-28.
    [InlineData("2026-02-13", true)]
    [InlineData("2026-02-14", true)]
    [InlineData("2026-02-15", false)]
    [InlineData("2026-02-16", false)] // Monday, holiday
    [InlineData("2026-02-20", false)] // Friday, holiday
    [InlineData("2026-02-23", false)] // Monday, holiday
    [InlineData("2026-02-24", true)]
    [InlineData("2026-02-28", true)] // Saturday, 春节调休上班
    [InlineData("2026-03-01", false)]
    // Beyond the published years only the weekly rule applies.
    [InlineData("2027-01-04", true)] // Monday
    [InlineData("2027-01-09", false)] // Saturday
    public void IsWorkingDay_ChinaCalendar(string date, bool expected) =>
        Assert.Equal(expected, China.IsWorkingDay(Cst.Date(date)));

    [Fact]
    public void ChinaTimeZone_IsUtcPlus8() =>
        Assert.Equal(TimeSpan.FromHours(8), WorkingCalendar.ChinaTimeZone.GetUtcOffset(new DateTime(2025, 7, 1, 12, 0, 0, DateTimeKind.Utc)));

    [Fact]
    public void ChinaDefault_UsesStandardOfficeHours()
    {
        Assert.Equal(WorkingCalendar.DefaultWorkingPeriods, China.WorkingPeriods);
        Assert.Equal(TimeSpan.FromHours(7), China.WorkingTimePerDay);
        Assert.Equal([DayOfWeek.Sunday, DayOfWeek.Saturday], China.RestDays);
        Assert.Same(China, WorkingCalendar.ChinaDefault());
    }

    [Theory]
    [InlineData("2025-06-09 08:59:59", false)]
    [InlineData("2025-06-09 09:00", true)]
    [InlineData("2025-06-09 11:59:59", true)]
    [InlineData("2025-06-09 12:00", false)]
    [InlineData("2025-06-09 13:29", false)]
    [InlineData("2025-06-09 13:30", true)]
    [InlineData("2025-06-09 17:29:59", true)]
    [InlineData("2025-06-09 17:30", false)]
    [InlineData("2025-06-14 10:00", false)] // Saturday
    [InlineData("2025-09-28 10:00", true)] // make-up Sunday
    [InlineData("2025-10-03 10:00", false)] // holiday
    public void IsWorkingTime_ChinaCalendar(string local, bool expected) =>
        Assert.Equal(expected, China.IsWorkingTime(Cst.At(local)));

    [Fact]
    public void IsWorkingTime_ReadsTheInstantInLocalTime() =>
        // 01:30 UTC is 09:30 in Beijing.
        Assert.True(China.IsWorkingTime(new DateTimeOffset(2025, 6, 9, 1, 30, 0, TimeSpan.Zero)));

    [Fact]
    public void CustomRestDays_SixDayWeek()
    {
        var calendar = new WorkingCalendar([], restDays: [DayOfWeek.Sunday]);

        Assert.True(calendar.IsWorkingDay(Cst.Date("2025-06-14")));
        Assert.False(calendar.IsWorkingDay(Cst.Date("2025-06-15")));
    }

    [Fact]
    public void Constructor_DuplicateDate_Throws() =>
        Assert.Throws<ArgumentException>(() => new WorkingCalendar(
        [
            new CalendarException(Cst.Date("2025-10-01"), CalendarDayKind.Holiday, "a"),
            new CalendarException(Cst.Date("2025-10-01"), CalendarDayKind.Workday, "b"),
        ]));

    [Fact]
    public void Constructor_OverlappingPeriods_Throws() =>
        Assert.Throws<ArgumentException>(() => new WorkingCalendar(
            [],
            [new WorkingPeriod(new TimeOnly(9, 0), new TimeOnly(12, 0)), new WorkingPeriod(new TimeOnly(11, 0), new TimeOnly(14, 0))]));

    [Fact]
    public void Constructor_NoPeriods_Throws() =>
        Assert.Throws<ArgumentException>(() => new WorkingCalendar([], []));

    [Fact]
    public void Constructor_EveryDayRest_Throws() =>
        Assert.Throws<ArgumentException>(() => new WorkingCalendar([], restDays: Enum.GetValues<DayOfWeek>()));

    [Fact]
    public void WorkingPeriod_EndNotAfterStart_Throws() =>
        Assert.Throws<ArgumentException>(() => new WorkingPeriod(new TimeOnly(12, 0), new TimeOnly(12, 0)));

    [Fact]
    public void WorkingPeriods_AreSortedByStart()
    {
        var calendar = new WorkingCalendar(
            [],
            [new WorkingPeriod(new TimeOnly(14, 0), new TimeOnly(18, 0)), new WorkingPeriod(new TimeOnly(8, 30), new TimeOnly(12, 0))]);

        Assert.Equal(new TimeOnly(8, 30), calendar.WorkingPeriods[0].Start);
        Assert.Equal(TimeSpan.FromHours(7.5), calendar.WorkingTimePerDay);
        Assert.Equal("08:30–12:00", calendar.WorkingPeriods[0].ToString());
    }
}
