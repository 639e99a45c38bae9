using CivicGrid.E2E.Tests.Infrastructure;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CivicGrid.E2E.Tests.Features.Console;

/// <summary>A reporter's details are masked on the case page; roles that need them reveal them with a reason, audited.</summary>
public sealed class RevealReporterTests(ConsoleApp app) : ConsoleTest(app)
{
    [Fact]
    public async Task Operator_RevealsTheReporterWithAReason_AndTheReadIsAudited_DispatcherCannot()
    {
        var c = await District.ReportAsync("楼道口乱堆杂物 " + Guid.NewGuid().ToString("N")[..8], "06036", "赵市民", "13912345678");

        var page = await SignedInAsync("dispatcher", $"/cases/{c.Id}");
        await Assertions.Expect(page.GetByTestId("case-reporter")).ToContainTextAsync("139****5678");
        Assert.Equal(0, await page.GetByTestId("reveal-open").CountAsync());
        await SignOutAsync(page);

        await SignInAsync(page, "operator", $"/cases/{c.Id}");
        await Assertions.Expect(page.GetByTestId("case-reporter")).ToContainTextAsync("139****5678");
        Assert.DoesNotContain("13912345678", await page.ContentAsync(), StringComparison.Ordinal);
        await page.GetByTestId("reveal-open").ClickAsync();
        await page.GetByTestId("reveal-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reveal-error")).ToBeVisibleAsync();
        Assert.Equal(0, await ReadsAsync(c.Id));

        await page.Locator("#reveal-reason").FillAsync("回访市民核实处置结果");
        await page.GetByTestId("reveal-confirm").ClickAsync();

        await Assertions.Expect(page.GetByTestId("reporter-full")).ToContainTextAsync("13912345678");
        await Assertions.Expect(page.GetByTestId("reporter-full")).ToContainTextAsync("赵市民");
        Assert.Equal(1, await ReadsAsync(c.Id));
    }

    private async Task<int> ReadsAsync(Guid caseId)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var id = caseId.ToString();
        return await db.AuditEntries.AsNoTracking()
            .CountAsync(e => e.Action == AuditActions.PersonalDataRead && e.EntityId == id && e.ActorName == "operator" && e.After!.Contains("回访市民核实处置结果"), TestContext.Current.CancellationToken);
    }
}
