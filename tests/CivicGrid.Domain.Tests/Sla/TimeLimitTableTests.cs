using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Tests.Sla;

public class TimeLimitTableTests
{
    private static readonly TimeLimitTable Table = new(
    [
        new TimeLimitRule("01002", Urgency.Normal, CaseStage.Handle, TimeLimit.WorkHours(4m)), // 污水井盖
        new TimeLimitRule("01", Urgency.Normal, CaseStage.Handle, TimeLimit.WorkDays(3m)), // 市政公用设施
        new TimeLimitRule("01", Urgency.Urgent, CaseStage.Handle, TimeLimit.WorkHours(2m)),
        new TimeLimitRule("0102", Urgency.Normal, CaseStage.Handle, TimeLimit.WorkHours(4m)), // legacy 暴露垃圾
        new TimeLimitRule(null, Urgency.Normal, CaseStage.Check, TimeLimit.WorkHours(1m)),
    ]);

    [Theory]
    [InlineData(CaseStage.Verify, Urgency.Normal, "1 WorkHour")]
    [InlineData(CaseStage.Verify, Urgency.Urgent, "0.5 WorkHour")]
    [InlineData(CaseStage.Verify, Urgency.Emergency, "0.5 EmergencyWorkHour")]
    [InlineData(CaseStage.File, Urgency.Normal, "0.5 WorkHour")]
    [InlineData(CaseStage.File, Urgency.Urgent, "0.25 WorkHour")]
    [InlineData(CaseStage.File, Urgency.Emergency, "0.25 EmergencyWorkHour")]
    [InlineData(CaseStage.Dispatch, Urgency.Normal, "0.5 WorkHour")]
    [InlineData(CaseStage.Dispatch, Urgency.Urgent, "0.25 WorkHour")]
    [InlineData(CaseStage.Dispatch, Urgency.Emergency, "0.25 EmergencyWorkHour")]
    [InlineData(CaseStage.Handle, Urgency.Normal, "2 WorkDay")]
    [InlineData(CaseStage.Handle, Urgency.Urgent, "4 WorkHour")]
    [InlineData(CaseStage.Handle, Urgency.Emergency, "2 EmergencyWorkHour")]
    [InlineData(CaseStage.Check, Urgency.Normal, "2 WorkHour")]
    [InlineData(CaseStage.Check, Urgency.Urgent, "1 WorkHour")]
    [InlineData(CaseStage.Check, Urgency.Emergency, "1 EmergencyWorkHour")]
    public void Default_BuiltInLimits(CaseStage stage, Urgency urgency, string expected)
    {
        Assert.Equal(TimeLimit.Parse(expected), TimeLimitTable.BuiltInDefault(stage, urgency));
        Assert.Equal(
            new TimeLimitResolution(TimeLimit.Parse(expected), TimeLimitMatch.Default),
            TimeLimitTable.Default.Resolve("05001", urgency, stage));
    }

