using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>
/// Pins the workflow table to the closed loop written out by hand (standards.md §4), so that a change to
/// the table is a visible change to these lists, not a silent one the matrix tests would follow.
/// </summary>
public class CaseWorkflowTableTests
{
    private const Role I = Role.Inspector;
    private const Role O = Role.Operator;
    private const Role D = Role.Dispatcher;
    private const Role H = Role.Handler;
    private const Role S = Role.Supervisor;

    /// <summary>Every legal (from, action, role) and where it leads, written out by hand.</summary>
    public static TheoryData<CaseStatus, CaseAction, Role, CaseStatus> LegalSteps { get; } = BuildLegalSteps();

    [Fact]
    public void Rules_OneRulePerAction()
    {
        Assert.Equal(Enum.GetValues<CaseAction>().Order(), CaseWorkflow.Rules.Select(r => r.Action).Order());
        Assert.All(Enum.GetValues<CaseAction>(), a => Assert.Equal(a, CaseWorkflow.RuleFor(a).Action));
    }

    [Fact]
    public void Rules_LegalTransitions_MatchTheClosedLoopSpec()
    {
        var fromTable =
            from rule in CaseWorkflow.Rules
            from status in rule.From
            from role in rule.Roles
            select (status, rule.Action, role);
        var spec = LegalSteps.Select(row => (row.Data.Item1, row.Data.Item2, row.Data.Item3));

        Assert.Equal(Sorted(spec), Sorted(fromTable));
    }

    [Theory]
    [MemberData(nameof(LegalSteps))]
    public void Apply_LegalStep_ReachesTheStatusTheSpecNames(CaseStatus from, CaseAction action, Role role, CaseStatus to)
    {
        var driver = CaseDriver.Ready(from, action);

        // Co-handling steps belong to the supporting department (B in the fixture), not the main one.
        driver.Do(action, Actors.For(role, ownDepartment: !CaseWorkflow.RuleFor(action).CoHandlingBound));

        Assert.Equal(to, driver.Case.Status);
    }

    [Theory]
    [InlineData(CaseAction.RequestVerification)]
    [InlineData(CaseAction.Verify, "passed")]
    [InlineData(CaseAction.File)]
    [InlineData(CaseAction.Reject, "note")]
    [InlineData(CaseAction.Merge, "duplicateOfId")]
    [InlineData(CaseAction.Dispatch, "departmentId")]
    [InlineData(CaseAction.Accept)]
    [InlineData(CaseAction.Return, "note")]
    [InlineData(CaseAction.Feedback, "result")]
    [InlineData(CaseAction.Check, "passed")]
    [InlineData(CaseAction.Close)]
    [InlineData(CaseAction.Rework, "note")]
    [InlineData(CaseAction.RequestPostponement, "extension", "note")]
    [InlineData(CaseAction.ApprovePostponement)]
    [InlineData(CaseAction.RejectPostponement, "note")]
    [InlineData(CaseAction.RequestSuspension, "note")]
    [InlineData(CaseAction.ApproveSuspension)]
    [InlineData(CaseAction.RejectSuspension, "note")]
    [InlineData(CaseAction.LiftSuspension)]
    [InlineData(CaseAction.Urge, "note")]
    [InlineData(CaseAction.Void, "note")]
    [InlineData(CaseAction.Reopen, "note")]
    [InlineData(CaseAction.Dispute, "note")]
    [InlineData(CaseAction.ReturnVisit, "note")]
    [InlineData(CaseAction.CoHandlingNote, "note")]
    [InlineData(CaseAction.CoHandlingDone, "result")]
    public void Rule_RequiredFields_AreTheDocumentedOnes(CaseAction action, params string[] fields) =>
        Assert.Equal(fields, CaseWorkflow.RuleFor(action).RequiredFields);

    [Fact]
    public void Rules_OnlyTheDepartmentsOwnStepsAreDepartmentBound()
    {
        CaseAction[] expected =
            [CaseAction.Accept, CaseAction.Return, CaseAction.Feedback, CaseAction.RequestPostponement, CaseAction.RequestSuspension];

        Assert.Equal(expected.Order(), CaseWorkflow.Rules.Where(r => r.DepartmentBound).Select(r => r.Action).Order());
        Assert.All(CaseWorkflow.Rules.Where(r => r.DepartmentBound), r => Assert.Equal([Role.Handler], r.Roles));
    }

