using System.Globalization;
using System.Text.Json.Serialization;

namespace CivicGrid.Domain.Telemetry.Rules;

/// <summary>One reading of one value.</summary>
public readonly record struct Sample(DateTimeOffset Ts, double Value);

/// <summary>Whether a condition holds now.</summary>
public enum ConditionState
{
    /// <summary>Not enough data to tell: nothing changes.</summary>
    Unknown,

    /// <summary>The condition does not hold (an open alarm clears).</summary>
    Inactive,

    /// <summary>The condition holds (an alarm is raised or stays open).</summary>
    Active,
}

/// <summary>What a condition found: its state, the value it looked at, and a readable explanation.</summary>
public sealed record ConditionResult(ConditionState State, double? Value, string Detail)
{
    public static ConditionResult Unknown(string detail) => new(ConditionState.Unknown, null, detail);
}

/// <summary>
/// What a condition sees: the recent samples of each value (ascending, the newest last), the
/// instant of evaluation, when the device was last heard from, and whether its alarm is open
/// (conditions with hysteresis clear on the clear threshold only while it is).
/// </summary>
public sealed record RuleInput(IReadOnlyDictionary<string, IReadOnlyList<Sample>> Samples, DateTimeOffset Now, DateTimeOffset? LastSeenAt, bool AlarmOpen)
{
    public IReadOnlyList<Sample> Of(string name) => Samples.TryGetValue(name, out var s) ? s : [];
}

/// <summary>An earlier stretch of history: every sample within <see cref="Tolerance"/> of <see cref="Ago"/> before the newest sample.</summary>
public readonly record struct SampleWindow(TimeSpan Ago, TimeSpan Tolerance);

/// <summary>
/// How much history a condition needs per value: the last <see cref="Count"/> samples, or every
/// sample since <see cref="Lookback"/> before the newest plus one before that; and besides, every
/// sample in each of the earlier <see cref="Windows"/> (a seasonal baseline's same phase of earlier periods).
/// </summary>
public readonly record struct SampleNeed(int Count, TimeSpan Lookback)
{
    /// <summary>Earlier stretches to load besides the newest samples; null for none.</summary>
    public IReadOnlyList<SampleWindow>? Windows { get; init; }

    public static SampleNeed Max(SampleNeed a, SampleNeed b) => new(Math.Max(a.Count, b.Count), a.Lookback > b.Lookback ? a.Lookback : b.Lookback)
    {
        Windows = a.Windows is null ? b.Windows : b.Windows is null ? a.Windows : [.. a.Windows.Union(b.Windows)],
    };
}

/// <summary>A comparison of a value with a threshold.</summary>
public enum ComparisonOperator
{
    Gt,
    Gte,
    Lt,
    Lte,
}

/// <summary>
/// A rule's condition. Conditions are data (JSON with a <c>kind</c>): <c>threshold</c> (with
/// hysteresis and an optional sustained duration), <c>rateOfChange</c>, <c>noData</c>,
/// <c>zScore</c> (anomaly against the device's own recent behaviour), <c>seasonal</c> (anomaly
/// against the same time of day or week in the device's earlier periods), and the combinations
/// <c>all</c> (AND) and <c>any</c> (OR).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ThresholdCondition), "threshold")]
[JsonDerivedType(typeof(RateOfChangeCondition), "rateOfChange")]
[JsonDerivedType(typeof(NoDataCondition), "noData")]
[JsonDerivedType(typeof(ZScoreCondition), "zScore")]
[JsonDerivedType(typeof(SeasonalCondition), "seasonal")]
[JsonDerivedType(typeof(AllCondition), "all")]
[JsonDerivedType(typeof(AnyCondition), "any")]
public abstract record RuleCondition
{
    /// <summary>Evaluates the condition on the input (pure).</summary>
    public abstract ConditionResult Evaluate(RuleInput input);

    /// <summary>Adds the history this condition needs, per value name.</summary>
    public abstract void AddNeeds(IDictionary<string, SampleNeed> needs);

