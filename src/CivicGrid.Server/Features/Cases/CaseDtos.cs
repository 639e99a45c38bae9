using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Server.Features.Cases;

/// <summary>A new report.</summary>
public sealed record CreateCaseRequest
{
    public string? Description { get; init; }

    /// <summary>
    /// 5-digit event/matter code (GB/T 47678.5). Leave it out to let the report classifier choose: the
    /// case is then filed and dispatched by the system when the classifier is confident enough, and
    /// otherwise waits in the intake queue (<c>GET /api/v1/intake/queue</c>).
    /// </summary>
    public string? CategoryCode { get; init; }

    public Urgency? Urgency { get; init; }

    public CaseSource? Source { get; init; }

    /// <summary>WGS-84 longitude. Give a position or a grid code.</summary>
    public double? Longitude { get; init; }

    public double? Latitude { get; init; }

    /// <summary>A 15-character unit grid code, when no position is known (the grid centre is used).</summary>
    public string? GridCode { get; init; }

    public string? Address { get; init; }

    /// <summary>17-digit component id, when the problem concerns a component.</summary>
    public string? ComponentId { get; init; }

    public string? ReporterName { get; init; }

    public string? ReporterPhone { get; init; }

    /// <summary>How the caller wants to hear about the case (none or sms); only with a name or phone number.</summary>
    public NotifyBy? ReporterNotifyBy { get; init; }
}

/// <summary>A workflow step: <c>{"action": "dispatch", "departmentId": "..."}</c>.</summary>
public sealed record TransitionRequest
{
    public string? Action { get; init; }

    public string? Note { get; init; }

    /// <summary>Dispatch: the main department (主办); the suggestion's when left out.</summary>
    public Guid? DepartmentId { get; init; }

    /// <summary>Dispatch: the handler in that department; the least loaded one when left out.</summary>
    public Guid? AssigneeId { get; init; }

    /// <summary>Dispatch: supporting departments (协办); the suggestion's when left out, none with an empty list.</summary>
    public IReadOnlyList<Guid>? CoHandlingDepartmentIds { get; init; }

    /// <summary>Dispatch: why another department or handler than suggested (required then).</summary>
    public string? Reason { get; init; }

    public Guid? DuplicateOfId { get; init; }

    public bool? Passed { get; init; }

    public string? Result { get; init; }

    public TimeLimitDto? Extension { get; init; }

    public string? CategoryCode { get; init; }

    public Urgency? Urgency { get; init; }

    public IReadOnlyList<Guid>? AttachmentIds { get; init; }
}

/// <summary>A time limit: value and unit (emergencyWorkHour, workHour, workDay, naturalHour, naturalDay).</summary>
public sealed record TimeLimitDto(decimal Value, TimeLimitUnit Unit)
{
    public static TimeLimitDto From(TimeLimit limit) => new(limit.Value, limit.Unit);
}

/// <summary>Where a case is: WGS-84 degrees.</summary>
public sealed record LocationDto(double Longitude, double Latitude, string Crs = "WGS84");

