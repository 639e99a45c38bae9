using Microsoft.ML;

namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>A category suggested for a report, with the model's probability for it.</summary>
public sealed record CategorySuggestion(string Label, float Probability);

/// <summary>One input row of the ML.NET pipeline (prepared text, its words, the label and a weight).</summary>
internal sealed class ReportRow
{
    public string Text { get; set; } = string.Empty;

    public string Words { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty;

    public float Weight { get; set; } = 1f;
}

/// <summary>What the ML.NET pipeline outputs per row.</summary>
internal sealed class ReportScore
{
    public float[] Score { get; set; } = [];
}

/// <summary>Facts about a trained model, stored inside its zip beside ML.NET's own entries.</summary>
/// <param name="Settings">Features and learner.</param>
/// <param name="Labels">The classes, in the order of the model's score vector.</param>
/// <param name="ExampleCount">How many examples it was trained on.</param>
/// <param name="TrainedAt">When training finished (UTC).</param>
/// <param name="TrainingTime">How long training took.</param>
public sealed record ClassifierManifest(ClassifierSettings Settings, IReadOnlyList<string> Labels, int ExampleCount, DateTimeOffset TrainedAt, TimeSpan TrainingTime);

/// <summary>
/// A trained report classifier: an ML.NET transformer chain plus its manifest. Safe to use from
/// several threads (predictions go through one engine under a lock; batch scoring does not lock).
/// </summary>
public sealed class ClassifierModel
{
    private readonly MLContext _ml;
    private readonly Lock _engineLock = new();
    private PredictionEngine<ReportRow, ReportScore>? _engine;

    internal ClassifierModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, ClassifierManifest manifest)
    {
        _ml = ml;
        Transformer = transformer;
        InputSchema = inputSchema;
        Manifest = manifest;
    }

    /// <summary>Features, learner, classes and training facts.</summary>
    public ClassifierManifest Manifest { get; }

    /// <summary>The classes the model knows.</summary>
    public IReadOnlyList<string> Labels => Manifest.Labels;

    internal ITransformer Transformer { get; }

    internal DataViewSchema InputSchema { get; }

    /// <summary>The <paramref name="top"/> most probable categories for <paramref name="text"/>, most probable first.</summary>
    public IReadOnlyList<CategorySuggestion> Predict(string text, int top = 3)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var row = Prepare(text, string.Empty, Manifest.Settings);
        float[] scores;
        lock (_engineLock)
        {
            _engine ??= _ml.Model.CreatePredictionEngine<ReportRow, ReportScore>(Transformer, InputSchema);
            scores = _engine.Predict(row).Score;
        }

        return Rank(scores, top);
    }

    /// <summary>The most probable category of every text with its probability, in order (one pass through the pipeline).</summary>
    public IReadOnlyList<CategorySuggestion> PredictTopMany(IEnumerable<string> texts)
    {
        var rows = texts.Select(t => Prepare(t, string.Empty, Manifest.Settings)).ToList();
        var scored = Transformer.Transform(_ml.Data.LoadFromEnumerable(rows, InputSchema));
        return [.. _ml.Data.CreateEnumerable<ReportScore>(scored, reuseRowObject: false).Select(s => Rank(s.Score, 1)[0])];
    }

    internal static ReportRow Prepare(string text, string label, ClassifierSettings settings, float weight = 1f)
    {
        var normalized = ReportText.Normalize(text);
        return new ReportRow
        {
            Text = settings.LeadLength > 0 && normalized.Length > 0
                ? string.Concat(normalized.AsSpan(0, Math.Min(settings.LeadLength, normalized.Length)), " ", normalized)
                : normalized,
            Words = settings.WordNgramLength > 0 ? ReportText.Words(normalized) : string.Empty,
            Label = label,
            Weight = weight,
        };
    }

    private List<CategorySuggestion> Rank(float[] scores, int top)
    {
        // Calibrated one-versus-all scores need not add up to one; report them as a distribution.
        var sum = scores.Where(s => s > 0 && float.IsFinite(s)).Sum();
        return [.. scores
            .Select((s, i) => new CategorySuggestion(Manifest.Labels[i], sum > 0 && float.IsFinite(s) ? Math.Max(0, s) / sum : 0))
            .OrderByDescending(s => s.Probability)
            .ThenBy(s => s.Label, StringComparer.Ordinal)
            .Take(top)];
    }
}
