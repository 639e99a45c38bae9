using System.Globalization;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Cases;

/// <summary>Which rule chose the main department of a dispatch suggestion.</summary>
public enum DispatchBasis
{
    /// <summary>The case names a component: its owning department (主管部门) is in charge.</summary>
    ComponentOwner,
    /// <summary>A rule for the category (or its major category) in the case's street: the street's exception.</summary>
    StreetRule,
    /// <summary>A district-wide rule for the 5-digit category.</summary>
    CategoryRule,
    /// <summary>A district-wide rule for the 2-digit major category.</summary>
    MajorCategoryRule,
    /// <summary>No rule matched; the department the reporting device belongs to (sensor alarms).</summary>
    DeviceDepartment,
    /// <summary>Nothing matched: the dispatcher must choose.</summary>
    None,
}

/// <summary>What the planner needs to know about a case.</summary>
/// <param name="CategoryCode">The 5-digit event category.</param>
/// <param name="StreetCode">The 9-digit street the case lies in.</param>
/// <param name="ComponentId">The component the case names, if any.</param>
/// <param name="ComponentOwnerId">That component's owning department, if the component is known.</param>
/// <param name="DeviceDepartmentId">For a sensor alarm: the department the device belongs to (the last resort).</param>
public sealed record DispatchFacts(string CategoryCode, string StreetCode, string? ComponentId = null, Guid? ComponentOwnerId = null, Guid? DeviceDepartmentId = null);

/// <summary>A user who may be assigned cases: a handler (处置人员) of a department.</summary>
public sealed record DispatchHandler(Guid UserId, string UserName, string DisplayName, Guid DepartmentId);

/// <summary>One open case assigned to a handler, as far as the workload counts it.</summary>
public sealed record AssignedWork(Guid AssigneeId, Urgency Urgency, bool IsOverdue);

/// <summary>A handler with their current weighted load (lower is freer).</summary>
public sealed record HandlerLoad(Guid UserId, string UserName, string DisplayName, decimal Load, int OpenCases);

/// <summary>
/// The planner's proposal for a dispatch: the main department (主办), the supporting ones (协办), the
/// handler inside the main department, and why, in both languages, so the console can show it.
/// </summary>
public sealed record DispatchSuggestion(
    Guid? DepartmentId,
    IReadOnlyList<Guid> SupportingDepartmentIds,
    Guid? AssigneeId,
    DispatchBasis Basis,
    Guid? RuleId,
    string ReasonZh,
    string ReasonEn,
    IReadOnlyList<HandlerLoad> Handlers);

/// <summary>
/// 智能派遣: the one place that decides where a case goes. Pure: the caller loads the rules, the
/// active departments, the handlers and their open work; the same inputs give the same answer.
/// </summary>
/// <remarks>
/// Order of precedence for the main department: the owner of the component the case names, then
/// the most specific responsibility rule (category + street, category, major category), then the
/// reporting device's department. Rules and owners whose department is inactive are skipped. The
/// supporting departments are those of the best matching rule, less the main department. Inside the
/// main department, the handler with the lowest weighted load gets the case (see <see cref="LoadOf"/>);
/// ties go to the fewest open cases, then the user name, then the id, so the choice is repeatable.
/// </remarks>
public static class DispatchPlanner
{
    /// <summary>The statuses in which a case weighs on its assignee.</summary>
    public static IReadOnlyList<CaseStatus> LoadStatuses { get; } = [CaseStatus.Dispatched, CaseStatus.Handling];

