using CivicGrid.Domain.Cases;
using CivicGrid.Server.Features.WebConsole;

namespace CivicGrid.Server.Tests.Features.Console;

/// <summary>The console speaks Chinese and English completely: every enum value has a text in both.</summary>
public sealed class ConsoleTextTests
{
    public static TheoryData<string> Languages => new(ConsoleText.Cultures);

    [Theory]
    [MemberData(nameof(Languages))]
    public void EveryStatusActionRoleLightStageUrgencySourceAndUnit_HasANonEmptyText(string culture)
    {
        var t = ConsoleText.For(System.Globalization.CultureInfo.GetCultureInfo(culture));

        AssertComplete(t.Statuses);
        AssertComplete(t.ActionNames);
        AssertComplete(t.Roles);
        AssertComplete(t.Lights);
        AssertComplete(t.Stages);
        AssertComplete(t.Urgencies);
        AssertComplete(t.PlaceKinds);
        AssertComplete(t.Sources);
        AssertComplete(t.Units);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void EveryRequiredFieldOfTheWorkflow_HasALabel(string culture)
    {
        var t = ConsoleText.For(System.Globalization.CultureInfo.GetCultureInfo(culture));

        var fields = CaseWorkflow.Rules.SelectMany(r => r.RequiredFields).Distinct(StringComparer.Ordinal);

        Assert.All(fields, f => Assert.True(t.Fields.ContainsKey(f), $"{culture}: no label for '{f}'"));
    }

    [Fact]
    public void EveryStringProperty_IsTranslated_AndDiffersWhereItShould()
    {
        var strings = typeof(ConsoleText).GetProperties().Where(p => p.PropertyType == typeof(string)).ToList();

        foreach (var p in strings)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)p.GetValue(ConsoleText.Zh)), $"zh {p.Name}");
            Assert.False(string.IsNullOrWhiteSpace((string?)p.GetValue(ConsoleText.En)), $"en {p.Name}");
        }

        Assert.Equal("待派遣", ConsoleText.Zh.Statuses[CaseStatus.Filed]);
        Assert.Equal("立案", ConsoleText.Zh.ActionNames[CaseAction.File]);
        Assert.Equal("File", ConsoleText.En.ActionNames[CaseAction.File]);
    }

    [Theory]
    [InlineData("zh-CN", "zh-CN")]
    [InlineData("zh", "zh-CN")]
    [InlineData("en", "en")]
    [InlineData("en-GB", "en")]
    [InlineData("fr", "zh-CN")]
    public void For_PicksEnglishOnlyForEnglish(string culture, string expected)
    {
        Assert.Equal(expected, ConsoleText.For(System.Globalization.CultureInfo.GetCultureInfo(culture)).Culture);
    }

    [Fact]
    public void HistoryAction_NamesReportOverdueAndEveryAction()
    {
        Assert.Equal("上报", ConsoleText.Zh.HistoryAction("report"));
        Assert.Equal("超时", ConsoleText.Zh.HistoryAction("overdue"));
        Assert.Equal("延期申请", ConsoleText.Zh.HistoryAction("requestPostponement"));
        Assert.Equal("Request postponement", ConsoleText.En.HistoryAction("requestPostponement"));
        Assert.Equal("somethingElse", ConsoleText.En.HistoryAction("somethingElse"));
    }

    private static void AssertComplete<TKey>(IReadOnlyDictionary<TKey, string> table)
        where TKey : struct, Enum
    {
        Assert.All(Enum.GetValues<TKey>(), v => Assert.False(string.IsNullOrWhiteSpace(table.GetValueOrDefault(v)), $"{typeof(TKey).Name}.{v}"));
    }

}
