using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Cases;

/// <summary>
/// 自动派遣: where the system sends a case it filed by itself (a sensor alarm, a report the classifier
/// was sure of, a report an operator confirmed from the intake queue). The choice of department is
/// made in <see cref="ChooseDepartmentAsync"/> alone, so a smarter dispatch planner (workload,
/// co-handling, exceptions) replaces that one method for every automatic path.
/// </summary>
public sealed class AutoDispatch(CivicGridDbContext db)
{
    /// <summary>The actor of automatic dispatch: the system, with a supervisor's right to dispatch.</summary>
    public static Actor SystemActor { get; } = new(Guid.Empty, "自动派遣（系统）", Role.Supervisor, null);

    /// <summary>
    /// The active department a filed case goes to: the responsibility rule for its category and
    /// street, else <paramref name="fallback"/> (e.g. the department that owns a device); null when
    /// neither names an active department (the case then waits for a dispatcher).
    /// </summary>
    public async Task<Guid?> ChooseDepartmentAsync(Case @case, Guid? fallback, CancellationToken ct)
    {
        var rules = await db.ResponsibilityRules.AsNoTracking().ToListAsync(ct);
        foreach (var candidate in new[] { ResponsibilityRule.Resolve(rules, @case.CategoryCode, @case.StreetCode), fallback })
        {
            if (candidate is { } id && await db.Departments.AnyAsync(d => d.Id == id && d.IsActive, ct))
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>
    /// Dispatches a filed case (in the caller's unit of work) to the department <see cref="ChooseDepartmentAsync"/>
    /// picks, with <paramref name="note"/> in its history; returns the department, or null when none
    /// was found and the case stays filed.
    /// </summary>
    public async Task<Guid?> DispatchAsync(Case @case, Actor actor, string note, DateTimeOffset at, ISlaPolicy policy, Guid? fallback, CancellationToken ct)
    {
        if (await ChooseDepartmentAsync(@case, fallback, ct) is not { } department)
        {
            return null;
        }

        @case.Apply(new CaseTransition(CaseAction.Dispatch) { DepartmentId = department, Note = note }, actor, at, policy);
        return department;
    }
}
