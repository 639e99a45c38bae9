using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;
using CivicGrid.Domain.Tests.Sla;
using Microsoft.Extensions.Time.Testing;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>The SLA policy of the tests: the embedded China calendar and the built-in limit table.</summary>
internal sealed class TestSla : ISlaPolicy
{
    public static TestSla Policy { get; } = new();

    public WorkingCalendar Calendar { get; } = WorkingCalendar.ChinaDefault();

    public TimeLimit LimitFor(string categoryCode, Urgency urgency, CaseStage stage) =>
        TimeLimitTable.Default.Lookup(categoryCode, urgency, stage);
}

/// <summary>One actor per role; handlers belong to department A unless said otherwise.</summary>
internal static class Actors
{
    public static readonly Guid DepartmentA = new("d0000000-0000-0000-0000-00000000000a");
    public static readonly Guid DepartmentB = new("d0000000-0000-0000-0000-00000000000b");

    public static Actor Citizen { get; } = Make(1, "市民甲", Role.Citizen);

    public static Actor Inspector { get; } = Make(2, "监督员张三", Role.Inspector);

    public static Actor Operator { get; } = Make(3, "受理员李四", Role.Operator);

    public static Actor Dispatcher { get; } = Make(4, "派遣员王五", Role.Dispatcher);

    /// <summary>A handler of department A, where the fixture dispatches cases.</summary>
    public static Actor Handler { get; } = Make(5, "处置人员赵六", Role.Handler, DepartmentA);

    /// <summary>A handler of department B, which never gets the fixture's cases.</summary>
    public static Actor OtherHandler { get; } = Make(6, "处置人员钱七", Role.Handler, DepartmentB);

    /// <summary>A handler account without a department (a misconfigured user).</summary>
    public static Actor HandlerWithoutDepartment { get; } = Make(7, "处置人员孙八", Role.Handler);

    public static Actor Supervisor { get; } = Make(8, "值班长周九", Role.Supervisor);

    public static Actor Analyst { get; } = Make(9, "分析员", Role.Analyst);

    public static Actor Auditor { get; } = Make(10, "审计员", Role.Auditor);

    public static Actor Admin { get; } = Make(11, "管理员", Role.Admin);

    public static Actor Device { get; } = Make(12, "传感器网关", Role.Device);

    /// <summary>An actor of the role; for <see cref="Role.Handler"/>, of the case's department or of another one.</summary>
    public static Actor For(Role role, bool ownDepartment = true) => role switch
    {
        Role.Citizen => Citizen,
        Role.Inspector => Inspector,
        Role.Operator => Operator,
        Role.Dispatcher => Dispatcher,
        Role.Handler => ownDepartment ? Handler : OtherHandler,
        Role.Supervisor => Supervisor,
        Role.Analyst => Analyst,
        Role.Auditor => Auditor,
        Role.Admin => Admin,
        Role.Device => Device,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    /// <summary>Every role once, plus the handler of another department.</summary>
    public static IEnumerable<(Role Role, bool OwnDepartment)> Keys() =>
        Enum.GetValues<Role>().Select(r => (r, true)).Append((Role.Handler, false));

    /// <summary>The actor who usually performs an action in the fixture's paths.</summary>
    public static Actor UsualFor(CaseAction action) => action switch
    {
        CaseAction.RequestVerification or CaseAction.File or CaseAction.Reject or CaseAction.Merge => Operator,
        CaseAction.Verify or CaseAction.Check => Inspector,
        CaseAction.Dispatch or CaseAction.ApprovePostponement or CaseAction.RejectPostponement
            or CaseAction.ApproveSuspension or CaseAction.RejectSuspension or CaseAction.LiftSuspension => Dispatcher,
        CaseAction.Accept or CaseAction.Return or CaseAction.Feedback
            or CaseAction.RequestPostponement or CaseAction.RequestSuspension => Handler,
        CaseAction.Close or CaseAction.Rework or CaseAction.Urge or CaseAction.Void or CaseAction.Reopen or CaseAction.ReturnVisit => Supervisor,
        CaseAction.Dispute => Citizen,
        CaseAction.CoHandlingNote or CaseAction.CoHandlingDone => OtherHandler,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown action."),
    };

    private static Actor Make(int n, string name, Role role, Guid? department = null) =>
        new(new Guid($"a0000000-0000-0000-0000-{n:D12}"), name, role, department);
}

/// <summary>Complete, valid payloads for every action.</summary>
internal static class Transitions
{
    public static readonly Guid OtherCaseId = new("c0000000-0000-0000-0000-0000000000ff");

