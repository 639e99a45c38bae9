using CivicGrid.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CivicGrid.E2E.Tests.Features.Transparency;

/// <summary>The public map of recent cases, without signing in: points at grid centres, filters, no personal data.</summary>
public sealed class PublicMapPageTests(ConsoleApp app) : ConsoleTest(app)
{
    [Fact]
    public async Task Anyone_SeesRecentCasesOnTheMap_FiltersThem_AndReadsNoText()
    {
        var marker = "公开地图" + Guid.NewGuid().ToString("N")[..8];
        var c = await District.ReportAsync("污水井盖破损 " + marker, "01002");
        await District.StepAsync(c, "operator", "file");
        var context = await App.NewPhoneContextAsync(District.Places[0]);
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/public/map");

        await Assertions.Expect(page.Locator("#pm-map.leaflet-container")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#pm-count[data-count]")).ToBeAttachedAsync();
        var all = int.Parse((await page.Locator("#pm-count").GetAttributeAsync("data-count"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(all >= 2, $"{all} points");
        Assert.Equal(all, await page.Locator("path.pm-point").CountAsync());
        Assert.True(await page.Locator("path.pm-closed").CountAsync() >= 1);

        await page.Locator("#pm-state").SelectOptionAsync("open");
        await Assertions.Expect(page.Locator("path.pm-closed")).ToHaveCountAsync(0);
        Assert.True(await page.Locator("path.pm-open").CountAsync() >= 1);

        await page.Locator("path.pm-open").First.DispatchEventAsync("click");
        await Assertions.Expect(page.Locator(".leaflet-popup-content strong")).Not.ToBeEmptyAsync();
        Assert.DoesNotContain(marker, await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(c.Number, await page.ContentAsync(), StringComparison.Ordinal);
    }
}