/// <summary>One row of the case list.</summary>
public sealed record CaseSummaryDto(
    Guid Id,
    string Number,
    CaseStatus Status,
    string Description,
    string CategoryCode,
    Urgency Urgency,
    CaseSource Source,
    LocationDto Location,
    string GridCode,
    string StreetCode,
    Guid? DepartmentId,
    CaseStage? CurrentStage,
    DateTimeOffset? DueAt,
    Light Light,
    bool IsOverdue,
    DateTimeOffset ReportedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A page of cases.</summary>
/// <param name="Items">The page.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Rows per page.</param>
/// <param name="Total">Matching cases, counted up to <see cref="ListCases.TotalCap"/>.</param>
/// <param name="TotalIsLowerBound">True when more cases match than <paramref name="Total"/> says.</param>
public sealed record CasePageDto(IReadOnlyList<CaseSummaryDto> Items, int Page, int PageSize, int Total, bool TotalIsLowerBound = false);

/// <summary>One history step.</summary>
public sealed record CaseHistoryDto(int Sequence, string Action, string ActionName, CaseStatus? FromStatus, CaseStatus ToStatus, Guid ActorId, string ActorName, string ActorRole, DateTimeOffset At, string? Note, string? Details);

/// <summary>One stage clock.</summary>
public sealed record CaseStageDto(CaseStage Stage, TimeLimitDto Limit, DateTimeOffset StartedAt, DateTimeOffset DueAt, DateTimeOffset WarningAt, DateTimeOffset? PausedAt, DateTimeOffset? FinishedAt, bool? FinishedOnTime, decimal ExtendedBy, Light Light);

/// <summary>An attachment's metadata.</summary>
public sealed record AttachmentDto(Guid Id, string FileName, string ContentType, long Size, string Sha256, int? HistorySequence, DateTimeOffset UploadedAt, string Url);

/// <summary>A case with everything: history, stages, attachments and what the caller may do next.</summary>
public sealed record CaseDto(
    Guid Id,
    string Number,
    CaseStatus Status,
    string StatusName,
    string Description,
    string CategoryCode,
    string? CategoryName,
    Urgency Urgency,
    CaseSource Source,
    LocationDto Location,
    string? Address,
    string GridCode,
    string CommunityCode,
    string StreetCode,
    string? ComponentId,
    Guid? DepartmentId,
    Guid? AssigneeId,
    string? AssigneeName,
    IReadOnlyList<CoHandlingDto> CoHandling,
    bool? Verified,
    bool? CheckPassed,
    PendingRequest PendingRequest,
    TimeLimitDto? RequestedExtension,
    Guid? DuplicateOfId,
    int ReworkCount,
    int ReturnCount,
    int UrgeCount,
    CaseStage? CurrentStage,
    DateTimeOffset? DueAt,
    DateTimeOffset? WarningAt,
    Light Light,
    bool IsOverdue,
    DateTimeOffset ReportedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ClosedAt,
    int Version,
    string? ReporterName,
    string? ReporterPhone,
    string TrackingCode,
    IReadOnlyList<string> AllowedActions,
    IReadOnlyList<CaseHistoryDto> History,
    IReadOnlyList<CaseStageDto> Stages,
    IReadOnlyList<AttachmentDto> Attachments);

/// <summary>Chinese names of statuses.</summary>
public static class CaseStatusNames
{
    public static string Chinese(CaseStatus status) => status switch
    {
        CaseStatus.Reported => "待受理",
        CaseStatus.Verifying => "核实中",
        CaseStatus.Filed => "待派遣",
        CaseStatus.Dispatched => "已派遣",
        CaseStatus.Handling => "处置中",
        CaseStatus.Suspended => "挂账",
        CaseStatus.Checking => "待核查",
        CaseStatus.Closed => "已结案",
        CaseStatus.Rejected => "不予立案",
        CaseStatus.Merged => "已合并",
        CaseStatus.Voided => "已作废",
        _ => status.ToString(),
    };
}

/// <summary>A supporting department (协办) of a case and whether it reported its part done.</summary>
public sealed record CoHandlingDto(Guid DepartmentId, string? DepartmentName, DateTimeOffset AddedAt, DateTimeOffset? DoneAt, string? DoneByName, string? Result);

/// <summary>A department named in a dispatch suggestion.</summary>
public sealed record DispatchDepartmentDto(Guid Id, string NameZh, string NameEn);

/// <summary>A handler of the suggested department with their weighted load (lower is freer).</summary>
public sealed record HandlerLoadDto(Guid UserId, string UserName, string DisplayName, decimal Load, int OpenCases);

/// <summary>
/// 智能派遣: where the planner would send the case and why. <c>basis</c> names the rule that chose the
/// department (componentOwner, streetRule, categoryRule, majorCategoryRule, deviceDepartment, none).
/// </summary>
public sealed record DispatchSuggestionDto(
    Guid CaseId,
    DispatchDepartmentDto? Department,
    IReadOnlyList<DispatchDepartmentDto> CoHandlingDepartments,
    HandlerLoadDto? Assignee,
    IReadOnlyList<HandlerLoadDto> Handlers,
    DispatchBasis Basis,
    Guid? RuleId,
    string Reason,
    string ReasonEn);
