using CivicGrid.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CivicGrid.E2E.Tests.Features.Citizen;

/// <summary>The citizen's pages on a phone: report without an account, get a tracking code, follow the case.</summary>
public sealed class CitizenReportPageTests(ConsoleApp app) : ConsoleTest(app)
{
    [Fact]
    public async Task Citizen_ReportsWithThePhonesPosition_AndFollowsTheCaseByItsTrackingCode()
    {
        var context = await App.NewPhoneContextAsync(District.Places[3]);
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, d) =>
        {
            dialogs++;
            _ = d.DismissAsync();
        };
        var marker = Guid.NewGuid().ToString("N")[..8];
        var text = $"小区门口垃圾桶满溢，<img src=x onerror=alert(1)><script>alert(2)</script> {marker}";

        await page.GotoAsync("/report");
        await Assertions.Expect(page.Locator("#cz-map.leaflet-container")).ToBeVisibleAsync();
        await page.Locator("#cz-locate").ClickAsync();
        await Assertions.Expect(page.Locator("#cz-place")).Not.ToBeEmptyAsync();
        await page.Locator("#cz-description").FillAsync(text);
        await page.Locator("#cz-category").SelectOptionAsync("06010");
        await page.Locator("#cz-submit").ClickAsync();

        var receipt = page.Locator("#cz-receipt");
        await Assertions.Expect(receipt).ToBeVisibleAsync();
        var code = (await page.Locator("#cz-code").TextContentAsync())!.Trim();
        Assert.Equal(12, code.Length);
        Assert.Equal(16, (await page.Locator("#cz-secret").TextContentAsync())!.Trim().Length);

        await page.Locator("#cz-follow").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains($"/track/{code}", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#cz-status")).ToHaveTextAsync("待受理");
        // What the citizen typed is shown as text: the markup is visible and never ran.
        await Assertions.Expect(page.Locator("#cz-description")).ToContainTextAsync("<script>alert(2)</script>");
        Assert.Equal(0, await page.Locator("#cz-description img, #cz-description script").CountAsync());
        Assert.Equal(0, dialogs);

        // The operator files it; the tracking page shows the new step.
        var filed = await District.FindByTrackingCodeAsync(code);
        await District.StepAsync(filed, "operator", "file");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#cz-steps li[data-action=file]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#cz-status")).ToHaveTextAsync("待派遣");
        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task Report_WithoutAPlace_IsRefusedOnThePage()
    {
        var context = await App.NewPhoneContextAsync(District.Places[0]);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/report");
        await page.Locator("#cz-description").FillAsync("路灯不亮 " + Guid.NewGuid().ToString("N")[..6]);
        await page.Locator("#cz-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#cz-error")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#cz-receipt")).ToBeHiddenAsync();
    }
}
