using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Tests.Sla;

public class TimeLimitTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("-0.5")]
    [InlineData("100000.01")]
    public void Constructor_ValueOutOfRange_Throws(string value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeLimit(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), TimeLimitUnit.WorkHour));

    [Fact]
    public void Constructor_UnknownUnit_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeLimit(1m, (TimeLimitUnit)42));

    [Fact]
    public void Constructor_ValidValue_KeepsValueAndUnit()
    {
        var limit = new TimeLimit(0.5m, TimeLimitUnit.WorkHour);

        Assert.Equal(0.5m, limit.Value);
        Assert.Equal(TimeLimitUnit.WorkHour, limit.Unit);
        Assert.True(limit.IsValid);
    }

    [Fact]
    public void Default_IsNotValid() => Assert.False(default(TimeLimit).IsValid);

    [Fact]
    public void Factories_SetTheUnit()
    {
        Assert.Equal(new TimeLimit(2m, TimeLimitUnit.EmergencyWorkHour), TimeLimit.EmergencyWorkHours(2m));
        Assert.Equal(new TimeLimit(2m, TimeLimitUnit.WorkHour), TimeLimit.WorkHours(2m));
        Assert.Equal(new TimeLimit(2m, TimeLimitUnit.WorkDay), TimeLimit.WorkDays(2m));
        Assert.Equal(new TimeLimit(2m, TimeLimitUnit.NaturalHour), TimeLimit.NaturalHours(2m));
        Assert.Equal(new TimeLimit(2m, TimeLimitUnit.NaturalDay), TimeLimit.NaturalDays(2m));
    }

    [Theory]
    [InlineData("4", TimeLimitUnit.WorkHour, "4 工作时", "4 working hours", "4 WorkHour")]
    [InlineData("4.00", TimeLimitUnit.WorkHour, "4 工作时", "4 working hours", "4 WorkHour")]
    [InlineData("0.5", TimeLimitUnit.WorkHour, "0.5 工作时", "0.5 working hours", "0.5 WorkHour")]
    [InlineData("2", TimeLimitUnit.EmergencyWorkHour, "2 紧急工作时", "2 emergency working hours", "2 EmergencyWorkHour")]
    [InlineData("15", TimeLimitUnit.WorkDay, "15 工作日", "15 working days", "15 WorkDay")]
    [InlineData("1.25", TimeLimitUnit.NaturalHour, "1.25 小时", "1.25 hours", "1.25 NaturalHour")]
    [InlineData("3", TimeLimitUnit.NaturalDay, "3 天", "3 days", "3 NaturalDay")]
    public void ToString_Forms(string value, TimeLimitUnit unit, string chinese, string english, string invariant)
    {
        var limit = new TimeLimit(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), unit);

        Assert.Equal(chinese, limit.ToString());
        Assert.Equal(english, limit.ToEnglishString());
        Assert.Equal(invariant, limit.ToInvariantString());
    }

    [Theory]
    [InlineData("4 WorkHour", "4", TimeLimitUnit.WorkHour)]
    [InlineData("0.5 WorkHour", "0.5", TimeLimitUnit.WorkHour)]
    [InlineData("  3   workday ", "3", TimeLimitUnit.WorkDay)]
    [InlineData("4 工作时", "4", TimeLimitUnit.WorkHour)]
    [InlineData("2紧急工作时", "2", TimeLimitUnit.EmergencyWorkHour)]
    [InlineData("15 工作日", "15", TimeLimitUnit.WorkDay)]
    [InlineData("1.5 小时", "1.5", TimeLimitUnit.NaturalHour)]
    [InlineData("7 天", "7", TimeLimitUnit.NaturalDay)]
    [InlineData("1 EMERGENCYWORKHOUR", "1", TimeLimitUnit.EmergencyWorkHour)]
    public void Parse_ValidText(string text, string value, TimeLimitUnit unit)
    {
        var expected = new TimeLimit(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), unit);

        Assert.Equal(expected, TimeLimit.Parse(text));
        Assert.True(TimeLimit.TryParse(text, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("WorkHour")]
    [InlineData("4")]
    [InlineData("4 weeks")]
    [InlineData("4 Work Hour")]
    [InlineData("0 WorkHour")]
    [InlineData("-1 WorkHour")]
    [InlineData("1,5 WorkHour")]
    [InlineData("1.2.3 WorkHour")]
    [InlineData("200000 NaturalDay")]
    public void Parse_InvalidText_ThrowsFormatException(string text)
    {
        var error = Assert.Throws<FormatException>(() => TimeLimit.Parse(text));

        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.False(TimeLimit.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse() => Assert.False(TimeLimit.TryParse(null, out _));

    [Theory]
    [InlineData(TimeLimitUnit.EmergencyWorkHour)]
    [InlineData(TimeLimitUnit.WorkHour)]
    [InlineData(TimeLimitUnit.WorkDay)]
    [InlineData(TimeLimitUnit.NaturalHour)]
    [InlineData(TimeLimitUnit.NaturalDay)]
    public void InvariantString_RoundTrips(TimeLimitUnit unit)
    {
        var limit = new TimeLimit(12.75m, unit);

        Assert.Equal(limit, TimeLimit.Parse(limit.ToInvariantString()));
        Assert.Equal(limit, TimeLimit.Parse(limit.ToString()));
    }

    [Theory]
    [InlineData(TimeLimitUnit.EmergencyWorkHour, "紧急工作时", "emergency working hours", false)]
    [InlineData(TimeLimitUnit.WorkHour, "工作时", "working hours", true)]
    [InlineData(TimeLimitUnit.WorkDay, "工作日", "working days", true)]
    [InlineData(TimeLimitUnit.NaturalHour, "小时", "hours", false)]
    [InlineData(TimeLimitUnit.NaturalDay, "天", "days", false)]
    public void Unit_DisplayNames(TimeLimitUnit unit, string chinese, string english, bool workingTimeOnly)
    {
        Assert.Equal(chinese, unit.ChineseName());
        Assert.Equal(english, unit.EnglishName());
        Assert.Equal(workingTimeOnly, unit.CountsWorkingTimeOnly());
        Assert.True(TimeLimitUnitExtensions.TryParseUnit(chinese, out var fromChinese));
        Assert.Equal(unit, fromChinese);
    }

    [Fact]
    public void Unit_UnknownValue_HasNoName() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((TimeLimitUnit)99).ChineseName());
}