    /// <summary>Checks the condition against a device type's schema; yields (field, message) for each problem.</summary>
    public abstract IEnumerable<(string Field, string Message)> Validate(DeviceType type, string path, int depth);

    /// <summary>The value names the condition reads.</summary>
    public IReadOnlyCollection<string> ValueNames
    {
        get
        {
            var needs = new Dictionary<string, SampleNeed>(StringComparer.Ordinal);
            AddNeeds(needs);
            return needs.Keys;
        }
    }

    protected static void Need(IDictionary<string, SampleNeed> needs, string name, SampleNeed need) =>
        needs[name] = needs.TryGetValue(name, out var existing) ? SampleNeed.Max(existing, need) : need;

    protected static IEnumerable<(string, string)> CheckValue(DeviceType type, string? value, string path)
    {
        if (string.IsNullOrWhiteSpace(value) || type.Field(value) is null)
        {
            yield return (path + ".value", $"value is one of {type.Code}'s values: {string.Join(", ", type.Fields.Select(f => f.Name))}.");
        }
    }

    protected static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>
    /// An anomaly score (in standard deviations) against its limit, in the direction asked, with
    /// hysteresis: while the alarm is open the clear threshold is the limit.
    /// </summary>
    protected static (bool Active, double Limit) JudgeDeviation(double z, AnomalyDirection direction, double threshold, double? clearThreshold, bool alarmOpen)
    {
        var directed = direction switch
        {
            AnomalyDirection.Up => z,
            AnomalyDirection.Down => -z,
            _ => Math.Abs(z),
        };
        var limit = alarmOpen ? clearThreshold ?? threshold : threshold;
        return (directed > limit, limit);
    }

    /// <summary>The checks of an anomaly condition's limits (in standard deviations) and direction.</summary>
    protected static IEnumerable<(string, string)> CheckDeviationLimits(double threshold, double? clearThreshold, AnomalyDirection direction, string path)
    {
        if (!double.IsFinite(threshold) || threshold <= 0)
        {
            yield return (path + ".threshold", "threshold (in standard deviations) must be positive.");
        }

        if (clearThreshold is { } c && (!double.IsFinite(c) || c < 0 || c > threshold))
        {
            yield return (path + ".clearThreshold", "clearThreshold lies between 0 and threshold.");
        }

        if (!Enum.IsDefined(direction))
        {
            yield return (path + ".direction", "direction is both, up or down.");
        }
    }
}

/// <summary>
/// A value beyond a threshold, with hysteresis: the alarm is raised when the value crosses
/// <see cref="Threshold"/> and clears only when it is back across <see cref="ClearThreshold"/>
/// (default: the threshold). With <see cref="ForMinutes"/>, the value must stay beyond the
/// threshold for that long (every sample in the period) before the alarm is raised.
/// </summary>
public sealed record ThresholdCondition : RuleCondition
{
    public required string Value { get; init; }

    public ComparisonOperator Op { get; init; } = ComparisonOperator.Gt;

    public required double Threshold { get; init; }

    public double? ClearThreshold { get; init; }

    public double? ForMinutes { get; init; }

