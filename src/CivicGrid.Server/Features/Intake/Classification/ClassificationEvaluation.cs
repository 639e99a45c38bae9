using System.Globalization;
using System.Text;

namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>Precision, recall and F1 of one class.</summary>
/// <param name="Label">The class.</param>
/// <param name="Support">How many examples truly have this class.</param>
/// <param name="Predicted">How many examples were predicted as this class.</param>
/// <param name="Correct">How many of those were right.</param>
public sealed record ClassMetrics(string Label, int Support, int Predicted, int Correct)
{
    public double Precision => Predicted == 0 ? 0 : (double)Correct / Predicted;

    public double Recall => Support == 0 ? 0 : (double)Correct / Support;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}

/// <summary>
/// Confidence routing at one threshold: of <see cref="Count"/> reports, <see cref="AutoFiled"/> have a
/// first suggestion at least this probable (the system would file them), <see cref="Correct"/> of
/// those rightly.
/// </summary>
public sealed record ThresholdMetrics(double Threshold, int Count, int AutoFiled, int Correct)
{
    /// <summary>Share of reports filed without an operator.</summary>
    public double Coverage => Count == 0 ? 0 : (double)AutoFiled / Count;

    /// <summary>Share of automatically filed reports whose category is right.</summary>
    public double Precision => AutoFiled == 0 ? 0 : (double)Correct / AutoFiled;
}

/// <summary>
/// How well a model did on labelled examples. Macro-F1 is the unweighted mean of the per-class F1
/// over every class that occurs in the truth or in the predictions (the TipDM 2020 task-1 score,
/// and scikit-learn's <c>f1_score(average="macro")</c>).
/// </summary>
public sealed record ClassificationEvaluation(int Count, double Accuracy, double MacroF1, IReadOnlyList<ClassMetrics> PerClass)
{
    /// <summary>The thresholds <see cref="Routing"/> reports on.</summary>
    public static IReadOnlyList<double> RoutingThresholds { get; } = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

    /// <summary>Coverage and precision of automatic filing at <see cref="RoutingThresholds"/> (when the probabilities were known).</summary>
    public IReadOnlyList<ThresholdMetrics> Routing { get; init; } = [];

    /// <summary>Computes the figures from (truth, prediction, probability of the prediction) triples, with the routing table.</summary>
    public static ClassificationEvaluation Compute(IReadOnlyList<(string Actual, string Predicted, double Confidence)> scored) =>
        Compute(scored.Select(s => (s.Actual, s.Predicted))) with
        {
            Routing =
            [
                .. RoutingThresholds.Select(t => new ThresholdMetrics(
                    t,
                    scored.Count,
                    scored.Count(s => s.Confidence >= t),
                    scored.Count(s => s.Confidence >= t && string.Equals(s.Actual, s.Predicted, StringComparison.Ordinal)))),
            ],
        };

    /// <summary>Computes the figures from (truth, prediction) pairs.</summary>
    public static ClassificationEvaluation Compute(IEnumerable<(string Actual, string Predicted)> pairs)
    {
        var support = new Dictionary<string, int>(StringComparer.Ordinal);
        var predicted = new Dictionary<string, int>(StringComparer.Ordinal);
        var correct = new Dictionary<string, int>(StringComparer.Ordinal);
        var count = 0;
        var right = 0;
        foreach (var (actual, guess) in pairs)
        {
            count++;
            support[actual] = support.GetValueOrDefault(actual) + 1;
            predicted[guess] = predicted.GetValueOrDefault(guess) + 1;
            if (string.Equals(actual, guess, StringComparison.Ordinal))
            {
                right++;
                correct[actual] = correct.GetValueOrDefault(actual) + 1;
            }
        }

        var classes = support.Keys.Union(predicted.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(c => new ClassMetrics(c, support.GetValueOrDefault(c), predicted.GetValueOrDefault(c), correct.GetValueOrDefault(c)))
            .ToList();
        return new ClassificationEvaluation(
            count,
            count == 0 ? 0 : (double)right / count,
            classes.Count == 0 ? 0 : classes.Average(c => c.F1),
            classes);
    }

    /// <summary>The per-class table, then <c>accuracy: 0.xxxx</c> and <c>macro-F1: 0.xxxx</c>, one line each.</summary>
    public string Format()
    {
        var width = Math.Max(5, PerClass.Count == 0 ? 0 : PerClass.Max(c => DisplayWidth(c.Label)));
        var text = new StringBuilder();
        text.Append(Pad("class", width)).AppendLine("  precision  recall      F1  support");
        foreach (var c in PerClass)
        {
            text.Append(Pad(c.Label, width))
                .AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Precision,9:0.0000}  {c.Recall,6:0.0000}  {c.F1,6:0.0000}  {c.Support,7}"));
        }

        foreach (var r in Routing)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"auto-file at p >= {r.Threshold:0.00}: {r.AutoFiled,5} of {r.Count} ({r.Coverage:P1}) filed without an operator, precision {r.Precision:0.0000}"));
        }

        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"examples: {Count}"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"accuracy: {Accuracy:0.0000}"));
        text.Append(string.Create(CultureInfo.InvariantCulture, $"macro-F1: {MacroF1:0.0000}"));
        return text.ToString();
    }

    // East Asian wide characters take two terminal columns.
    private static int DisplayWidth(string s) => s.Sum(ch => ch >= '\u1100' && (ch <= '\u115f' || (ch >= '\u2e80' && ch <= '\ua4cf') || (ch >= '\uac00' && ch <= '\ud7a3') || (ch >= '\uf900' && ch <= '\ufaff') || (ch >= '\uff00' && ch <= '\uff60') || (ch >= '\uffe0' && ch <= '\uffe6')) ? 2 : 1);

    private static string Pad(string s, int width) => s + new string(' ', Math.Max(0, width - DisplayWidth(s)));
}
