using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Infrastructure.Persistence;

/// <summary>
/// Loads what <see cref="DispatchPlanner"/> needs (rules, active departments, the component's
/// owner, the handlers and their open work) and asks it: the one way the API, the console and the
/// sensor alarms choose where a case goes.
/// </summary>
public static class DispatchInputs
{
    /// <summary>The planner's suggestion for a case (a few small indexed queries).</summary>
    public static async Task<DispatchSuggestion> SuggestAsync(CivicGridDbContext db, Case @case, DateTimeOffset now, CancellationToken ct, Guid? deviceDepartmentId = null) =>
        await SuggestAsync(db, new DispatchFacts(@case.CategoryCode, @case.StreetCode, @case.ComponentId, null, deviceDepartmentId), now, ct);

    /// <summary>The planner's suggestion for a category, street and component; the component's owner is looked up here.</summary>
    public static async Task<DispatchSuggestion> SuggestAsync(CivicGridDbContext db, DispatchFacts facts, DateTimeOffset now, CancellationToken ct)
    {
        var rules = await db.ResponsibilityRules.AsNoTracking().ToListAsync(ct);
        var active = (await db.Departments.AsNoTracking().Where(d => d.IsActive).Select(d => d.Id).ToListAsync(ct)).ToHashSet();
        if (facts.ComponentId is { } componentId && facts.ComponentOwnerId is null)
        {
            var owner = await db.Components.AsNoTracking().Where(c => c.Id == componentId).Select(c => (Guid?)c.OwnerDepartmentId).FirstOrDefaultAsync(ct);
            facts = facts with { ComponentOwnerId = owner };
        }

        // First the department, then the loads of its handlers only.
        var department = DispatchPlanner.Suggest(facts, rules, active, [], []).DepartmentId;
        var (handlers, work) = department is { } d ? await WorkloadAsync(db, d, now, ct) : ([], []);
        return DispatchPlanner.Suggest(facts, rules, active, handlers, work);
    }

    /// <summary>The active handlers of a department, freest first.</summary>
    public static async Task<IReadOnlyList<HandlerLoad>> LoadsAsync(CivicGridDbContext db, Guid departmentId, DateTimeOffset now, CancellationToken ct)
    {
        var (handlers, work) = await WorkloadAsync(db, departmentId, now, ct);
        return DispatchPlanner.Loads(departmentId, handlers, work);
    }

    private static async Task<(IReadOnlyList<DispatchHandler> Handlers, IReadOnlyList<AssignedWork> Work)> WorkloadAsync(CivicGridDbContext db, Guid departmentId, DateTimeOffset now, CancellationToken ct)
    {
        var handlers = await db.Users.AsNoTracking()
            .Where(u => u.Role == Role.Handler && u.IsActive && u.DepartmentId == departmentId)
            .Select(u => new DispatchHandler(u.Id, u.UserName, u.DisplayName, departmentId))
            .ToListAsync(ct);
        if (handlers.Count == 0)
        {
            return ([], []);
        }

        var ids = handlers.Select(h => h.UserId).ToList();
        var statuses = DispatchPlanner.LoadStatuses.ToList();
        // Counted in SQL per (assignee, urgency, overdue), then spread back into single cases.
        var groups = await db.Cases.AsNoTracking()
            .Where(c => c.AssigneeId != null && ids.Contains(c.AssigneeId.Value) && statuses.Contains(c.Status))
            .GroupBy(c => new { Assignee = c.AssigneeId!.Value, c.Urgency, Overdue = c.IsOverdue || c.CurrentDueAt < now })
            .Select(g => new { g.Key.Assignee, g.Key.Urgency, g.Key.Overdue, Count = g.Count() })
            .ToListAsync(ct);
        return (handlers, [.. groups.SelectMany(g => Enumerable.Repeat(new AssignedWork(g.Assignee, g.Urgency, g.Overdue), g.Count))]);
    }
}
