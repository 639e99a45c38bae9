namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>
/// The report classifier: category suggestions from a report's text. The model lives in
/// <c>&lt;DataDir&gt;/models/report-classifier.zip</c>, trained by <c>civicgrid model train</c>
/// (or <see cref="ReportClassifier.Retrain"/> with operator corrections) and loaded on first use.
/// </summary>
public static class ClassificationFeature
{
    public static IHostApplicationBuilder AddClassification(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReportClassifier>();
        return builder;
    }
}
