using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>Dispatch with assignee, co-handling (主办/协办) and the dispatcher's override.</summary>
public class CaseDispatchTests
{
    private static readonly Guid HandlerA = Actors.Handler.UserId;
    private static readonly Guid DepartmentC = new("d0000000-0000-0000-0000-00000000000c");

    private static DispatchSuggestion Suggested(Guid? department, Guid? assignee = null, params Guid[] supporting) =>
        new(department, supporting, assignee, DispatchBasis.CategoryRule, null, "责任规则", "rule", []);

    [Fact]
    public void Dispatch_AsSuggested_RecordsAssigneeAndParts_WithoutReason()
    {
        var driver = CaseDriver.At(CaseStatus.Filed).Do(CaseAction.Dispatch, change: t => t with
        {
            AssigneeId = HandlerA,
            CoHandlingDepartmentIds = [Actors.DepartmentB],
            Suggestion = Suggested(Actors.DepartmentA, HandlerA, Actors.DepartmentB),
        });

        var c = driver.Case;
        Assert.Equal((Actors.DepartmentA, HandlerA), (c.DepartmentId!.Value, c.AssigneeId!.Value));
        Assert.Equal([Actors.DepartmentB], c.CoHandling.Select(p => p.DepartmentId));
        var details = JsonDocument.Parse(c.History[^1].Details!).RootElement;
        Assert.False(details.GetProperty("overridden").GetBoolean());
        Assert.Equal(HandlerA, details.GetProperty("assigneeId").GetGuid());
        Assert.Equal("CategoryRule", details.GetProperty("basis").GetString());
    }

    [Fact]
    public void Dispatch_OtherDepartmentThanSuggested_WithoutReason_ThrowsNamingReason_AndChangesNothing()
    {
        var driver = CaseDriver.At(CaseStatus.Filed);
        var before = driver.Snap();

        var ex = Assert.Throws<DomainValidationException>(() => driver.Do(CaseAction.Dispatch, change: t => t with
        {
            DepartmentId = Actors.DepartmentB,
            Suggestion = Suggested(Actors.DepartmentA),
        }));

        Assert.Equal("reason", ex.Field);
        Assert.Equal(before, driver.Snap());
        Assert.Empty(driver.Case.CoHandling);
    }

    [Fact]
    public void Dispatch_OtherHandlerThanSuggested_NeedsAReason()
    {
        var driver = CaseDriver.At(CaseStatus.Filed);
        var other = Guid.NewGuid();

        var ex = Assert.Throws<DomainValidationException>(() => driver.Do(CaseAction.Dispatch, change: t => t with { AssigneeId = other, Suggestion = Suggested(Actors.DepartmentA, HandlerA) }));
        Assert.Equal("reason", ex.Field);

        driver.Do(CaseAction.Dispatch, change: t => t with { AssigneeId = other, Suggestion = Suggested(Actors.DepartmentA, HandlerA), Reason = "赵六休假" });
        var details = JsonDocument.Parse(driver.Case.History[^1].Details!).RootElement;
        Assert.True(details.GetProperty("overridden").GetBoolean());
        Assert.Equal("赵六休假", details.GetProperty("reason").GetString());
        Assert.Equal(HandlerA, details.GetProperty("suggestedAssigneeId").GetGuid());
        Assert.Equal(other, driver.Case.AssigneeId);
    }

    [Fact]
    public void Dispatch_Override_RecordsSuggestedAndChosen()
    {
        var driver = CaseDriver.At(CaseStatus.Filed).Do(CaseAction.Dispatch, change: t => t with
        {
            DepartmentId = Actors.DepartmentB,
            Suggestion = Suggested(Actors.DepartmentA, HandlerA),
            Reason = "井盖属于 B 的管线",
        });

        var details = JsonDocument.Parse(driver.Case.History[^1].Details!).RootElement;
        Assert.Equal(Actors.DepartmentB, details.GetProperty("departmentId").GetGuid());
        Assert.Equal(Actors.DepartmentA, details.GetProperty("suggestedDepartmentId").GetGuid());
        Assert.True(details.GetProperty("overridden").GetBoolean());
        Assert.Equal("井盖属于 B 的管线", details.GetProperty("reason").GetString());
    }

