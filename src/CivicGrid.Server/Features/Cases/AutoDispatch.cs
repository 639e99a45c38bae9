using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;

namespace CivicGrid.Server.Features.Cases;

/// <summary>
/// 自动派遣: where the system sends a case it filed by itself (a sensor alarm, a report the classifier
/// was sure of, a report an operator confirmed from the intake queue) — the dispatch planner's
/// suggestion (<see cref="DispatchInputs"/>), the same a dispatcher is offered: component owner,
/// responsibility rules, the fallback department, the freest handler and the supporting departments.
/// </summary>
public sealed class AutoDispatch(CivicGridDbContext db)
{
    /// <summary>The actor of automatic dispatch: the system, with a supervisor's right to dispatch.</summary>
    public static Actor SystemActor { get; } = new(Guid.Empty, "自动派遣（系统）", Role.Supervisor, null);

    /// <summary>
    /// Dispatches a filed case (in the caller's unit of work) as the planner suggests, with
    /// <paramref name="note"/> and the planner's reason in its history; <paramref name="fallback"/>
    /// (e.g. the department that owns a device) is used when no rule names a department. Returns
    /// the department, or null when none was found and the case stays filed for a dispatcher.
    /// </summary>
    public async Task<Guid?> DispatchAsync(Case @case, Actor actor, string note, DateTimeOffset at, ISlaPolicy policy, Guid? fallback, CancellationToken ct)
    {
        var plan = await DispatchInputs.SuggestAsync(db, @case, at, ct, fallback);
        if (plan.DepartmentId is not { } department)
        {
            return null;
        }

        @case.Apply(new CaseTransition(CaseAction.Dispatch)
        {
            DepartmentId = department,
            AssigneeId = plan.AssigneeId,
            CoHandlingDepartmentIds = plan.SupportingDepartmentIds,
            Suggestion = plan,
            Note = $"{note}：{plan.ReasonZh}",
        }, actor, at, policy);
        return department;
    }
}
