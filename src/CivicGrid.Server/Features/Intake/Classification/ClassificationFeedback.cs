namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>
/// An operator's correction of a suggested category: the report text, what the classifier
/// suggested, and the category the operator chose. <see cref="ReportClassifier.Retrain"/> trains a
/// new model from the base data plus these corrections (the latest correction of a text wins and
/// replaces that text's base label); collecting them from the case workflow comes later.
/// </summary>
/// <param name="Text">The report's description as the classifier saw it.</param>
/// <param name="SuggestedLabel">The classifier's top suggestion, if there was one.</param>
/// <param name="CorrectLabel">The category the operator chose.</param>
/// <param name="CorrectedAt">When the operator chose it (UTC).</param>
/// <param name="CaseId">The case, when the correction came from one.</param>
public sealed record ClassificationFeedback(string Text, string? SuggestedLabel, string CorrectLabel, DateTimeOffset CorrectedAt, Guid? CaseId = null);
