using CivicGrid.Domain.Identity;

namespace CivicGrid.Domain.Cases;

/// <summary>One row of the workflow table: in these states, this action leads there, for these roles.</summary>
/// <param name="Action">The action.</param>
/// <param name="From">The states the action starts from.</param>
/// <param name="To">The state it leads to; null when the status stays (an approval, an urge).</param>
/// <param name="Roles">The roles allowed to perform it.</param>
/// <param name="DepartmentBound">Handlers may act only on cases assigned to their own department.</param>
/// <param name="CoHandlingBound">Handlers may act only on cases their department supports (协办), on their own part.</param>
/// <param name="Guard">An extra condition on the case (a pending request, a passed check).</param>
/// <param name="RequiredFields">Request fields that must be present (API names).</param>
public sealed record WorkflowRule(
    CaseAction Action,
    IReadOnlySet<CaseStatus> From,
    CaseStatus? To,
    IReadOnlySet<Role> Roles,
    bool DepartmentBound,
    bool CoHandlingBound,
    Func<Case, bool> Guard,
    IReadOnlyList<string> RequiredFields);

/// <summary>
/// The closed loop as data: the single source that the aggregate, the API's <c>allowedActions</c>,
/// the console's buttons and the tests read.
/// </summary>
public static class CaseWorkflow
{
    private static readonly CaseStatus[] Open =
        [CaseStatus.Filed, CaseStatus.Dispatched, CaseStatus.Handling, CaseStatus.Suspended, CaseStatus.Checking];

    /// <summary>All rules, in the order the console shows the buttons.</summary>
    public static IReadOnlyList<WorkflowRule> Rules { get; } =
    [
        Rule(CaseAction.RequestVerification, [CaseStatus.Reported], CaseStatus.Verifying, [Role.Operator, Role.Supervisor], guard: c => c.Verified is null),
        Rule(CaseAction.Verify, [CaseStatus.Verifying], CaseStatus.Reported, [Role.Inspector, Role.Operator, Role.Supervisor], required: ["passed"]),
        Rule(CaseAction.File, [CaseStatus.Reported], CaseStatus.Filed, [Role.Operator, Role.Supervisor], guard: c => c.Verified != false),
        Rule(CaseAction.Reject, [CaseStatus.Reported, CaseStatus.Verifying], CaseStatus.Rejected, [Role.Operator, Role.Supervisor], required: ["note"]),
        Rule(CaseAction.Merge, [CaseStatus.Reported, CaseStatus.Verifying], CaseStatus.Merged, [Role.Operator, Role.Supervisor], required: ["duplicateOfId"]),
        Rule(CaseAction.Dispatch, [CaseStatus.Filed], CaseStatus.Dispatched, [Role.Dispatcher, Role.Supervisor], required: ["departmentId"]),
        Rule(CaseAction.Accept, [CaseStatus.Dispatched], CaseStatus.Handling, [Role.Handler], departmentBound: true),
        Rule(CaseAction.Return, [CaseStatus.Dispatched, CaseStatus.Handling], CaseStatus.Filed, [Role.Handler], departmentBound: true, guard: c => c.PendingRequest == PendingRequest.None, required: ["note"]),
        Rule(CaseAction.Feedback, [CaseStatus.Handling], CaseStatus.Checking, [Role.Handler], departmentBound: true, guard: c => c.PendingRequest == PendingRequest.None && c.CoHandling.All(p => p.IsDone), required: ["result"]),
        Rule(CaseAction.Check, [CaseStatus.Checking], null, [Role.Inspector, Role.Operator, Role.Supervisor], guard: c => c.CheckPassed is null, required: ["passed"]),
        Rule(CaseAction.Close, [CaseStatus.Checking], CaseStatus.Closed, [Role.Supervisor, Role.Operator], guard: c => c.CheckPassed == true),
        Rule(CaseAction.Rework, [CaseStatus.Checking], CaseStatus.Handling, [Role.Supervisor, Role.Operator], guard: c => c.CheckPassed != true, required: ["note"]),
        Rule(CaseAction.RequestPostponement, [CaseStatus.Handling], null, [Role.Handler], departmentBound: true, guard: c => c.PendingRequest == PendingRequest.None, required: ["extension", "note"]),
        Rule(CaseAction.ApprovePostponement, [CaseStatus.Handling], null, [Role.Dispatcher, Role.Supervisor], guard: c => c.PendingRequest == PendingRequest.Postponement),
        Rule(CaseAction.RejectPostponement, [CaseStatus.Handling], null, [Role.Dispatcher, Role.Supervisor], guard: c => c.PendingRequest == PendingRequest.Postponement, required: ["note"]),
        Rule(CaseAction.RequestSuspension, [CaseStatus.Dispatched, CaseStatus.Handling], null, [Role.Handler], departmentBound: true, guard: c => c.PendingRequest == PendingRequest.None, required: ["note"]),
        Rule(CaseAction.ApproveSuspension, [CaseStatus.Dispatched, CaseStatus.Handling], CaseStatus.Suspended, [Role.Dispatcher, Role.Supervisor], guard: c => c.PendingRequest == PendingRequest.Suspension),
        Rule(CaseAction.RejectSuspension, [CaseStatus.Dispatched, CaseStatus.Handling], null, [Role.Dispatcher, Role.Supervisor], guard: c => c.PendingRequest == PendingRequest.Suspension, required: ["note"]),
        Rule(CaseAction.LiftSuspension, [CaseStatus.Suspended], CaseStatus.Handling, [Role.Dispatcher, Role.Supervisor]),
        Rule(CaseAction.Urge, Open, null, [Role.Supervisor], required: ["note"]),
        Rule(CaseAction.Void, [CaseStatus.Reported, CaseStatus.Verifying, CaseStatus.Filed, CaseStatus.Dispatched], CaseStatus.Voided, [Role.Supervisor], required: ["note"]),
        Rule(CaseAction.Dispute, [CaseStatus.Closed], null, [Role.Citizen], guard: c => c.PendingRequest == PendingRequest.None, required: ["note"]),
        Rule(CaseAction.ReturnVisit, [CaseStatus.Closed], null, [Role.Supervisor, Role.Operator], guard: c => c.PendingRequest == PendingRequest.ReturnVisit, required: ["note"]),
        Rule(CaseAction.Reopen, [CaseStatus.Closed, CaseStatus.Rejected, CaseStatus.Voided], null, [Role.Supervisor], required: ["note"]),
        Rule(CaseAction.CoHandlingNote, [CaseStatus.Dispatched, CaseStatus.Handling], null, [Role.Handler], coHandlingBound: true, guard: c => c.CoHandling.Count > 0, required: ["note"]),
        Rule(CaseAction.CoHandlingDone, [CaseStatus.Dispatched, CaseStatus.Handling], null, [Role.Handler], coHandlingBound: true, guard: c => c.CoHandling.Any(p => !p.IsDone), required: ["result"]),
    ];

