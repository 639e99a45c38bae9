using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>
/// Every (status, action, actor) combination, generated from the enums so that nothing is missed, against
/// what the workflow table says: success to the rule's target, a 409-type invalid transition, or a 403-type
/// forbidden action. <see cref="CaseWorkflowTableTests"/> pins the table itself to the closed-loop spec.
/// </summary>
public class CaseWorkflowMatrixTests
{
    public enum Outcome
    {
        Succeeds,
        NotAllowedInState,
        RoleForbidden,
        DepartmentForbidden,
    }

    public static TheoryData<CaseStatus, CaseAction, Role, bool> Succeeding => Combinations(Outcome.Succeeds);

    public static TheoryData<CaseStatus, CaseAction, Role, bool> NotAllowedInState => Combinations(Outcome.NotAllowedInState);

    public static TheoryData<CaseStatus, CaseAction, Role, bool> RoleForbidden => Combinations(Outcome.RoleForbidden);

    public static TheoryData<CaseStatus, CaseAction, Role, bool> DepartmentForbidden => Combinations(Outcome.DepartmentForbidden);

    [Fact]
    public void Combinations_CoverEveryStatusActionAndActor()
    {
        var all = All().ToList();
        var expected = Enum.GetValues<CaseStatus>().Length * Enum.GetValues<CaseAction>().Length * (Enum.GetValues<Role>().Length + 1);

        Assert.Equal(expected, all.Count);
        Assert.Equal(expected, Enum.GetValues<Outcome>().Sum(o => Combinations(o).Count));
        Assert.All(Enum.GetValues<Outcome>(), o => Assert.NotEmpty(Combinations(o)));
    }

    [Theory]
    [MemberData(nameof(Succeeding))]
    public void Apply_StateAndRoleAllowed_MovesToTheRuleTarget(CaseStatus status, CaseAction action, Role role, bool ownDepartment)
    {
        var driver = CaseDriver.Ready(status, action);
        var @case = driver.Case;
        var actor = Actors.For(role, ownDepartment);
        var before = driver.Snap();
        Assert.True(CaseWorkflow.RuleFor(action).Guard(@case), $"The fixture should satisfy the guard of {action} in {status}.");

        driver.Do(action, actor);

        var expected = ExpectedTarget(status, action);
        Assert.Equal(expected, @case.Status);
        Assert.Equal(before.Version + 1, @case.Version);
        Assert.Equal(before.HistoryCount + 1, @case.History.Count);
        var entry = @case.History[^1];
        Assert.Equal(@case.Version, entry.Sequence);
        Assert.Equal(CaseActions.ToApiName(action), entry.Action);
        Assert.Equal(status, entry.FromStatus);
        Assert.Equal(expected, entry.ToStatus);
        Assert.Equal(actor.UserId, entry.ActorId);
        Assert.Equal(role, entry.ActorRole);
        Assert.Equal(driver.Now, entry.At);
        Assert.Equal(driver.Now, @case.UpdatedAt);
        var raised = Assert.IsType<CaseTransitioned>(@case.Events[^1]);
        Assert.Equal((action, status, expected), (raised.Action, raised.From, raised.To));
    }

    [Theory]
    [MemberData(nameof(NotAllowedInState))]
    public void Apply_ActionNotAllowedInState_ThrowsInvalidTransitionListingAllowedNow(CaseStatus status, CaseAction action, Role role, bool ownDepartment)
    {
        var driver = CaseDriver.At(status);
        var before = driver.Snap();

        var ex = Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(action, Actors.For(role, ownDepartment)));

        Assert.Equal(action, ex.Action);
        Assert.Equal(status, ex.Status);
        Assert.Equal(CaseWorkflow.AllowedNow(driver.Case), ex.Allowed);
        Assert.DoesNotContain(action, ex.Allowed);
        Assert.Equal(before, driver.Snap());
    }

    [Theory]
    [MemberData(nameof(RoleForbidden))]
    public void Apply_RoleNotAllowed_ThrowsForbidden(CaseStatus status, CaseAction action, Role role, bool ownDepartment)
    {
        var driver = CaseDriver.Ready(status, action);
        var before = driver.Snap();

        var ex = Assert.Throws<CaseActionForbiddenException>(() => driver.Do(action, Actors.For(role, ownDepartment)));

        Assert.Equal(action, ex.Action);
        Assert.Equal(before, driver.Snap());
    }

    [Theory]
    [MemberData(nameof(DepartmentForbidden))]
    public void Apply_HandlerOfAnotherDepartment_ThrowsForbidden(CaseStatus status, CaseAction action, Role role, bool ownDepartment)
    {
        var driver = CaseDriver.Ready(status, action);
        var actor = Actors.For(role, ownDepartment);
        var before = driver.Snap();
        if (CaseWorkflow.RuleFor(action).CoHandlingBound)
        {
            Assert.Null(driver.Case.PartOf(actor));
        }
        else
        {
            Assert.NotEqual(driver.Case.DepartmentId, actor.DepartmentId);
        }

        var ex = Assert.Throws<CaseActionForbiddenException>(() => driver.Do(action, actor));

        Assert.Equal(action, ex.Action);
        Assert.Equal(before, driver.Snap());
    }

    [Theory]
    [InlineData(CaseStatus.Dispatched, CaseAction.Accept)]
    [InlineData(CaseStatus.Dispatched, CaseAction.Return)]
    [InlineData(CaseStatus.Handling, CaseAction.Feedback)]
    [InlineData(CaseStatus.Handling, CaseAction.RequestPostponement)]
    [InlineData(CaseStatus.Handling, CaseAction.RequestSuspension)]
    public void Apply_HandlerWithoutDepartment_ThrowsForbidden(CaseStatus status, CaseAction action)
    {
        var driver = CaseDriver.At(status);
        var before = driver.Snap();

        Assert.Throws<CaseActionForbiddenException>(() => driver.Do(action, Actors.HandlerWithoutDepartment));

        Assert.Equal(before, driver.Snap());
    }

    private static CaseStatus ExpectedTarget(CaseStatus from, CaseAction action) =>
        action == CaseAction.Reopen
            ? (from == CaseStatus.Closed ? CaseStatus.Filed : CaseStatus.Reported)
            : CaseWorkflow.RuleFor(action).To ?? from;

    private static IEnumerable<(CaseStatus Status, CaseAction Action, Role Role, bool Own, Outcome Outcome)> All() =>
        from status in Enum.GetValues<CaseStatus>()
        from action in Enum.GetValues<CaseAction>()
        from key in Actors.Keys()
        select (status, action, key.Role, key.OwnDepartment, Expect(status, action, key.Role, key.OwnDepartment));

    private static Outcome Expect(CaseStatus status, CaseAction action, Role role, bool ownDepartment)
    {
        var rule = CaseWorkflow.RuleFor(action);
        if (!rule.From.Contains(status))
        {
            return Outcome.NotAllowedInState;
        }

        if (!rule.Roles.Contains(role))
        {
            return Outcome.RoleForbidden;
        }

        // In the fixture, the handler of department B is the one that supports (协办) the cases that have co-handling.
        return (rule.DepartmentBound && !ownDepartment) || (rule.CoHandlingBound && ownDepartment) ? Outcome.DepartmentForbidden : Outcome.Succeeds;
    }

    private static TheoryData<CaseStatus, CaseAction, Role, bool> Combinations(Outcome outcome)
    {
        var data = new TheoryData<CaseStatus, CaseAction, Role, bool>();
        foreach (var c in All().Where(c => c.Outcome == outcome))
        {
            data.Add(c.Status, c.Action, c.Role, c.Own);
        }

        return data;
    }
}
