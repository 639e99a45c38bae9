using CivicGrid.Domain.Identity;

namespace CivicGrid.Domain.Cases;

/// <summary>One step in a case's life: who did what, when and why. Append-only.</summary>
public sealed class CaseHistoryEntry
{
    private CaseHistoryEntry()
    {
        Action = string.Empty;
        ActorName = string.Empty;
    }

    internal CaseHistoryEntry(Guid caseId, int sequence, string action, CaseStatus? from, CaseStatus to, Actor actor, DateTimeOffset at, string? note, string? details)
    {
        CaseId = caseId;
        Sequence = sequence;
        Action = action;
        FromStatus = from;
        ToStatus = to;
        ActorId = actor.UserId;
        ActorName = actor.DisplayName;
        ActorRole = actor.Role;
        ActorDepartmentId = actor.DepartmentId;
        At = at;
        Note = note;
        Details = details;
    }

    public long Id { get; private set; }

    public Guid CaseId { get; private set; }

    /// <summary>1 for the report, then one more per step.</summary>
    public int Sequence { get; private set; }

    /// <summary>"report" or the camelCase name of the <see cref="CaseAction"/>, "overdue" for an escalation, or "alarmCleared" when the sensor alarm behind the case cleared.</summary>
    public string Action { get; private set; }

    public CaseStatus? FromStatus { get; private set; }

    public CaseStatus ToStatus { get; private set; }

    public Guid ActorId { get; private set; }

    public string ActorName { get; private set; }

    public Role ActorRole { get; private set; }

    public Guid? ActorDepartmentId { get; private set; }

    public DateTimeOffset At { get; private set; }

    public string? Note { get; private set; }

    /// <summary>What the step carried (department, result, extension...), as a small JSON object.</summary>
    public string? Details { get; private set; }
}
