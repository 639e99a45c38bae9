using CivicGrid.Server.Features.Inspection.Pages;

namespace CivicGrid.Server.Tests.Features.Inspection;

/// <summary>The patrol page speaks Chinese and English completely.</summary>
public sealed class InspectorTextTests
{
    [Fact]
    public void EveryText_IsGivenInBothLanguages_AndTranslated()
    {
        var texts = typeof(InspectorText).GetProperties().Where(p => p.PropertyType == typeof(string)).ToList();

        Assert.NotEmpty(texts);
        Assert.All(texts, p =>
        {
            var zh = (string)p.GetValue(InspectorText.Zh)!;
            var en = (string)p.GetValue(InspectorText.En)!;
            Assert.False(string.IsNullOrWhiteSpace(zh), $"{p.Name} (zh) is empty");
            Assert.False(string.IsNullOrWhiteSpace(en), $"{p.Name} (en) is empty");
            Assert.True(zh != en, $"{p.Name} is the same in both languages");
        });
    }

    [Fact]
    public void TheScriptsTexts_FillTheAccuracyPlaceholder_InBothLanguages()
    {
        Assert.Equal(InspectorText.Zh.ForScript().Keys.Order(StringComparer.Ordinal), InspectorText.En.ForScript().Keys.Order(StringComparer.Ordinal));
        Assert.Contains("{0}", InspectorText.Zh.ForScript()["accuracy"], StringComparison.Ordinal);
        Assert.Contains("{0}", InspectorText.En.ForScript()["accuracy"], StringComparison.Ordinal);
    }
}