    [Theory]
    [InlineData(CaseStatus.Closed, true)]
    [InlineData(CaseStatus.Rejected, true)]
    [InlineData(CaseStatus.Merged, true)]
    [InlineData(CaseStatus.Voided, true)]
    [InlineData(CaseStatus.Reported, false)]
    [InlineData(CaseStatus.Verifying, false)]
    [InlineData(CaseStatus.Filed, false)]
    [InlineData(CaseStatus.Dispatched, false)]
    [InlineData(CaseStatus.Handling, false)]
    [InlineData(CaseStatus.Suspended, false)]
    [InlineData(CaseStatus.Checking, false)]
    public void IsTerminal_OnlyTheEndsOfTheLoop(CaseStatus status, bool terminal) =>
        Assert.Equal(terminal, CaseWorkflow.IsTerminal(status));

    [Theory]
    [InlineData(CaseStatus.Closed, new[] { CaseAction.Dispute, CaseAction.Reopen })]
    [InlineData(CaseStatus.Rejected, new[] { CaseAction.Reopen })]
    [InlineData(CaseStatus.Voided, new[] { CaseAction.Reopen })]
    [InlineData(CaseStatus.Merged, new CaseAction[0])]
    [InlineData(CaseStatus.Reported, new[] { CaseAction.RequestVerification, CaseAction.File, CaseAction.Reject, CaseAction.Merge, CaseAction.Void })]
    [InlineData(CaseStatus.Verifying, new[] { CaseAction.Verify, CaseAction.Reject, CaseAction.Merge, CaseAction.Void })]
    [InlineData(CaseStatus.Filed, new[] { CaseAction.Dispatch, CaseAction.Urge, CaseAction.Void })]
    [InlineData(CaseStatus.Dispatched, new[] { CaseAction.Accept, CaseAction.Return, CaseAction.RequestSuspension, CaseAction.Urge, CaseAction.Void })]
    [InlineData(CaseStatus.Handling, new[] { CaseAction.Return, CaseAction.Feedback, CaseAction.RequestPostponement, CaseAction.RequestSuspension, CaseAction.Urge })]
    [InlineData(CaseStatus.Suspended, new[] { CaseAction.LiftSuspension, CaseAction.Urge })]
    [InlineData(CaseStatus.Checking, new[] { CaseAction.Check, CaseAction.Rework, CaseAction.Urge })]
    public void AllowedNow_FreshCaseInStatus_ListsTheSpecsActionsInButtonOrder(CaseStatus status, CaseAction[] expected) =>
        Assert.Equal(expected, CaseWorkflow.AllowedNow(CaseDriver.At(status).Case));

    [Theory]
    [InlineData(CaseAction.RequestVerification, "requestVerification")]
    [InlineData(CaseAction.File, "file")]
    [InlineData(CaseAction.LiftSuspension, "liftSuspension")]
    public void ToApiName_IsCamelCase(CaseAction action, string expected) =>
        Assert.Equal(expected, CaseActions.ToApiName(action));

    [Fact]
    public void TryParse_ReadsEveryApiNameBack()
    {
        Assert.All(Enum.GetValues<CaseAction>(), a =>
        {
            Assert.True(CaseActions.TryParse(CaseActions.ToApiName(a), out var parsed));
            Assert.Equal(a, parsed);
        });
        Assert.False(CaseActions.TryParse("3", out _));
        Assert.False(CaseActions.TryParse("fly", out _));
        Assert.False(CaseActions.TryParse(" ", out _));
    }

    private static List<(CaseStatus, CaseAction, Role)> Sorted(IEnumerable<(CaseStatus, CaseAction, Role)> rows) =>
        [.. rows.Order()];