    /// <summary>One working day, the extension the fixture asks for.</summary>
    public static readonly TimeLimit Extension = TimeLimit.WorkDays(1m);

    /// <summary>A transition that carries every field its action needs (a passed verify or check).</summary>
    public static CaseTransition Valid(CaseAction action) => action switch
    {
        CaseAction.Verify or CaseAction.Check => new(action) { Passed = true },
        CaseAction.Dispatch => new(action) { DepartmentId = Actors.DepartmentA },
        CaseAction.Merge => new(action) { DuplicateOfId = OtherCaseId, Note = "与 2026-000007 重复" },
        CaseAction.Feedback => new(action) { Result = "已更换井盖" },
        CaseAction.CoHandlingDone => new(action) { Result = "已完成交通疏导" },
        CaseAction.CoHandlingNote => new(action) { Note = "协办部门已到场" },
        CaseAction.RequestPostponement => new(action) { Extension = Extension, Note = "需要订购配件" },
        CaseAction.Reject or CaseAction.Return or CaseAction.Rework or CaseAction.RejectPostponement
            or CaseAction.RequestSuspension or CaseAction.RejectSuspension or CaseAction.Urge
            or CaseAction.Void or CaseAction.Reopen or CaseAction.Dispute or CaseAction.ReturnVisit => new(action) { Note = $"{CaseActions.ChineseName(action)}的理由" },
        _ => new(action),
    };
}

/// <summary>
/// A case under test with its own fake clock. Every step advances the clock by <see cref="Step"/>
/// first, so a path through the loop takes a few minutes and meets every default limit.
/// </summary>
internal sealed class CaseDriver
{
    /// <summary>Monday 2026-03-02 09:30 in Asia/Shanghai (01:30 UTC), an ordinary working day.</summary>
    public static readonly DateTimeOffset MondayMorning = new(2026, 3, 2, 1, 30, 0, TimeSpan.Zero);

    public static readonly TimeSpan Step = TimeSpan.FromMinutes(5);

    private static int _sequence;

    private CaseDriver(Case @case, FakeTimeProvider clock)
    {
        Case = @case;
        Clock = clock;
    }

    public Case Case { get; }

    public FakeTimeProvider Clock { get; }

    public DateTimeOffset Now => Clock.GetUtcNow();

    public static CaseReport SampleReport(Urgency urgency = Urgency.Normal) => new()
    {
        Description = "人行道上污水井盖破损",
        CategoryCode = "01002",
        Urgency = urgency,
        Longitude = 112.5489,
        Latitude = 37.8706,
        Address = "迎泽大街 1 号",
        GridCode = "140105001001001",
        CommunityCode = "140105001001",
        StreetCode = "140105001",
    };

    /// <summary>上报 by an inspector at <paramref name="at"/> (default <see cref="MondayMorning"/>).</summary>
    public static CaseDriver Report(Urgency urgency = Urgency.Normal, DateTimeOffset? at = null)
    {
        var clock = new FakeTimeProvider(at ?? MondayMorning);
        var number = $"2026-{Interlocked.Increment(ref _sequence):D6}";
        var @case = Case.Report(Guid.NewGuid(), number, SampleReport(urgency), Actors.Inspector, clock.GetUtcNow(), TestSla.Policy);
        return new CaseDriver(@case, clock);
    }

    /// <summary>A case driven along the loop to <paramref name="status"/> by the usual actors.</summary>
    public static CaseDriver At(CaseStatus status, Urgency urgency = Urgency.Normal, DateTimeOffset? reportedAt = null)
    {
        var driver = status switch
        {
            CaseStatus.Reported => Report(urgency, reportedAt),
            CaseStatus.Verifying => Report(urgency, reportedAt).Do(CaseAction.RequestVerification),
            CaseStatus.Filed => Report(urgency, reportedAt).Do(CaseAction.File),
            CaseStatus.Dispatched => At(CaseStatus.Filed, urgency, reportedAt).Do(CaseAction.Dispatch),
            CaseStatus.Handling => At(CaseStatus.Dispatched, urgency, reportedAt).Do(CaseAction.Accept),
            CaseStatus.Suspended => At(CaseStatus.Handling, urgency, reportedAt).Do(CaseAction.RequestSuspension).Do(CaseAction.ApproveSuspension),
            CaseStatus.Checking => At(CaseStatus.Handling, urgency, reportedAt).Do(CaseAction.Feedback),
            CaseStatus.Closed => At(CaseStatus.Checking, urgency, reportedAt).Do(CaseAction.Check).Do(CaseAction.Close),
            CaseStatus.Rejected => Report(urgency, reportedAt).Do(CaseAction.Reject),
            CaseStatus.Merged => Report(urgency, reportedAt).Do(CaseAction.Merge),
            CaseStatus.Voided => Report(urgency, reportedAt).Do(CaseAction.Void),
            _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown status."),
        };
        return driver.Case.Status == status
            ? driver
            : throw new InvalidOperationException($"The path to {status} ended in {driver.Case.Status}.");
    }

