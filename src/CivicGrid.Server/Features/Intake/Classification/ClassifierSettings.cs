namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>The linear multiclass learners the classifier can use.</summary>
public enum ClassifierTrainer
{
    /// <summary>Stochastic dual coordinate ascent on the multinomial logistic loss (ML.NET SdcaMaximumEntropy).</summary>
    Sdca,

    /// <summary>L-BFGS on the multinomial logistic loss (ML.NET LbfgsMaximumEntropy).</summary>
    Lbfgs,

    /// <summary>One-versus-all Pegasos linear SVMs with Platt-calibrated scores (ML.NET OneVersusAll(LinearSvm)).</summary>
    LinearSvm,

    /// <summary>
    /// One-versus-all linear SVMs (hinge loss) solved by stochastic dual coordinate ascent, with
    /// Platt-calibrated scores (ML.NET OneVersusAll(SdcaNonCalibrated with HingeLoss)).
    /// </summary>
    SdcaSvm,
}

/// <summary>How n-gram counts are weighted before L2 normalisation.</summary>
public enum NgramWeighting
{
    /// <summary>Raw term frequency.</summary>
    Tf,

    /// <summary>Term frequency × inverse document frequency.</summary>
    TfIdf,
}

/// <summary>
/// Features and learner of a report classifier. The defaults are the configuration chosen by
/// measurement on the TipDM 2020 messages (docs/benchmarks.md, "Report classifier").
/// </summary>
public sealed record ClassifierSettings
{
    /// <summary>Longest character n-gram (all shorter ones are included); 0 turns character n-grams off.</summary>
    public int CharNgramLength { get; init; } = 3;

    /// <summary>Longest word n-gram over jieba.NET's segmentation (Chinese) and letter/digit runs (English); 0 turns word n-grams off.</summary>
    public int WordNgramLength { get; init; }

    /// <summary>
    /// The first this many characters of a text are counted twice: the opening of a report (a
    /// title, or the first sentence) usually names the problem. 0 turns it off.
    /// </summary>
    public int LeadLength { get; init; } = 100;

    /// <summary>Weighting of the n-gram counts.</summary>
    public NgramWeighting Weighting { get; init; } = NgramWeighting.TfIdf;

    /// <summary>Keep only n-grams that occur in at least this many training texts (1 keeps all).</summary>
    public int MinDocumentFrequency { get; init; } = 2;

    /// <summary>The learner.</summary>
    public ClassifierTrainer Trainer { get; init; } = ClassifierTrainer.SdcaSvm;

    /// <summary>L2 regularisation strength (learner-specific scale); null uses the learner's default.</summary>
    public float? L2 { get; init; }

    /// <summary>Passes over the data for the iterative learners (SDCA, LinearSvm); null uses the learner's default.</summary>
    public int? Iterations { get; init; }

    /// <summary>Worker threads; 1 keeps training deterministic for a given seed.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Seed of the learners' random choices.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>A short description for logs and reports, e.g. <c>char1-3 word1-2 tf-idf df>=2 Sdca</c>.</summary>
    public override string ToString() => Describe();

    /// <summary>A short description for logs and reports.</summary>
    public string Describe() =>
        string.Join(' ', new[]
        {
            CharNgramLength > 0 ? FormattableString.Invariant($"char1-{CharNgramLength}") : null,
            WordNgramLength > 0 ? FormattableString.Invariant($"word1-{WordNgramLength}") : null,
            LeadLength > 0 ? FormattableString.Invariant($"lead{LeadLength}x2") : null,
            Weighting == NgramWeighting.TfIdf ? "tf-idf" : "tf",
            MinDocumentFrequency > 1 ? FormattableString.Invariant($"df>={MinDocumentFrequency}") : null,
            Trainer.ToString(),
            L2 is { } l2 ? FormattableString.Invariant($"l2={l2:G4}") : null,
            Iterations is { } it ? FormattableString.Invariant($"iter={it}") : null,
        }.Where(s => s is not null));
}