    [Theory]
    [InlineData("01002", Urgency.Normal, CaseStage.Handle, "4 WorkHour", TimeLimitMatch.Category)]
    [InlineData("01005", Urgency.Normal, CaseStage.Handle, "3 WorkDay", TimeLimitMatch.MajorCategory)]
    [InlineData("01", Urgency.Normal, CaseStage.Handle, "3 WorkDay", TimeLimitMatch.MajorCategory)]
    [InlineData("01002", Urgency.Urgent, CaseStage.Handle, "2 WorkHour", TimeLimitMatch.MajorCategory)]
    [InlineData("01002", Urgency.Emergency, CaseStage.Handle, "2 EmergencyWorkHour", TimeLimitMatch.Default)]
    [InlineData("01002", Urgency.Normal, CaseStage.Verify, "1 WorkHour", TimeLimitMatch.Default)]
    [InlineData("02001", Urgency.Normal, CaseStage.Handle, "2 WorkDay", TimeLimitMatch.Default)]
    [InlineData("0102", Urgency.Normal, CaseStage.Handle, "4 WorkHour", TimeLimitMatch.Category)]
    [InlineData("0103", Urgency.Normal, CaseStage.Handle, "3 WorkDay", TimeLimitMatch.MajorCategory)]
    [InlineData("05001", Urgency.Normal, CaseStage.Check, "1 WorkHour", TimeLimitMatch.Default)]
    [InlineData("05001", Urgency.Urgent, CaseStage.Check, "1 WorkHour", TimeLimitMatch.Default)]
    public void Resolve_FallsBackFromCategoryToMajorToDefault(string code, Urgency urgency, CaseStage stage, string expected, TimeLimitMatch match)
    {
        Assert.Equal(new TimeLimitResolution(TimeLimit.Parse(expected), match), Table.Resolve(code, urgency, stage));
        Assert.Equal(TimeLimit.Parse(expected), Table.Lookup(code, urgency, stage));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("123456")]
    [InlineData("01a02")]
    [InlineData(" 0100")]
    public void Resolve_BadCode_Throws(string code) =>
        Assert.Throws<ArgumentException>(() => Table.Resolve(code, Urgency.Normal, CaseStage.Handle));

    [Theory]
    [InlineData("1")]
    [InlineData("123")]
    [InlineData("123456")]
    [InlineData("01a02")]
    [InlineData("")]
    public void Constructor_BadRuleCode_Throws(string code) =>
        Assert.Throws<ArgumentException>(() => new TimeLimitTable([new TimeLimitRule(code, Urgency.Normal, CaseStage.Handle, TimeLimit.WorkHours(1m))]));

    [Fact]
    public void Constructor_DuplicateRule_Throws() =>
        Assert.Throws<ArgumentException>(() => new TimeLimitTable(
        [
            new TimeLimitRule("01002", Urgency.Normal, CaseStage.Handle, TimeLimit.WorkHours(1m)),
            new TimeLimitRule("01002", Urgency.Normal, CaseStage.Handle, TimeLimit.WorkHours(2m)),
        ]));

    [Fact]
    public void Constructor_DuplicateDefaultOverride_Throws() =>
        Assert.Throws<ArgumentException>(() => new TimeLimitTable(
        [
            new TimeLimitRule(null, Urgency.Normal, CaseStage.Handle, TimeLimit.WorkHours(1m)),
            new TimeLimitRule(null, Urgency.Normal, CaseStage.Handle, TimeLimit.WorkHours(2m)),
        ]));

    [Fact]
    public void Constructor_EmptyLimit_Throws() =>
        Assert.Throws<ArgumentException>(() => new TimeLimitTable([new TimeLimitRule("01002", Urgency.Normal, CaseStage.Handle, default)]));

    [Fact]
    public void Rules_AreKept()
    {
        Assert.Equal(5, Table.Rules.Count);
        Assert.Empty(TimeLimitTable.Default.Rules);
    }

    [Theory]
    [InlineData(CaseStage.Verify, "核实", "verify")]
    [InlineData(CaseStage.File, "立案", "file")]
    [InlineData(CaseStage.Dispatch, "派遣", "dispatch")]
    [InlineData(CaseStage.Handle, "处置", "handle")]
    [InlineData(CaseStage.Check, "核查", "check")]
    public void CaseStage_DisplayNames(CaseStage stage, string chinese, string english)
    {
        Assert.Equal(chinese, stage.ChineseName());
        Assert.Equal(english, stage.EnglishName());
    }

    [Theory]
    [InlineData(Urgency.Normal, "一般", "normal")]
    [InlineData(Urgency.Urgent, "紧急", "urgent")]
    [InlineData(Urgency.Emergency, "特急", "emergency")]
    public void Urgency_DisplayNames(Urgency urgency, string chinese, string english)
    {
        Assert.Equal(chinese, urgency.ChineseName());
        Assert.Equal(english, urgency.EnglishName());
    }
}