    /// <summary>Proposes department, supporting departments and handler for a case.</summary>
    public static DispatchSuggestion Suggest(
        DispatchFacts facts,
        IEnumerable<ResponsibilityRule> rules,
        IReadOnlySet<Guid> activeDepartments,
        IReadOnlyList<DispatchHandler> handlers,
        IReadOnlyList<AssignedWork> openWork)
    {
        var rule = ResponsibilityRule.Match(rules.Where(r => activeDepartments.Contains(r.DepartmentId)), facts.CategoryCode, facts.StreetCode);
        Guid? main;
        DispatchBasis basis;
        string zh, en;
        if (facts.ComponentId is { } component && facts.ComponentOwnerId is { } owner && activeDepartments.Contains(owner))
        {
            (main, basis) = (owner, DispatchBasis.ComponentOwner);
            zh = $"部件 {component} 的主管部门";
            en = $"the owner of component {component}";
        }
        else if (rule is not null)
        {
            main = rule.DepartmentId;
            basis = rule.StreetCode is not null ? DispatchBasis.StreetRule
                : rule.CategoryCode.Length == 5 ? DispatchBasis.CategoryRule
                : DispatchBasis.MajorCategoryRule;
            (zh, en) = basis switch
            {
                DispatchBasis.StreetRule => ($"责任规则：类别 {rule.CategoryCode} 在街道 {rule.StreetCode} 的例外", $"responsibility rule: category {rule.CategoryCode}, street exception {rule.StreetCode}"),
                DispatchBasis.CategoryRule => ($"责任规则：类别 {rule.CategoryCode}", $"responsibility rule: category {rule.CategoryCode}"),
                _ => ($"责任规则：大类 {rule.CategoryCode}", $"responsibility rule: major category {rule.CategoryCode}"),
            };
        }
        else if (facts.DeviceDepartmentId is { } device && activeDepartments.Contains(device))
        {
            (main, basis) = (device, DispatchBasis.DeviceDepartment);
            (zh, en) = ("无匹配的责任规则，按告警设备所属部门", "no responsibility rule matched; the department of the reporting device");
        }
        else
        {
            (main, basis) = (null, DispatchBasis.None);
            (zh, en) = ($"类别 {facts.CategoryCode} 没有匹配的责任规则，请选择部门", $"no responsibility rule matches category {facts.CategoryCode}; choose a department");
        }

        IReadOnlyList<Guid> supporting = rule is null || main is null
            ? []
            : [.. rule.SupportingDepartmentIds.Where(d => d != main && activeDepartments.Contains(d)).Distinct()];
        if (supporting.Count > 0 && basis == DispatchBasis.ComponentOwner)
        {
            // The owner takes the lead; the rule's supporting departments still take their part.
            zh += "；协办按责任规则 " + rule!.CategoryCode;
            en += "; supporting departments from the rule for " + rule!.CategoryCode;
        }

        var loads = main is { } m ? Loads(m, handlers, openWork) : [];
        var pick = loads.Count > 0 ? loads[0] : null;
        if (pick is not null)
        {
            zh += string.Create(CultureInfo.InvariantCulture, $"；处置人员按工作量：{pick.DisplayName}（负荷 {pick.Load:0.#}，{pick.OpenCases} 件在办）");
            en += string.Create(CultureInfo.InvariantCulture, $"; handler by workload: {pick.DisplayName} (load {pick.Load:0.#}, {pick.OpenCases} open)");
        }

        return new DispatchSuggestion(main, supporting, pick?.UserId, basis, rule?.Id, zh, en, loads);
    }

    /// <summary>The handlers of a department, freest first (the first is the one the planner assigns).</summary>
    public static IReadOnlyList<HandlerLoad> Loads(Guid departmentId, IReadOnlyList<DispatchHandler> handlers, IReadOnlyList<AssignedWork> openWork)
    {
        var byAssignee = openWork.ToLookup(w => w.AssigneeId);
        return
        [
            .. handlers.Where(h => h.DepartmentId == departmentId)
                .Select(h => new HandlerLoad(h.UserId, h.UserName, h.DisplayName, byAssignee[h.UserId].Sum(LoadOf), byAssignee[h.UserId].Count()))
                .OrderBy(h => h.Load)
                .ThenBy(h => h.OpenCases)
                .ThenBy(h => h.UserName, StringComparer.Ordinal)
                .ThenBy(h => h.UserId),
        ];
    }

    /// <summary>
    /// What one open case weighs: 1 for normal, 2 for urgent, 3 for an emergency (特急), doubled
    /// while it is overdue, because late work crowds out everything else the handler has.
    /// </summary>
    public static decimal LoadOf(AssignedWork work) =>
        (work.Urgency switch
        {
            Urgency.Emergency => 3m,
            Urgency.Urgent => 2m,
            _ => 1m,
        }) * (work.IsOverdue ? 2m : 1m);
}
