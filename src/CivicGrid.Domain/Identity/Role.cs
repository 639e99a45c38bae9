namespace CivicGrid.Domain.Identity;

/// <summary>The roles of the platform (DESIGN.md "Who uses it"). Stored by name.</summary>
public enum Role
{
    /// <summary>市民: reports and follows problems.</summary>
    Citizen,
    /// <summary>监督员/信息采集员: patrols grids, reports, verifies (核实) and checks (核查) on site.</summary>
    Inspector,
    /// <summary>受理员: receives reports, files (立案) or rejects them, merges duplicates.</summary>
    Operator,
    /// <summary>派遣员: dispatches filed cases, approves postponements and suspensions.</summary>
    Dispatcher,
    /// <summary>处置人员: a department's handler who fixes the problem and reports back.</summary>
    Handler,
    /// <summary>值班长/中心领导: oversees queues, closes cases, urges, voids.</summary>
    Supervisor,
    /// <summary>分析员: dashboards and evaluation.</summary>
    Analyst,
    /// <summary>审计员: reads the audit trail.</summary>
    Auditor,
    /// <summary>管理员: users, departments, categories, time limits.</summary>
    Admin,
    /// <summary>设备/外部系统: sensors and integrations calling the APIs.</summary>
    Device,
}

/// <summary>Who performs an action: the user, their role and, for handlers, their department.</summary>
/// <param name="UserId">The acting user's id.</param>
/// <param name="DisplayName">The name recorded in the case history.</param>
/// <param name="Role">The role the action is performed in.</param>
/// <param name="DepartmentId">The department of a handler; null for centre staff.</param>
public sealed record Actor(Guid UserId, string DisplayName, Role Role, Guid? DepartmentId)
{
    /// <summary>The system itself (background jobs, automatic escalation).</summary>
    public static Actor System { get; } = new(Guid.Empty, "系统", Role.Admin, null);
}