    public override ConditionResult Evaluate(RuleInput input)
    {
        var samples = input.Of(Value);
        if (samples.Count == 0)
        {
            return ConditionResult.Unknown($"no {Value} yet");
        }

        var latest = samples[^1];
        if (input.AlarmOpen)
        {
            // Hysteresis: while the alarm is open it stays until the value is back across the clear threshold.
            var clear = ClearThreshold ?? Threshold;
            var stillActive = Beyond(latest.Value, clear);
            return new(stillActive ? ConditionState.Active : ConditionState.Inactive, latest.Value,
                $"{Value} = {Num(latest.Value)} ({(stillActive ? "not yet back across" : "back across")} {Num(clear)})");
        }

        if (!Beyond(latest.Value, Threshold))
        {
            return new(ConditionState.Inactive, latest.Value, $"{Value} = {Num(latest.Value)}");
        }

        if (ForMinutes is { } minutes && minutes > 0)
        {
            var since = StreakStart(samples);
            var held = latest.Ts - since;
            if (held < TimeSpan.FromMinutes(minutes))
            {
                return new(ConditionState.Inactive, latest.Value,
                    $"{Value} = {Num(latest.Value)} {Symbol} {Num(Threshold)} for {held.TotalMinutes:0.#} of {Num(minutes)} min");
            }

            return new(ConditionState.Active, latest.Value, $"{Value} = {Num(latest.Value)} {Symbol} {Num(Threshold)} for {held.TotalMinutes:0.#} min (≥ {Num(minutes)})");
        }

        return new(ConditionState.Active, latest.Value, $"{Value} = {Num(latest.Value)} {Symbol} {Num(Threshold)}");
    }

    /// <summary>When the current run of samples beyond the threshold began: the last sample that was not, or else the oldest sample known.</summary>
    private DateTimeOffset StreakStart(IReadOnlyList<Sample> samples)
    {
        for (var i = samples.Count - 1; i >= 0; i--)
        {
            if (!Beyond(samples[i].Value, Threshold))
            {
                return i + 1 < samples.Count ? samples[i + 1].Ts : samples[^1].Ts;
            }
        }

        return samples[0].Ts;
    }

    private bool Beyond(double value, double limit) => Op switch
    {
        ComparisonOperator.Gt => value > limit,
        ComparisonOperator.Gte => value >= limit,
        ComparisonOperator.Lt => value < limit,
        _ => value <= limit,
    };

    private string Symbol => Op switch
    {
        ComparisonOperator.Gt => ">",
        ComparisonOperator.Gte => "≥",
        ComparisonOperator.Lt => "<",
        _ => "≤",
    };

    public override void AddNeeds(IDictionary<string, SampleNeed> needs) =>
        Need(needs, Value, new SampleNeed(1, ForMinutes is { } m && m > 0 ? TimeSpan.FromMinutes(m) : TimeSpan.Zero));

    public override IEnumerable<(string, string)> Validate(DeviceType type, string path, int depth)
    {
        foreach (var e in CheckValue(type, Value, path))
        {
            yield return e;
        }

        if (!Enum.IsDefined(Op))
        {
            yield return (path + ".op", "op is gt, gte, lt or lte.");
        }

        if (!double.IsFinite(Threshold))
        {
            yield return (path + ".threshold", "threshold must be a finite number.");
        }

        if (ClearThreshold is { } clear)
        {
            var wrongSide = Op is ComparisonOperator.Gt or ComparisonOperator.Gte ? clear > Threshold : clear < Threshold;
            if (!double.IsFinite(clear) || wrongSide)
            {
                yield return (path + ".clearThreshold", "clearThreshold lies on the safe side of threshold (below it for gt/gte, above it for lt/lte).");
            }
        }

        if (ForMinutes is { } m && (!double.IsFinite(m) || m <= 0 || m > 7 * 24 * 60))
        {
            yield return (path + ".forMinutes", "forMinutes is between 0 and 10080 (a week).");
        }
    }
}

/// <summary>A value changing faster than <see cref="MaxPerMinute"/> (absolute change per minute between the last two samples); clears below <see cref="ClearPerMinute"/>.</summary>
public sealed record RateOfChangeCondition : RuleCondition
{
    public required string Value { get; init; }

    public required double MaxPerMinute { get; init; }

    public double? ClearPerMinute { get; init; }