    [Fact]
    public void Dispatch_NoSuggestedDepartment_AnyChoiceIsNoOverride()
    {
        var driver = CaseDriver.At(CaseStatus.Filed).Do(CaseAction.Dispatch, change: t => t with { Suggestion = Suggested(null) });

        Assert.Equal(CaseStatus.Dispatched, driver.Case.Status);
    }

    [Fact]
    public void Dispatch_MainDepartmentAlsoSupporting_ThrowsNamingCoHandling()
    {
        var driver = CaseDriver.At(CaseStatus.Filed);

        var ex = Assert.Throws<DomainValidationException>(() => driver.Do(CaseAction.Dispatch, change: t => t with { CoHandlingDepartmentIds = [Actors.DepartmentA] }));

        Assert.Equal("coHandlingDepartmentIds", ex.Field);
        Assert.Equal(CaseStatus.Filed, driver.Case.Status);
    }

    [Fact]
    public void Feedback_WaitsForEverySupportingDepartment()
    {
        var driver = CaseDriver.CoHandled(CaseStatus.Handling);
        Assert.DoesNotContain(CaseAction.Feedback, driver.Case.AllowedActionsFor(Actors.Handler));

        var ex = Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(CaseAction.Feedback));
        Assert.Equal(CaseAction.Feedback, ex.Action);

        driver.Do(CaseAction.CoHandlingDone, Actors.OtherHandler);
        var part = Assert.Single(driver.Case.CoHandling);
        Assert.True(part.IsDone);
        Assert.Equal((Actors.OtherHandler.UserId, "已完成交通疏导"), (part.DoneById!.Value, part.Result));
        Assert.Contains(CaseAction.Feedback, driver.Case.AllowedActionsFor(Actors.Handler));
        driver.Do(CaseAction.Feedback);
        Assert.Equal(CaseStatus.Checking, driver.Case.Status);
        Assert.Equal(["report", "file", "dispatch", "accept", "coHandlingDone", "feedback"], driver.Case.History.Select(h => h.Action));
    }

    [Fact]
    public void CoHandling_SupportingHandler_CannotDoTheMainDepartmentsSteps_NorReportTwice()
    {
        var driver = CaseDriver.CoHandled(CaseStatus.Dispatched);
        var supporter = Actors.OtherHandler;

        Assert.Equal([CaseAction.CoHandlingNote, CaseAction.CoHandlingDone], driver.Case.AllowedActionsFor(supporter));
        Assert.Throws<CaseActionForbiddenException>(() => driver.Do(CaseAction.Accept, supporter));
        Assert.Throws<CaseActionForbiddenException>(() => driver.Do(CaseAction.Return, supporter));
        // The main department cannot report the supporting part for it.
        Assert.Throws<CaseActionForbiddenException>(() => driver.Do(CaseAction.CoHandlingDone, Actors.Handler));

        driver.Do(CaseAction.CoHandlingNote, supporter).Do(CaseAction.CoHandlingDone, supporter);
        var version = driver.Case.Version;
        Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(CaseAction.CoHandlingDone, supporter));
        Assert.Equal(version, driver.Case.Version);
        Assert.Equal([CaseAction.CoHandlingNote], driver.Case.AllowedActionsFor(supporter));
    }

    [Fact]
    public void CoHandling_HandlerOfAnUninvolvedDepartment_IsForbidden()
    {
        var driver = CaseDriver.CoHandled(CaseStatus.Handling);
        var stranger = new Actor(Guid.NewGuid(), "处置人员", Role.Handler, DepartmentC);

        Assert.Throws<CaseActionForbiddenException>(() => driver.Do(CaseAction.CoHandlingNote, stranger));
        Assert.Empty(driver.Case.AllowedActionsFor(stranger));
    }

    [Fact]
    public void Return_ClearsAssigneeAndParts_ForTheNextDispatch()
    {
        var driver = CaseDriver.CoHandled(CaseStatus.Handling);
        Assert.Equal(Actors.Handler.UserId, driver.Case.AssigneeId);

        driver.Do(CaseAction.Return);

        Assert.Null(driver.Case.AssigneeId);
        Assert.Null(driver.Case.DepartmentId);
        Assert.Empty(driver.Case.CoHandling);
    }
}
