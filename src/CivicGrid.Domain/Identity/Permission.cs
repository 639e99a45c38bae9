namespace CivicGrid.Domain.Identity;

/// <summary>
/// The named permissions of the platform. Which role holds which is data, not code: the matrix in
/// <c>permissions.csv</c> beside this file (read by <see cref="PermissionMatrix"/>). An endpoint
/// declares the one permission it needs; nothing checks a role name directly.
/// </summary>
public static class Permission
{
    /// <summary>Read one's own account, revoke one's own tokens.</summary>
    public const string SelfRead = "self.read";

    /// <summary>Enrol, verify and disable a TOTP second factor for one's own account.</summary>
    public const string SelfTotp = "self.totp";

    /// <summary>Open the web console.</summary>
    public const string ConsoleUse = "console.use";

    /// <summary>Categories, departments, streets, grids, components, calendar and time limits (read).</summary>
    public const string ReferenceRead = "reference.read";

    /// <summary>Add categories, departments, responsibility rules and grids, components.</summary>
    public const string ReferenceManage = "reference.manage";

    /// <summary>Change the working calendar and the stage time limits.</summary>
    public const string TimeLimitsManage = "timelimits.manage";

    /// <summary>Report a case (上报).</summary>
    public const string CasesCreate = "cases.create";

    /// <summary>List and read cases and their attachments (within the user's data scope).</summary>
    public const string CasesRead = "cases.read";

    /// <summary>Perform workflow actions (which ones the workflow table decides by role).</summary>
    public const string CasesTransition = "cases.transition";

    /// <summary>See the dispatch suggestion of a case (department, supporting departments, handler loads and why).</summary>
    public const string CasesDispatch = "cases.dispatch";

    /// <summary>Upload attachments to a case.</summary>
    public const string CasesAttach = "cases.attach";

    /// <summary>The inspector's patrol page (<c>/inspector</c>): one-tap reports and the verification and check tasks nearby.</summary>
    public const string InspectionUse = "inspection.use";

    /// <summary>
    /// The intake queue: reports the classifier was not sure enough of to file on its own, with its
    /// suggestions; confirm or correct the category (受理员).
    /// </summary>
    public const string IntakeQueue = "intake.queue";

    /// <summary>Users, roles, data scopes, passwords, sessions.</summary>
    public const string UsersManage = "users.manage";

    /// <summary>Issue, rotate and revoke Open311 API client keys.</summary>
    public const string ApiClientsManage = "apiclients.manage";

    /// <summary>Devices and device types (read).</summary>
    public const string DevicesRead = "devices.read";

    /// <summary>Register, change, retire devices, rotate device tokens.</summary>
    public const string DevicesManage = "devices.manage";

    /// <summary>Telemetry series, aggregates and dead letters.</summary>
    public const string TelemetryRead = "telemetry.read";

    /// <summary>Alarms and alarm rules (read).</summary>
    public const string AlarmsRead = "alarms.read";

    /// <summary>Acknowledge and clear alarms.</summary>
    public const string AlarmsAct = "alarms.act";

    /// <summary>Create, change, delete and import alarm rules.</summary>
    public const string AlarmRulesManage = "alarmrules.manage";

    /// <summary>The live event feeds.</summary>
    public const string EventsRead = "events.read";

    /// <summary>Security alerts (risk warnings): read.</summary>
    public const string SecurityAlertsRead = "security.alerts.read";

    /// <summary>Security alerts: acknowledge.</summary>
    public const string SecurityAlertsAct = "security.alerts.act";

    /// <summary>The audit trail: search, export, verify (auditors only: 三权分立).</summary>
    public const string AuditRead = "audit.read";

    /// <summary>Reporters' personal data in full (reveal one case's reporter, export one citizen's data); every use is audited.</summary>
    public const string PersonalDataReveal = "personaldata.reveal";

    /// <summary>Every permission constant declared above.</summary>
    public static IReadOnlyList<string> All { get; } =
        [.. typeof(Permission).GetFields().Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)];
}