    public override ConditionResult Evaluate(RuleInput input)
    {
        var samples = input.Of(Value);
        if (samples.Count < 2)
        {
            return ConditionResult.Unknown($"fewer than two samples of {Value}");
        }

        var (a, b) = (samples[^2], samples[^1]);
        var minutes = (b.Ts - a.Ts).TotalMinutes;
        if (minutes <= 0)
        {
            return ConditionResult.Unknown("two samples at the same instant");
        }

        var rate = Math.Abs(b.Value - a.Value) / minutes;
        var limit = input.AlarmOpen ? ClearPerMinute ?? MaxPerMinute : MaxPerMinute;
        var active = rate > limit;
        return new(active ? ConditionState.Active : ConditionState.Inactive, b.Value,
            $"{Value} changes {Num(rate)}/min ({Num(a.Value)} → {Num(b.Value)}), limit {Num(limit)}/min");
    }

    public override void AddNeeds(IDictionary<string, SampleNeed> needs) => Need(needs, Value, new SampleNeed(2, TimeSpan.Zero));

    public override IEnumerable<(string, string)> Validate(DeviceType type, string path, int depth)
    {
        foreach (var e in CheckValue(type, Value, path))
        {
            yield return e;
        }

        if (!double.IsFinite(MaxPerMinute) || MaxPerMinute <= 0)
        {
            yield return (path + ".maxPerMinute", "maxPerMinute must be positive.");
        }

        if (ClearPerMinute is { } c && (!double.IsFinite(c) || c < 0 || c > MaxPerMinute))
        {
            yield return (path + ".clearPerMinute", "clearPerMinute lies between 0 and maxPerMinute.");
        }
    }
}

/// <summary>A device silent for more than <see cref="Minutes"/>: checked by a periodic job; clears when data arrives. Only at the top of a rule.</summary>
public sealed record NoDataCondition : RuleCondition
{
    public required double Minutes { get; init; }

    public override ConditionResult Evaluate(RuleInput input)
    {
        if (input.LastSeenAt is not { } seen)
        {
            return ConditionResult.Unknown("never heard from");
        }

        var quiet = input.Now - seen;
        var active = quiet > TimeSpan.FromMinutes(Minutes);
        return new(active ? ConditionState.Active : ConditionState.Inactive, null,
            active ? $"no data for {quiet.TotalMinutes:0} min (limit {Num(Minutes)} min)" : "data arrives");
    }

    public override void AddNeeds(IDictionary<string, SampleNeed> needs)
    {
    }

    public override IEnumerable<(string, string)> Validate(DeviceType type, string path, int depth)
    {
        if (depth > 0)
        {
            yield return (path, "noData stands alone at the top of a rule; it cannot be combined.");
        }

        if (!double.IsFinite(Minutes) || Minutes < 1 || Minutes > 30 * 24 * 60)
        {
            yield return (path + ".minutes", "minutes is between 1 and 43200 (30 days).");
        }
    }
}

/// <summary>Which side of the device's own normal counts as an anomaly.</summary>
public enum AnomalyDirection
{
    Both,
    Up,
    Down,
}

/// <summary>
/// A value far from the device's own recent behaviour: the z-score of the newest sample against
/// the mean and standard deviation of the <see cref="Window"/> samples before it. Raised beyond
/// <see cref="Threshold"/> standard deviations; clears within <see cref="ClearThreshold"/>.
/// </summary>
public sealed record ZScoreCondition : RuleCondition
{
    public required string Value { get; init; }

    public int Window { get; init; } = 60;

    public double Threshold { get; init; } = 3;

    public double? ClearThreshold { get; init; }

    public int MinSamples { get; init; } = 10;

    public AnomalyDirection Direction { get; init; } = AnomalyDirection.Both;

    /// <summary>The z-score of the newest sample against the <paramref name="window"/> before it, or null with too little history.</summary>
    public static double? Score(IReadOnlyList<Sample> samples, int window, int minSamples)
    {
        var n = Math.Min(window, samples.Count - 1);
        if (n < Math.Max(2, minSamples))
        {
            return null;
        }

        double sum = 0, sumSq = 0;
        for (var i = samples.Count - 1 - n; i < samples.Count - 1; i++)
        {
            sum += samples[i].Value;
            sumSq += samples[i].Value * samples[i].Value;
        }

        var mean = sum / n;
        var variance = Math.Max(0, (sumSq - sum * sum / n) / (n - 1));
        var sd = Math.Sqrt(variance);
        var diff = samples[^1].Value - mean;

        // A flat history: any change at all is infinitely unusual; guard with a tiny floor relative to the level.
        var floor = Math.Max(1e-9, Math.Abs(mean) * 1e-6);
        return diff / Math.Max(sd, floor);
    }

