using CivicGrid.Domain.Cases;
using CivicGrid.E2E.Tests.Infrastructure;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CivicGrid.E2E.Tests.Features.Console;

/// <summary>The 12345 operator files a phone call by keyboard: caller, address search, description, suggestion, duplicate.</summary>
public sealed class HotlineTests(ConsoleApp app) : ConsoleTest(app)
{
    // 雍和宫 in the demo gazetteer (WGS-84).
    private const double YongheLon = 116.4173;
    private const double YongheLat = 39.9474;

    [Fact]
    public async Task Operator_SearchesAnAddress_SeesASuggestionAndADuplicate_AndFilesTheCall()
    {
        District.TrainClassifier();
        var marker = Guid.NewGuid().ToString("N")[..6];
        var existing = await District.ReportAtAsync($"雍和宫门口垃圾箱满溢，周边散落垃圾 {marker}", "06042", YongheLon + 0.0003, YongheLat);
        var page = await SignedInAsync("operator", "/hotline");
        var dialogs = 0;
        page.Dialog += (_, d) =>
        {
            dialogs++;
            _ = d.DismissAsync();
        };
        var caller = "<img src=x onerror=alert(1)><script>alert(2)</script>张先生";

        // The caller's name has the focus when the page opens.
        await Assertions.Expect(page.Locator("#hl-name")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(caller);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync("13800138000");
        await page.Keyboard.PressAsync("Tab");
        await page.Locator("#hl-notify").SelectOptionAsync("Sms");

        // Address: type, the list opens, arrow down and back up, Enter takes the first.
        await page.Locator("#hl-address").FocusAsync();
        await page.Keyboard.TypeAsync("雍和宫");
        var first = page.Locator("#hl-address-list li").First;
        await Assertions.Expect(first).ToContainTextAsync("雍和宫");
        await page.Keyboard.PressAsync("ArrowDown");
        await page.Keyboard.PressAsync("ArrowUp");
        await Assertions.Expect(first).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#hl-address-list")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#hl-resolved")).ToContainTextAsync("东城区");
        await Assertions.Expect(page.Locator("#hl-resolved")).ToContainTextAsync("雍和宫");
        await Assertions.Expect(page.Locator("#hl-grid")).Not.ToBeEmptyAsync();

        // Description: the classifier suggests the category, chosen for the operator; the open case nearby shows.
        await page.Locator("#hl-description").FocusAsync();
        await page.Keyboard.TypeAsync("垃圾箱满溢，周边散落垃圾");
        var suggestion = page.Locator("#hl-suggestions button[data-code='06042']");
        await Assertions.Expect(suggestion).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#hl-category")).ToHaveValueAsync("06042");
        await Assertions.Expect(page.Locator($"#hl-duplicates li[data-number='{existing.Number}']")).ToBeVisibleAsync();

        // Ctrl+Enter files the call; the receipt is what the operator reads to the caller.
        await page.Keyboard.PressAsync("Control+Enter");
        var receipt = page.Locator("#hl-receipt");
        await Assertions.Expect(receipt).ToBeVisibleAsync();
        var number = (await page.Locator("#hl-number").TextContentAsync())!.Trim();
        var code = (await page.Locator("#hl-code").TextContentAsync())!.Trim();
        Assert.NotEqual(existing.Number, number);
        Assert.Equal(12, code.Length);
        await Assertions.Expect(page.Locator("#hl-next")).ToBeFocusedAsync();

        // The caller's name is text: visible as typed, never markup, never run.
        await Assertions.Expect(page.Locator("#hl-receipt-caller")).ToContainTextAsync("<script>alert(2)</script>张先生");
        Assert.Equal(0, await receipt.Locator("img, script").CountAsync());
        Assert.Equal(0, dialogs);

        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var filed = await db.Cases.AsNoTracking().SingleAsync(c => c.Number == number, TestContext.Current.CancellationToken);
            Assert.Equal(CaseSource.Hotline, filed.Source);
            Assert.Equal("06042", filed.CategoryCode);
            var reporter = await db.CaseReporters.AsNoTracking().SingleAsync(r => r.CaseId == filed.Id, TestContext.Current.CancellationToken);
            Assert.Equal(caller, reporter.ReporterName);
            Assert.Equal("13800138000", reporter.ReporterPhone);
            Assert.Equal(NotifyBy.Sms, reporter.NotifyBy);
            Assert.Equal(CaseSource.Hotline, reporter.Channel);
        }

        // The next caller reports the same problem: "me too" joins the open case instead of filing a new one.
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#hl-name")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("李女士");
        await page.Locator("#hl-address").FocusAsync();
        await page.Keyboard.TypeAsync("雍和宫");
        await Assertions.Expect(page.Locator("#hl-address-list li").First).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("#hl-description").FocusAsync();
        await page.Keyboard.TypeAsync("垃圾箱满溢");
        var meToo = page.Locator($"#hl-duplicates button[data-number='{existing.Number}']");
        await Assertions.Expect(meToo).ToBeVisibleAsync();
        await meToo.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#hl-number")).ToHaveTextAsync(existing.Number);
        await Assertions.Expect(page.Locator("#hl-code")).ToHaveTextAsync(existing.TrackingCode);
        Assert.Equal(0, dialogs);
    }
}
