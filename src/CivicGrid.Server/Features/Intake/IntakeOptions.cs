namespace CivicGrid.Server.Features.Intake;

/// <summary>How reports without a category are routed. Section <c>Intake</c>.</summary>
public sealed class IntakeOptions
{
    public const string SectionName = "Intake";

    /// <summary>
    /// A report that arrives without a category is filed (立案) and dispatched by the system when the
    /// classifier's first suggestion has at least this probability; below it, the report waits in the
    /// operator queue with the top suggestions. 1 sends nearly every such report to the queue; above 1
    /// turns automatic filing off. The default is chosen from the held-out evaluation on the TipDM 2020
    /// messages (docs/benchmarks.md, "Confidence routing").
    /// </summary>
    public double AutoFileThreshold { get; set; } = 0.9;

    /// <summary>How many suggestions the queue keeps and shows per report.</summary>
    public int QueueSuggestions { get; set; } = 3;

    /// <summary>When the classifier retrains itself from the city's filed cases and the operators' corrections.</summary>
    public ClassifierRetrainOptions Retrain { get; set; } = new();
}

/// <summary>Section <c>Intake:Retrain</c>.</summary>
public sealed class ClassifierRetrainOptions
{
    /// <summary>Run the retraining job on this node (each node keeps its model in its data folder).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The first check after the start (the demo seeds its cases meanwhile).</summary>
    public TimeSpan FirstCheckAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the job asks whether a retraining is due.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Retrain when this many operator corrections came in since the model was trained.</summary>
    public int AfterCorrections { get; set; } = 20;

    /// <summary>Retrain anyway when the model is this old and cases were filed since.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>No model is trained from fewer filed cases than this.</summary>
    public int MinExamples { get; set; } = 200;

    /// <summary>The most recent filed cases used for training (bounds the training time).</summary>
    public int MaxExamples { get; set; } = 20_000;

    /// <summary>A due retraining waits for the next check while the server uses more than this share of the machine's cores (1: never waits).</summary>
    public double BusyAbove { get; set; } = 0.5;

    /// <summary>A retraining postponed this long runs at the next check however busy the server is.</summary>
    public TimeSpan MaxPostpone { get; set; } = TimeSpan.FromHours(12);

    internal bool IsValid() =>
        FirstCheckAfter >= TimeSpan.Zero && CheckInterval > TimeSpan.Zero && AfterCorrections >= 1 && MaxAge > TimeSpan.Zero
        && MinExamples >= 2 && MaxExamples >= MinExamples && BusyAbove is > 0 and <= 1 && MaxPostpone >= TimeSpan.Zero;
}