    public override ConditionResult Evaluate(RuleInput input)
    {
        var samples = input.Of(Value);
        if (Score(samples, Window, MinSamples) is not { } z)
        {
            return ConditionResult.Unknown($"fewer than {MinSamples} samples of {Value} to learn from");
        }

        var (active, limit) = JudgeDeviation(z, Direction, Threshold, ClearThreshold, input.AlarmOpen);
        return new(active ? ConditionState.Active : ConditionState.Inactive, samples[^1].Value,
            $"{Value} = {Num(samples[^1].Value)}, z = {z.ToString("0.##", CultureInfo.InvariantCulture)} (limit {Num(limit)})");
    }

    public override void AddNeeds(IDictionary<string, SampleNeed> needs) => Need(needs, Value, new SampleNeed(Window + 1, TimeSpan.Zero));

    public override IEnumerable<(string, string)> Validate(DeviceType type, string path, int depth)
    {
        foreach (var e in CheckValue(type, Value, path))
        {
            yield return e;
        }

        if (Window is < 5 or > 2000)
        {
            yield return (path + ".window", "window is between 5 and 2000 samples.");
        }

        if (MinSamples < 2 || MinSamples > Window)
        {
            yield return (path + ".minSamples", "minSamples is between 2 and window.");
        }

        foreach (var e in CheckDeviationLimits(Threshold, ClearThreshold, Direction, path))
        {
            yield return e;
        }
    }
}

/// <summary>
/// A value far from what the device usually reads at this time of day (or of the week): the mean
/// of the newest <see cref="Smoothing"/> samples against the mean and standard deviation of the
/// device's own samples within <see cref="ToleranceMinutes"/> of the same instant in each of the
/// <see cref="Seasons"/> earlier periods of <see cref="PeriodHours"/>. Comparing with the same
/// phase keeps a daily or weekly rhythm (rush hour, office hours) from looking anomalous, and a
/// level that drifts away from it over hours shows even when no single step is unusual. Raised
/// beyond <see cref="Threshold"/> standard deviations; clears within <see cref="ClearThreshold"/>.
/// </summary>
public sealed record SeasonalCondition : RuleCondition
{
    public const int MaxSeasons = 14;

    public const double MaxToleranceMinutes = 180;

    public required string Value { get; init; }

    /// <summary>The length of a period in hours: 24 for a daily rhythm, 168 for a weekly one.</summary>
    public double PeriodHours { get; init; } = 24;

    /// <summary>How many earlier periods make the baseline.</summary>
    public int Seasons { get; init; } = 7;

    /// <summary>Samples within this many minutes either side of the same instant of an earlier period count.</summary>
    public double ToleranceMinutes { get; init; } = 30;

    /// <summary>How many of the newest samples are averaged into the value compared (1: the newest alone).</summary>
    public int Smoothing { get; init; } = 1;

    public double Threshold { get; init; } = 5;

    public double? ClearThreshold { get; init; }

    /// <summary>The baseline needs at least this many samples.</summary>
    public int MinSamples { get; init; } = 10;

    public AnomalyDirection Direction { get; init; } = AnomalyDirection.Both;

    /// <summary>What the newest samples are compared with: their mean, the baseline's mean and standard deviation, and its sample count.</summary>
    public readonly record struct Baseline(double Current, double Mean, double StandardDeviation, int Count)
    {
        /// <summary>How many standard deviations the current value lies from the baseline (a flat baseline gets a tiny floor relative to its level).</summary>
        public double Score => (Current - Mean) / Math.Max(StandardDeviation, Math.Max(1e-9, Math.Abs(Mean) * 1e-6));
    }

