using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Cases;

/// <summary>The data an action carries. Which fields are required depends on the action (see <see cref="CaseWorkflow"/>).</summary>
public sealed record CaseTransition(CaseAction Action)
{
    /// <summary>Why: the reason for a rejection, return, void, urge or request.</summary>
    public string? Note { get; init; }

    /// <summary>The department to dispatch to (主办).</summary>
    public Guid? DepartmentId { get; init; }

    /// <summary>Dispatch: the handler inside the department who gets the case.</summary>
    public Guid? AssigneeId { get; init; }

    /// <summary>Dispatch: the departments that support the main one (协办).</summary>
    public IReadOnlyList<Guid>? CoHandlingDepartmentIds { get; init; }

    /// <summary>Dispatch: what the planner suggested; a department or handler chosen against it needs a <see cref="Reason"/>.</summary>
    public DispatchSuggestion? Suggestion { get; init; }

    /// <summary>Dispatch: why the dispatcher chose otherwise than suggested.</summary>
    public string? Reason { get; init; }

    /// <summary>The case this one duplicates (merge).</summary>
    public Guid? DuplicateOfId { get; init; }

    /// <summary>Verify: the problem exists. Check: the fix is done.</summary>
    public bool? Passed { get; init; }

    /// <summary>Feedback: what the department did.</summary>
    public string? Result { get; init; }

    /// <summary>Postponement: the extra time asked for.</summary>
    public TimeLimit? Extension { get; init; }

    /// <summary>File: a corrected category.</summary>
    public string? CategoryCode { get; init; }

    /// <summary>File: a corrected urgency.</summary>
    public Urgency? Urgency { get; init; }

    /// <summary>Attachments (already uploaded to the case) that belong to this step.</summary>
    public IReadOnlyList<Guid> AttachmentIds { get; init; } = [];
}
