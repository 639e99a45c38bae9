namespace CivicGrid.Domain.Cases;

/// <summary>Something that happened to a case, for the outbox and the live feed.</summary>
public abstract record CaseEvent(Guid CaseId, string CaseNumber, DateTimeOffset At);

/// <summary>A new case was reported.</summary>
public sealed record CaseReported(Guid CaseId, string CaseNumber, DateTimeOffset At, string CategoryCode, string GridCode)
    : CaseEvent(CaseId, CaseNumber, At);

/// <summary>A workflow action was performed.</summary>
public sealed record CaseTransitioned(Guid CaseId, string CaseNumber, DateTimeOffset At, CaseAction Action, CaseStatus From, CaseStatus To, Guid? DepartmentId, string? Note = null)
    : CaseEvent(CaseId, CaseNumber, At);

/// <summary>Another person joined the case ("me too") instead of filing a new one.</summary>
public sealed record CaseReporterJoined(Guid CaseId, string CaseNumber, DateTimeOffset At, CaseSource Channel)
    : CaseEvent(CaseId, CaseNumber, At);

/// <summary>A reporter rated the result of the closed case.</summary>
public sealed record CaseRated(Guid CaseId, string CaseNumber, DateTimeOffset At, int Stars)
    : CaseEvent(CaseId, CaseNumber, At);

/// <summary>A stage passed its deadline.</summary>
public sealed record CaseStageOverdue(Guid CaseId, string CaseNumber, DateTimeOffset At, Sla.CaseStage Stage, DateTimeOffset DueAt)
    : CaseEvent(CaseId, CaseNumber, At);

/// <summary>The sensor alarm behind the case cleared before the case was handled.</summary>
public sealed record CaseAlarmCleared(Guid CaseId, string CaseNumber, DateTimeOffset At, Guid AlarmId)
    : CaseEvent(CaseId, CaseNumber, At);
