using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Tests.Sla;

public class CalendarCsvTests
{
    [Fact]
    public void Parse_ValidFile_ReadsRows()
    {
        const string text = "date,kind,name\n2025-09-28,workday,国庆节调休上班\n\n2025-10-01,Holiday,国庆节、中秋节\r\n";

        var rows = CalendarCsv.Parse(text);

        Assert.Equal(
            [
                new CalendarException(Cst.Date("2025-09-28"), CalendarDayKind.Workday, "国庆节调休上班"),
                new CalendarException(Cst.Date("2025-10-01"), CalendarDayKind.Holiday, "国庆节、中秋节"),
            ],
            rows);
    }

    [Fact]
    public void Parse_HeaderOnly_ReturnsNoRows() => Assert.Empty(CalendarCsv.Parse("date,kind,name\n"));

    [Fact]
    public void Parse_ByteOrderMarkAndSpaces_AreAccepted()
    {
        var rows = CalendarCsv.Parse("\uFEFFdate, kind, name\n 2026-01-04 , workday , 元旦调休上班 \n");

        Assert.Equal(new CalendarException(Cst.Date("2026-01-04"), CalendarDayKind.Workday, "元旦调休上班"), Assert.Single(rows));
    }

    [Fact]
    public void Parse_TextReader_ReadsRows()
    {
        using var reader = new StringReader("date,kind,name\n2026-10-01,holiday,国庆节\n");

        Assert.Single(CalendarCsv.Parse(reader));
    }

    [Theory]
    [InlineData("", 1, "empty")]
    [InlineData("2025-01-01,holiday,元旦\n", 1, "header")]
    [InlineData("day,kind,name\n", 1, "header")]
    [InlineData("date,kind,name\n2025-01-01,holiday\n", 2, "3 fields")]
    [InlineData("date,kind,name\n2025-01-01,holiday,元旦,extra\n", 2, "3 fields")]
    [InlineData("date,kind,name\n2025-01-01,holiday,元旦\n2025-13-01,holiday,x\n", 3, "2025-13-01")]
    [InlineData("date,kind,name\n2025-01-01,holiday,元旦\n\n2025/01/02,holiday,x\n", 4, "2025/01/02")]
    [InlineData("date,kind,name\n2025-01-01,vacation,元旦\n", 2, "vacation")]
    [InlineData("date,kind,name\n2025-01-01,holiday,  \n", 2, "name is empty")]
    [InlineData("date,kind,name\n2025-01-01,holiday,元旦\n2025-01-02,holiday,x\n2025-01-01,workday,y\n", 4, "line 2")]
    public void Parse_BadInput_NamesLineAndProblem(string text, int line, string problem)
    {
        var error = Assert.Throws<FormatException>(() => CalendarCsv.Parse(text));

        Assert.StartsWith($"Calendar CSV line {line}:", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmbeddedChinaCalendar_HasAllRowsOf2025And2026()
    {
        var exceptions = WorkingCalendar.ChinaDefault().Exceptions;

        Assert.Equal(72, exceptions.Count);
        Assert.Equal(Cst.Date("2025-01-01"), exceptions[0].Date);
        Assert.Equal(Cst.Date("2026-10-10"), exceptions[^1].Date);
        Assert.Equal(11, exceptions.Count(e => e.Kind == CalendarDayKind.Workday));
        Assert.Equal("国庆节、中秋节", WorkingCalendar.ChinaDefault().FindException(Cst.Date("2025-10-06"))?.Name);
    }
}
