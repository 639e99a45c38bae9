namespace CivicGrid.Infrastructure.Persistence;

/// <summary>What became of a report the classifier categorised.</summary>
public enum IntakeOutcome
{
    /// <summary>Confident enough: filed (立案) and dispatched by the system.</summary>
    AutoFiled,

    /// <summary>Not confident enough: waits in the operator queue.</summary>
    Queued,

    /// <summary>An operator filed it under the classifier's first suggestion.</summary>
    Confirmed,

    /// <summary>An operator filed it under another category: a correction for retraining.</summary>
    Corrected,
}

/// <summary>
/// How the report classifier categorised a case that arrived without a category: its suggestions,
/// its confidence, the threshold in force, and what happened (filed by the system, or queued until an
/// operator confirms or corrects). One row per such case; corrections feed retraining.
/// </summary>
public sealed class IntakeClassification
{
    public required Guid CaseId { get; init; }

    /// <summary>The top suggestions, most probable first: JSON <c>[{"categoryCode":"06010","probability":0.93}, ...]</c>.</summary>
    public required string SuggestionsJson { get; init; }

    /// <summary>The classifier's first suggestion (the case's category until an operator decides).</summary>
    public required string SuggestedCategoryCode { get; init; }

    /// <summary>The first suggestion's probability.</summary>
    public required double Confidence { get; init; }

    /// <summary>The auto-filing threshold when the report arrived.</summary>
    public required double Threshold { get; init; }

    /// <summary>Which model decided: learner, features and training time, as its manifest says.</summary>
    public required string Model { get; init; }

    public required DateTimeOffset ClassifiedAt { get; init; }

    public required IntakeOutcome Outcome { get; set; }

    /// <summary>The category the operator filed it under (confirmed or corrected).</summary>
    public string? ChosenCategoryCode { get; set; }

    public Guid? DecidedById { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }
}