    /// <summary>
    /// A case in <paramref name="status"/> on which the guard of <paramref name="action"/> holds whenever the
    /// table lists the status for it: a pending request for the approvals, a passed check for closing.
    /// </summary>
    public static CaseDriver Ready(CaseStatus status, CaseAction action)
    {
        var driver = At(status);
        return (status, action) switch
        {
            (CaseStatus.Handling, CaseAction.ApprovePostponement or CaseAction.RejectPostponement) =>
                driver.Do(CaseAction.RequestPostponement),
            (CaseStatus.Dispatched or CaseStatus.Handling, CaseAction.ApproveSuspension or CaseAction.RejectSuspension) =>
                driver.Do(CaseAction.RequestSuspension),
            (CaseStatus.Checking, CaseAction.Close) => driver.Do(CaseAction.Check),
            (CaseStatus.Closed, CaseAction.ReturnVisit) => driver.Do(CaseAction.Dispute),
            (CaseStatus.Dispatched or CaseStatus.Handling, CaseAction.CoHandlingNote or CaseAction.CoHandlingDone) => CoHandled(status),
            _ => driver,
        };
    }

    /// <summary>A case dispatched to department A with department B supporting (协办), in Dispatched or Handling.</summary>
    public static CaseDriver CoHandled(CaseStatus status)
    {
        var driver = At(CaseStatus.Filed).Do(CaseAction.Dispatch, change: t => t with { CoHandlingDepartmentIds = [Actors.DepartmentB] });
        return status == CaseStatus.Handling ? driver.Do(CaseAction.Accept) : driver;
    }

    /// <summary>Advances the clock by one step and applies a valid transition.</summary>
    public CaseDriver Do(CaseAction action, Actor? actor = null, Func<CaseTransition, CaseTransition>? change = null) =>
        DoAfter(Step, action, actor, change);

    /// <summary>Advances the clock by <paramref name="wait"/> and applies a valid transition.</summary>
    public CaseDriver DoAfter(TimeSpan wait, CaseAction action, Actor? actor = null, Func<CaseTransition, CaseTransition>? change = null)
    {
        Clock.Advance(wait);
        var transition = Transitions.Valid(action);
        Case.Apply(change is null ? transition : change(transition), actor ?? Actors.UsualFor(action), Now, TestSla.Policy);
        return this;
    }

    /// <summary>Moves the clock to a wall-clock time in China (e.g. "2026-03-02 11:50").</summary>
    public CaseDriver SetTime(string chinaTime)
    {
        Clock.SetUtcNow(Cst.At(chinaTime));
        return this;
    }

    /// <summary>Applies a valid transition at the current time without advancing the clock.</summary>
    public CaseDriver DoNow(CaseAction action, Actor? actor = null, Func<CaseTransition, CaseTransition>? change = null) =>
        DoAfter(TimeSpan.Zero, action, actor, change);

    /// <summary>What the case looks like, to show a failed action left it alone.</summary>
    public Snapshot Snap() => new(
        Case.Status, Case.Version, Case.History.Count, Case.Events.Count, Case.Stages.Count, Case.DepartmentId,
        Case.PendingRequest, Case.CheckPassed, Case.Verified, Case.CurrentDueAt, Case.UpdatedAt, Case.CategoryCode, Case.DuplicateOfId);

    /// <summary>The observable state a failed action must not touch.</summary>
    internal sealed record Snapshot(
        CaseStatus Status,
        int Version,
        int HistoryCount,
        int EventCount,
        int StageCount,
        Guid? DepartmentId,
        PendingRequest PendingRequest,
        bool? CheckPassed,
        bool? Verified,
        DateTimeOffset? CurrentDueAt,
        DateTimeOffset UpdatedAt,
        string CategoryCode,
        Guid? DuplicateOfId);
}
