using System.Globalization;
using System.Text.Json;
using CivicGrid.Domain.Telemetry.Rules;

namespace CivicGrid.Domain.Tests.Telemetry;

/// <summary>
/// The statistical anomaly rule on real, labelled data: the Numenta Anomaly Benchmark's city
/// sensor series (MnDOT road traffic, office temperature). Each series is replayed through the
/// rule exactly as the engine evaluates it (samples up to the reading, open/closed alarm), and
/// the alerts are scored against NAB's labelled windows.
/// </summary>
public sealed class NabAnomalyTests
{
    private static readonly string[] Files =
    [
        "realTraffic/TravelTime_387.csv", "realTraffic/TravelTime_451.csv", "realTraffic/occupancy_6005.csv", "realTraffic/occupancy_t4013.csv",
        "realTraffic/speed_6005.csv", "realTraffic/speed_7578.csv", "realTraffic/speed_t4013.csv", "realKnownCause/ambient_temperature_system_failure.csv",
    ];

    /// <summary>The rule under test: a day of 5-minute samples as the baseline, raised at 5 σ, cleared within 2 σ.</summary>
    private static readonly RuleDefinition ZScore = new()
    {
        Name = "NAB z-score",
        DeviceType = "noise",
        Condition = new ZScoreCondition { Value = "db", Window = 288, Threshold = 5, ClearThreshold = 2, MinSamples = 30 },
    };

    private sealed record Score(int TruePositives, int FalsePositives, int FalseNegatives)
    {
        public double Precision => TruePositives / (double)Math.Max(1, TruePositives + FalsePositives);

        public double Recall => TruePositives / (double)Math.Max(1, TruePositives + FalseNegatives);

        public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

        public static Score operator +(Score a, Score b) => new(a.TruePositives + b.TruePositives, a.FalsePositives + b.FalsePositives, a.FalseNegatives + b.FalseNegatives);
    }

    [Fact]
    public void RollingZScore_FindsTheLabelledAnomalies_FarBetterThanChance()
    {
        var windows = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Telemetry", "Nab", "labels_combined_windows.json"))).RootElement;
        var total = new Score(0, 0, 0);
        var random = new Score(0, 0, 0);
        var lines = new List<string>();
        foreach (var file in Files)
        {
            var series = Load(file);
            var labelled = windows.GetProperty(file).EnumerateArray()
                .Select(w => (Start: ParseTime(w[0].GetString()!), End: ParseTime(w[1].GetString()!))).ToList();
            var alerts = Replay(series);
            var score = Evaluate(alerts, labelled);
            total += score;

            // The same number of alerts at random instants, a fixed seed per file.
            var rng = new Random(file.Length);
            var randomAlerts = series.Select(s => s.Ts).OrderBy(_ => rng.Next()).Take(alerts.Count).Order().ToList();
            random += Evaluate(randomAlerts, labelled);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{file}: {series.Count} samples, {labelled.Count} windows, {alerts.Count} alerts → TP {score.TruePositives} FP {score.FalsePositives} FN {score.FalseNegatives}"));
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"z-score: precision {total.Precision:F3}, recall {total.Recall:F3}, F1 {total.F1:F3}; random: precision {random.Precision:F3}, recall {random.Recall:F3}, F1 {random.F1:F3}");
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(Environment.NewLine, lines.Append(summary)));

        Assert.True(total.Recall >= 0.7, summary);
        Assert.True(total.Precision >= 0.35, summary);
        Assert.True(total.F1 >= 3 * random.F1, summary);
    }

    /// <summary>Feeds the series to the rule one reading at a time; returns when it raised.</summary>
    private static List<DateTimeOffset> Replay(List<Sample> series)
    {
        var alerts = new List<DateTimeOffset>();
        var open = false;
        var window = ((ZScoreCondition)ZScore.Condition).Window + 1;
        for (var i = 0; i < series.Count; i++)
        {
            var history = series.Skip(Math.Max(0, i + 1 - window)).Take(Math.Min(window, i + 1)).ToList();
            var verdict = ZScore.Evaluate(new RuleInput(new Dictionary<string, IReadOnlyList<Sample>> { ["db"] = history }, series[i].Ts, series[i].Ts, open));
            switch (verdict.Outcome)
            {
                case RuleOutcome.Raise:
                    alerts.Add(series[i].Ts);
                    open = true;
                    break;
                case RuleOutcome.Clear:
                    open = false;
                    break;
            }
        }

        return alerts;
    }

    /// <summary>NAB-style window scoring: the first alert in a window is a true positive, later ones in it are ignored, alerts outside every window are false positives.</summary>
    private static Score Evaluate(List<DateTimeOffset> alerts, List<(DateTimeOffset Start, DateTimeOffset End)> windows)
    {
        var hit = new HashSet<int>();
        var falsePositives = 0;
        foreach (var alert in alerts)
        {
            var w = windows.Select((x, i) => (x, i)).FirstOrDefault(t => alert >= t.x.Start && alert <= t.x.End, (default, -1)).i;
            if (w < 0)
            {
                falsePositives++;
            }
            else
            {
                hit.Add(w);
            }
        }

        return new Score(hit.Count, falsePositives, windows.Count - hit.Count);
    }

    private static List<Sample> Load(string file) =>
        [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Telemetry", "Nab", Path.GetFileName(file)))
            .Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split(','))
            .Select(p => new Sample(ParseTime(p[0]), double.Parse(p[1], CultureInfo.InvariantCulture)))];

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text.Length > 19 ? text[..19] : text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
