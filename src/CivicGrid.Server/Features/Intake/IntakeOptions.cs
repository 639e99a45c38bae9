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
}
