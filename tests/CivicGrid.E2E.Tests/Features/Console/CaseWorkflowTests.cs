using CivicGrid.E2E.Tests.Infrastructure;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CivicGrid.E2E.Tests.Features.Console;

/// <summary>The closed loop in the console: each role sees its buttons and moves the case on.</summary>
public sealed class CaseWorkflowTests(ConsoleApp app) : ConsoleTest(app)
{
    [Fact]
    public async Task ClosedLoop_OperatorFiles_DispatcherDispatches_HandlerAcceptsAndReportsBack()
    {
        var reported = await District.ReportAsync("人行道上有大量建筑垃圾 " + Guid.NewGuid().ToString("N")[..8], "06010");

        // The operator finds it in the queue and files it.
        var page = await SignedInAsync("operator", "/cases");
        var row = page.Locator($"tr[data-case-number='{reported.Number}']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row).ToContainTextAsync("待受理");
        await row.GetByRole(AriaRole.Link, new() { Name = reported.Number }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("待受理");
        await Assertions.Expect(page.Locator("[data-testid=case-actions] [data-action=file]")).ToHaveTextAsync("立案");

        await PerformAsync(page, "file");

        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("待派遣");
        await Assertions.Expect(page.GetByTestId("case-history")).ToContainTextAsync("受理员 王芳");
        await SignOutAsync(page);

        // The dispatcher sends it to the department the responsibility rules name.
        await SignInAsync(page, "dispatcher", $"/cases/{reported.Id}");
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("待派遣");
        await PerformAsync(page, "dispatch", async form =>
        {
            // The form says what the planner suggests and why; taken as it is, no reason is asked for.
            await Assertions.Expect(form.GetByTestId("dispatch-suggestion")).ToContainTextAsync("东城区环境卫生服务中心");
            await Assertions.Expect(form.GetByTestId("dispatch-why")).ToContainTextAsync("责任规则");
            await Assertions.Expect(form.GetByTestId("override-hint")).ToHaveCountAsync(0);
        });
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("已派遣");
        await Assertions.Expect(page.GetByTestId("case-department")).ToHaveTextAsync("东城区环境卫生服务中心");
        await SignOutAsync(page);

        // The sanitation handler accepts and reports back.
        await SignInAsync(page, "handler", $"/cases/{reported.Id}");
        await PerformAsync(page, "accept");
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("处置中");
        await PerformAsync(page, "feedback", form => form.Locator("#action-result").FillAsync("已清运建筑垃圾，人行道恢复通行"));
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("待核查");
        await Assertions.Expect(page.GetByTestId("case-history")).ToContainTextAsync("已清运建筑垃圾，人行道恢复通行");
        await Assertions.Expect(page.GetByTestId("no-actions")).ToBeVisibleAsync();

        // Each step in the console is in the audit trail under the user who took it.
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var id = reported.Id.ToString();
        var actors = await db.AuditEntries.AsNoTracking().Where(e => e.EntityType == "Case" && e.EntityId == id && e.Action == "update")
            .OrderBy(e => e.Sequence).Select(e => e.ActorName + "/" + e.ActorRole).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(["operator/operator", "dispatcher/dispatcher", "handler/handler", "handler/handler"], actors);
    }

    [Fact]
    public async Task RequiredField_Missing_ShowsAMessage_AndChangesNothing()
    {
        var reported = await District.ReportAsync("井盖缺失 " + Guid.NewGuid().ToString("N")[..8], "01001");
        var page = await SignedInAsync("operator");
        await OpenCaseAsync(page, reported);

        await page.Locator("[data-testid=case-actions] [data-action=reject]").ClickAsync();
        await page.GetByTestId("action-confirm").ClickAsync();

        await Assertions.Expect(page.GetByTestId("action-error")).ToContainTextAsync("请填写：意见/说明");
        await page.GetByTestId("action-cancel").ClickAsync();
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("待受理");
    }

    [Fact]
    public async Task StaleCase_ChangedMeanwhile_ShowsAReadableMessage_AndReloads()
    {
        var reported = await District.ReportAsync("占道堆物 " + Guid.NewGuid().ToString("N")[..8], "06036");
        var page = await SignedInAsync("operator");
        await OpenCaseAsync(page, reported);

        // Someone else files it while the page is open.
        await District.StepAsync(reported, "supervisor", "file");
        await PerformAsync(page, "file");

        await Assertions.Expect(page.GetByTestId("page-message")).ToContainTextAsync("案卷已被他人修改");
        await Assertions.Expect(page.GetByTestId("case-status")).ToHaveTextAsync("待派遣");
    }
}