    private static TheoryData<CaseStatus, CaseAction, Role, CaseStatus> BuildLegalSteps()
    {
        var data = new TheoryData<CaseStatus, CaseAction, Role, CaseStatus>();

        void Add(CaseStatus from, CaseAction action, CaseStatus to, params Role[] roles)
        {
            foreach (var role in roles)
            {
                data.Add(from, action, role, to);
            }
        }

        // 上报: the centre verifies, files, rejects or merges; the duty chief may void.
        Add(CaseStatus.Reported, CaseAction.RequestVerification, CaseStatus.Verifying, O, S);
        Add(CaseStatus.Reported, CaseAction.File, CaseStatus.Filed, O, S);
        Add(CaseStatus.Reported, CaseAction.Reject, CaseStatus.Rejected, O, S);
        Add(CaseStatus.Reported, CaseAction.Merge, CaseStatus.Merged, O, S);
        Add(CaseStatus.Reported, CaseAction.Void, CaseStatus.Voided, S);

        // 核实中: the inspector (or the centre) answers; the report can still be rejected, merged or voided.
        Add(CaseStatus.Verifying, CaseAction.Verify, CaseStatus.Reported, I, O, S);
        Add(CaseStatus.Verifying, CaseAction.Reject, CaseStatus.Rejected, O, S);
        Add(CaseStatus.Verifying, CaseAction.Merge, CaseStatus.Merged, O, S);
        Add(CaseStatus.Verifying, CaseAction.Void, CaseStatus.Voided, S);

        // 已立案: dispatch.
        Add(CaseStatus.Filed, CaseAction.Dispatch, CaseStatus.Dispatched, D, S);
        Add(CaseStatus.Filed, CaseAction.Urge, CaseStatus.Filed, S);
        Add(CaseStatus.Filed, CaseAction.Void, CaseStatus.Voided, S);

        // 已派遣: the department accepts, returns or asks to park it.
        Add(CaseStatus.Dispatched, CaseAction.Accept, CaseStatus.Handling, H);
        Add(CaseStatus.Dispatched, CaseAction.Return, CaseStatus.Filed, H);
        Add(CaseStatus.Dispatched, CaseAction.RequestSuspension, CaseStatus.Dispatched, H);
        Add(CaseStatus.Dispatched, CaseAction.ApproveSuspension, CaseStatus.Suspended, D, S);
        Add(CaseStatus.Dispatched, CaseAction.RejectSuspension, CaseStatus.Dispatched, D, S);
        Add(CaseStatus.Dispatched, CaseAction.Urge, CaseStatus.Dispatched, S);
        Add(CaseStatus.Dispatched, CaseAction.Void, CaseStatus.Voided, S);

        // 处置中: feedback, return, postponement and suspension requests and their decisions.
        Add(CaseStatus.Handling, CaseAction.Return, CaseStatus.Filed, H);
        Add(CaseStatus.Handling, CaseAction.Feedback, CaseStatus.Checking, H);
        Add(CaseStatus.Handling, CaseAction.RequestPostponement, CaseStatus.Handling, H);
        Add(CaseStatus.Handling, CaseAction.ApprovePostponement, CaseStatus.Handling, D, S);
        Add(CaseStatus.Handling, CaseAction.RejectPostponement, CaseStatus.Handling, D, S);
        Add(CaseStatus.Handling, CaseAction.RequestSuspension, CaseStatus.Handling, H);
        Add(CaseStatus.Handling, CaseAction.ApproveSuspension, CaseStatus.Suspended, D, S);
        Add(CaseStatus.Handling, CaseAction.RejectSuspension, CaseStatus.Handling, D, S);
        Add(CaseStatus.Handling, CaseAction.Urge, CaseStatus.Handling, S);

        // 协办: a supporting department notes and reports its part while the main one works.
        Add(CaseStatus.Dispatched, CaseAction.CoHandlingNote, CaseStatus.Dispatched, H);
        Add(CaseStatus.Dispatched, CaseAction.CoHandlingDone, CaseStatus.Dispatched, H);
        Add(CaseStatus.Handling, CaseAction.CoHandlingNote, CaseStatus.Handling, H);
        Add(CaseStatus.Handling, CaseAction.CoHandlingDone, CaseStatus.Handling, H);

        // 挂账.
        Add(CaseStatus.Suspended, CaseAction.LiftSuspension, CaseStatus.Handling, D, S);
        Add(CaseStatus.Suspended, CaseAction.Urge, CaseStatus.Suspended, S);

        // 待核查: check, then close or rework.
        Add(CaseStatus.Checking, CaseAction.Check, CaseStatus.Checking, I, O, S);
        Add(CaseStatus.Checking, CaseAction.Close, CaseStatus.Closed, O, S);
        Add(CaseStatus.Checking, CaseAction.Rework, CaseStatus.Handling, O, S);
        Add(CaseStatus.Checking, CaseAction.Urge, CaseStatus.Checking, S);

        // 回访: a reporter disputes a closure (or rates it low); the centre revisits (keeps it closed) or reopens.
        Add(CaseStatus.Closed, CaseAction.Dispute, CaseStatus.Closed, Role.Citizen);
        Add(CaseStatus.Closed, CaseAction.ReturnVisit, CaseStatus.Closed, O, S);

        // The ends: only the duty chief reopens; a merged duplicate stays merged.
        Add(CaseStatus.Closed, CaseAction.Reopen, CaseStatus.Filed, S);
        Add(CaseStatus.Rejected, CaseAction.Reopen, CaseStatus.Reported, S);
        Add(CaseStatus.Voided, CaseAction.Reopen, CaseStatus.Reported, S);

        return data;
    }
}