    /// <summary>The rule for an action, which exists for every action.</summary>
    public static WorkflowRule RuleFor(CaseAction action) => Rules.First(r => r.Action == action);

    /// <summary>States from which no further work is expected.</summary>
    public static bool IsTerminal(CaseStatus status) =>
        status is CaseStatus.Closed or CaseStatus.Rejected or CaseStatus.Merged or CaseStatus.Voided;

    /// <summary>The actions the case's state allows right now, whoever asks.</summary>
    public static IReadOnlyList<CaseAction> AllowedNow(Case @case) =>
        [.. Rules.Where(r => r.From.Contains(@case.Status) && r.Guard(@case)).Select(r => r.Action)];

    /// <summary>The actions this actor may perform on the case right now.</summary>
    public static IReadOnlyList<CaseAction> AllowedFor(Case @case, Actor actor) =>
        [.. Rules.Where(r => r.From.Contains(@case.Status) && r.Guard(@case) && MayAct(r, @case, actor)).Select(r => r.Action)];

    /// <summary>
    /// Whether the actor's role (and department) may perform the rule's action on the case: the main
    /// department's steps for its handlers, a supporting department's steps for its handlers while
    /// its part is open (a note any time).
    /// </summary>
    public static bool MayAct(WorkflowRule rule, Case @case, Actor actor) =>
        rule.Roles.Contains(actor.Role)
        && (!rule.DepartmentBound || actor.DepartmentId is not null && actor.DepartmentId == @case.DepartmentId)
        && (!rule.CoHandlingBound || @case.PartOf(actor) is { } part && (rule.Action != CaseAction.CoHandlingDone || !part.IsDone));

    private static WorkflowRule Rule(
        CaseAction action,
        CaseStatus[] from,
        CaseStatus? to,
        Role[] roles,
        bool departmentBound = false,
        bool coHandlingBound = false,
        Func<Case, bool>? guard = null,
        string[]? required = null) =>
        new(action, from.ToHashSet(), to, roles.ToHashSet(), departmentBound, coHandlingBound, guard ?? (_ => true), required ?? []);
}
