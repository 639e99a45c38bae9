using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>
/// <see cref="CaseWorkflow.AllowedFor"/> (the API's <c>allowedActions</c> and the console's buttons) lists
/// exactly the actions that <see cref="Case.Apply"/> would accept from that actor, in every reachable situation.
/// </summary>
public class CaseAllowedActionsTests
{
    /// <summary>Named ways to reach every status and every guard variant the workflow has.</summary>
    private static readonly Dictionary<string, Func<CaseDriver>> Situations = new(StringComparer.Ordinal)
    {
        ["reported"] = () => CaseDriver.At(CaseStatus.Reported),
        ["verifying"] = () => CaseDriver.At(CaseStatus.Verifying),
        ["reported, verified"] = () => CaseDriver.At(CaseStatus.Verifying).Do(CaseAction.Verify),
        ["reported, verification failed"] = () => CaseDriver.At(CaseStatus.Verifying).Do(CaseAction.Verify, change: t => t with { Passed = false }),
        ["filed"] = () => CaseDriver.At(CaseStatus.Filed),
        ["filed, returned"] = () => CaseDriver.At(CaseStatus.Handling).Do(CaseAction.Return),
        ["dispatched"] = () => CaseDriver.At(CaseStatus.Dispatched),
        ["dispatched, suspension asked"] = () => CaseDriver.At(CaseStatus.Dispatched).Do(CaseAction.RequestSuspension),
        ["dispatched, suspension refused"] = () => CaseDriver.At(CaseStatus.Dispatched).Do(CaseAction.RequestSuspension).Do(CaseAction.RejectSuspension),
        ["handling"] = () => CaseDriver.At(CaseStatus.Handling),
        ["handling, postponement asked"] = () => CaseDriver.At(CaseStatus.Handling).Do(CaseAction.RequestPostponement),
        ["handling, postponed"] = () => CaseDriver.At(CaseStatus.Handling).Do(CaseAction.RequestPostponement).Do(CaseAction.ApprovePostponement),
        ["handling, suspension asked"] = () => CaseDriver.At(CaseStatus.Handling).Do(CaseAction.RequestSuspension),
        ["handling, suspension lifted"] = () => CaseDriver.At(CaseStatus.Suspended).Do(CaseAction.LiftSuspension),
        ["handling, rework"] = () => CaseDriver.At(CaseStatus.Checking).Do(CaseAction.Check, change: t => t with { Passed = false }).Do(CaseAction.Rework),
        ["suspended"] = () => CaseDriver.At(CaseStatus.Suspended),
        ["checking"] = () => CaseDriver.At(CaseStatus.Checking),
        ["checking, passed"] = () => CaseDriver.At(CaseStatus.Checking).Do(CaseAction.Check),
        ["checking, failed"] = () => CaseDriver.At(CaseStatus.Checking).Do(CaseAction.Check, change: t => t with { Passed = false }),
        ["closed"] = () => CaseDriver.At(CaseStatus.Closed),
        ["closed, reopened"] = () => CaseDriver.At(CaseStatus.Closed).Do(CaseAction.Reopen),
        ["closed, disputed"] = () => CaseDriver.At(CaseStatus.Closed).Do(CaseAction.Dispute),
        ["closed, disputed, revisited"] = () => CaseDriver.At(CaseStatus.Closed).Do(CaseAction.Dispute).Do(CaseAction.ReturnVisit),
        ["closed, disputed, reopened"] = () => CaseDriver.At(CaseStatus.Closed).Do(CaseAction.Dispute).Do(CaseAction.Reopen),
        ["rejected"] = () => CaseDriver.At(CaseStatus.Rejected),
        ["rejected, reopened"] = () => CaseDriver.At(CaseStatus.Rejected).Do(CaseAction.Reopen),
        ["merged"] = () => CaseDriver.At(CaseStatus.Merged),
        ["voided"] = () => CaseDriver.At(CaseStatus.Voided),
        ["voided while dispatched, reopened"] = () => CaseDriver.At(CaseStatus.Dispatched).Do(CaseAction.Void).Do(CaseAction.Reopen),
    };

    public static TheoryData<string, Role, bool> SituationsAndActors
    {
        get
        {
            var data = new TheoryData<string, Role, bool>();
            foreach (var name in Situations.Keys)
            {
                foreach (var (role, own) in Actors.Keys())
                {
                    data.Add(name, role, own);
                }
            }

            return data;
        }
    }

    [Fact]
    public void Situations_ReachEveryStatus() =>
        Assert.Equal(
            Enum.GetValues<CaseStatus>().Order(),
            Situations.Values.Select(s => s().Case.Status).Distinct().Order());

    [Theory]
    [MemberData(nameof(SituationsAndActors))]
    public void AllowedFor_EqualsTheActionsApplyAccepts(string situation, Role role, bool ownDepartment)
    {
        var actor = Actors.For(role, ownDepartment);
        var @case = Situations[situation]().Case;
        var allowed = CaseWorkflow.AllowedFor(@case, actor);

        var accepted = Enum.GetValues<CaseAction>().Where(action => Accepts(situation, action, actor)).ToList();

        Assert.Equal(accepted.Order(), allowed.Order());
        Assert.Equal(allowed, @case.AllowedActionsFor(actor));
        Assert.Equal(CaseWorkflow.Rules.Select(r => r.Action).Where(allowed.Contains), allowed);
        Assert.All(allowed, a => Assert.Contains(a, CaseWorkflow.AllowedNow(@case)));
    }

    [Theory]
    [InlineData(CaseStatus.Dispatched)]
    [InlineData(CaseStatus.Handling)]
    public void AllowedFor_HandlerOfAnotherDepartment_IsEmpty(CaseStatus status)
    {
        var @case = CaseDriver.At(status).Case;

        Assert.Empty(CaseWorkflow.AllowedFor(@case, Actors.OtherHandler));
        Assert.Empty(CaseWorkflow.AllowedFor(@case, Actors.HandlerWithoutDepartment));
        Assert.NotEmpty(CaseWorkflow.AllowedFor(@case, Actors.Handler));
    }

    [Fact]
    public void AllowedFor_Citizen_OnlyDisputesAClosedCaseNotYetDisputed() =>
        Assert.All(Situations, s => Assert.Equal(
            s.Key is "closed" or "closed, disputed, revisited" ? [CaseAction.Dispute] : [],
            CaseWorkflow.AllowedFor(s.Value().Case, Actors.For(Role.Citizen))));

    [Theory]
    [InlineData(Role.Analyst)]
    [InlineData(Role.Auditor)]
    [InlineData(Role.Admin)]
    [InlineData(Role.Device)]
    public void AllowedFor_RolesOutsideTheLoop_AreAlwaysEmpty(Role role) =>
        Assert.All(Situations.Values, s => Assert.Empty(CaseWorkflow.AllowedFor(s().Case, Actors.For(role))));

    private static bool Accepts(string situation, CaseAction action, Actor actor)
    {
        var driver = Situations[situation]();
        var version = driver.Case.Version;
        try
        {
            driver.Do(action, actor);
        }
        catch (InvalidCaseTransitionException)
        {
            return false;
        }
        catch (CaseActionForbiddenException)
        {
            return false;
        }

        Assert.Equal(version + 1, driver.Case.Version);
        return true;
    }
}