    /// <summary>
    /// The baseline of the newest sample (ascending samples), or null with fewer than
    /// <paramref name="minSamples"/> samples in it. The value compared is the mean of up to
    /// <paramref name="smoothing"/> newest samples that lie after the latest earlier window.
    /// </summary>
    public static Baseline? Compare(IReadOnlyList<Sample> samples, TimeSpan period, int seasons, TimeSpan tolerance, int smoothing, int minSamples)
    {
        if (samples.Count < 2 || period <= TimeSpan.Zero || tolerance * 2 > period)
        {
            return null;
        }

        var newest = samples[^1].Ts;
        double current = 0;
        var averaged = 0;
        for (var i = samples.Count - 1; i >= 0 && averaged < smoothing && newest - samples[i].Ts < period - tolerance; i--)
        {
            current += samples[i].Value;
            averaged++;
        }

        double sum = 0, sumSq = 0;
        var n = 0;
        foreach (var s in samples)
        {
            // The nearest earlier period's instant; with a tolerance of at most half a period a sample lies in one window at most.
            var ago = newest - s.Ts;
            var k = Math.Round(ago / period, MidpointRounding.AwayFromZero);
            if (k >= 1 && k <= seasons && (ago - period * k).Duration() <= tolerance)
            {
                sum += s.Value;
                sumSq += s.Value * s.Value;
                n++;
            }
        }

        if (n < Math.Max(2, minSamples))
        {
            return null;
        }

        var mean = sum / n;
        return new Baseline(current / averaged, mean, Math.Sqrt(Math.Max(0, (sumSq - sum * sum / n) / (n - 1))), n);
    }

    public override ConditionResult Evaluate(RuleInput input)
    {
        var samples = input.Of(Value);
        if (!Valid || Compare(samples, TimeSpan.FromHours(PeriodHours), Seasons, TimeSpan.FromMinutes(ToleranceMinutes), Smoothing, MinSamples) is not { } baseline)
        {
            return ConditionResult.Unknown($"fewer than {MinSamples} samples of {Value} at this time of earlier periods to learn from");
        }

        var z = baseline.Score;
        var (active, limit) = JudgeDeviation(z, Direction, Threshold, ClearThreshold, input.AlarmOpen);
        return new(active ? ConditionState.Active : ConditionState.Inactive, baseline.Current,
            $"{Value} = {Num(baseline.Current)}, usually {Num(baseline.Mean)} ± {Num(baseline.StandardDeviation)} at this time ({baseline.Count} samples of {Seasons} × {Num(PeriodHours)} h), z = {z.ToString("0.##", CultureInfo.InvariantCulture)} (limit {Num(limit)})");
    }

    /// <summary>The newest samples to average, and each earlier period's window.</summary>
    public override void AddNeeds(IDictionary<string, SampleNeed> needs)
    {
        var windows = Valid
            ? Enumerable.Range(1, Seasons).Select(k => new SampleWindow(TimeSpan.FromHours(PeriodHours) * k, TimeSpan.FromMinutes(ToleranceMinutes))).ToList()
            : [];
        Need(needs, Value, new SampleNeed(Math.Clamp(Smoothing, 1, 60), TimeSpan.Zero) { Windows = windows });
    }

    /// <summary>Whether the numbers that shape the windows make sense (what <see cref="Validate"/> checks for them).</summary>
    private bool Valid => double.IsFinite(PeriodHours) && PeriodHours is >= 1 and <= 168
        && Seasons is >= 1 and <= MaxSeasons
        && double.IsFinite(ToleranceMinutes) && ToleranceMinutes > 0 && ToleranceMinutes <= Math.Min(MaxToleranceMinutes, PeriodHours * 30)
        && Smoothing is >= 1 and <= 60;

    public override IEnumerable<(string, string)> Validate(DeviceType type, string path, int depth)
    {
        foreach (var e in CheckValue(type, Value, path))
        {
            yield return e;
        }

        if (!double.IsFinite(PeriodHours) || PeriodHours < 1 || PeriodHours > 168)
        {
            yield return (path + ".periodHours", "periodHours is between 1 and 168 (24 for a daily rhythm, 168 for a weekly one).");
        }

        if (Seasons is < 1 or > MaxSeasons)
        {
            yield return (path + ".seasons", $"seasons (earlier periods in the baseline) is between 1 and {MaxSeasons}.");
        }

        if (!double.IsFinite(ToleranceMinutes) || ToleranceMinutes <= 0 || ToleranceMinutes > MaxToleranceMinutes || (double.IsFinite(PeriodHours) && ToleranceMinutes > PeriodHours * 30))
        {
            yield return (path + ".toleranceMinutes", $"toleranceMinutes is positive, at most {Num(MaxToleranceMinutes)} and at most half the period.");
        }

        if (Smoothing is < 1 or > 60)
        {
            yield return (path + ".smoothing", "smoothing (newest samples averaged) is between 1 and 60.");
        }

        if (MinSamples is < 2 or > 10_000)
        {
            yield return (path + ".minSamples", "minSamples (samples in the baseline) is between 2 and 10000.");
        }

        foreach (var e in CheckDeviationLimits(Threshold, ClearThreshold, Direction, path))
        {
            yield return e;
        }
    }
}

/// <summary>Base of the combinations.</summary>
public abstract record CombinedCondition : RuleCondition
{
    public const int MaxDepth = 4;

