using CivicGrid.Domain.Identity;

namespace CivicGrid.Domain.Cases;

/// <summary>
/// 协办: a department that supports the main one (主办) on a case. It sees the case, adds notes and
/// reports its part done; the main department cannot report the case fixed before every supporting
/// department has (see the guard of <see cref="CaseAction.Feedback"/>).
/// </summary>
public sealed class CoHandlingPart
{
    private CoHandlingPart()
    {
    }

    internal CoHandlingPart(Guid departmentId, DateTimeOffset addedAt)
    {
        DepartmentId = departmentId;
        AddedAt = addedAt;
    }

    public Guid DepartmentId { get; private set; }

    /// <summary>When the dispatch named it.</summary>
    public DateTimeOffset AddedAt { get; private set; }

    /// <summary>When it reported its part done; null while it works.</summary>
    public DateTimeOffset? DoneAt { get; private set; }

    public Guid? DoneById { get; private set; }

    public string? DoneByName { get; private set; }

    /// <summary>What it did.</summary>
    public string? Result { get; private set; }

    public bool IsDone => DoneAt is not null;

    internal void MarkDone(Actor actor, DateTimeOffset at, string result)
    {
        DoneAt = at;
        DoneById = actor.UserId;
        DoneByName = actor.DisplayName;
        Result = result;
    }
}
