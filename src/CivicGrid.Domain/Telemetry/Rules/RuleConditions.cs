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

/// <summary>How much history a condition needs per value: the last <see cref="Count"/> samples, or every sample since <see cref="Lookback"/> before the newest plus one before that.</summary>
public readonly record struct SampleNeed(int Count, TimeSpan Lookback)
{
    public static SampleNeed Max(SampleNeed a, SampleNeed b) => new(Math.Max(a.Count, b.Count), a.Lookback > b.Lookback ? a.Lookback : b.Lookback);
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
/// <c>zScore</c> (anomaly against the device's own recent behaviour), and the combinations
/// <c>all</c> (AND) and <c>any</c> (OR).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ThresholdCondition), "threshold")]
[JsonDerivedType(typeof(RateOfChangeCondition), "rateOfChange")]
[JsonDerivedType(typeof(NoDataCondition), "noData")]
[JsonDerivedType(typeof(ZScoreCondition), "zScore")]
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

        var directed = Direction switch
        {
            AnomalyDirection.Up => z,
            AnomalyDirection.Down => -z,
            _ => Math.Abs(z),
        };
        var limit = input.AlarmOpen ? ClearThreshold ?? Threshold : Threshold;
        var active = directed > limit;
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

        if (!double.IsFinite(Threshold) || Threshold <= 0)
        {
            yield return (path + ".threshold", "threshold (in standard deviations) must be positive.");
        }

        if (ClearThreshold is { } c && (!double.IsFinite(c) || c < 0 || c > Threshold))
        {
            yield return (path + ".clearThreshold", "clearThreshold lies between 0 and threshold.");
        }

        if (!Enum.IsDefined(Direction))
        {
            yield return (path + ".direction", "direction is both, up or down.");
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