    public required IReadOnlyList<RuleCondition> Conditions { get; init; }

    public override void AddNeeds(IDictionary<string, SampleNeed> needs)
    {
        foreach (var c in Conditions)
        {
            c.AddNeeds(needs);
        }
    }

    public override IEnumerable<(string, string)> Validate(DeviceType type, string path, int depth)
    {
        if (Conditions is null || Conditions.Count is < 1 or > 10)
        {
            yield return (path + ".conditions", "A combination holds 1 to 10 conditions.");
            yield break;
        }

        if (depth >= MaxDepth)
        {
            yield return (path, $"Combinations nest at most {MaxDepth} deep.");
            yield break;
        }

        for (var i = 0; i < Conditions.Count; i++)
        {
            var childPath = string.Create(CultureInfo.InvariantCulture, $"{path}.conditions[{i}]");
            if (Conditions[i] is null)
            {
                yield return (childPath, "A condition is missing.");
                continue;
            }

            foreach (var e in Conditions[i].Validate(type, childPath, depth + 1))
            {
                yield return e;
            }
        }
    }

    protected ConditionResult Combine(RuleInput input, bool all)
    {
        var results = Conditions.Select(c => c.Evaluate(input)).ToList();
        var value = results.FirstOrDefault(r => r.Value is not null)?.Value;
        var detail = string.Join(all ? " AND " : " OR ", results.Select(r => r.Detail));
        var active = results.Count(r => r.State == ConditionState.Active);
        var inactive = results.Count(r => r.State == ConditionState.Inactive);
        var state = all
            ? inactive > 0 ? ConditionState.Inactive : active == results.Count ? ConditionState.Active : ConditionState.Unknown
            : active > 0 ? ConditionState.Active : inactive == results.Count ? ConditionState.Inactive : ConditionState.Unknown;
        return new(state, value, detail);
    }
}

/// <summary>Every condition holds (AND).</summary>
public sealed record AllCondition : CombinedCondition
{
    public override ConditionResult Evaluate(RuleInput input) => Combine(input, all: true);
}

/// <summary>At least one condition holds (OR).</summary>
public sealed record AnyCondition : CombinedCondition
{
    public override ConditionResult Evaluate(RuleInput input) => Combine(input, all: false);
}
