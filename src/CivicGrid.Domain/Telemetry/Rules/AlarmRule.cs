using System.Globalization;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Telemetry.Rules;

/// <summary>How serious an alarm is.</summary>
public enum AlarmSeverity
{
    Warning,
    Minor,
    Major,
    Critical,
}

/// <summary>Hours of the day (Beijing time) in which a rule may raise alarms, e.g. 19:00–06:00 for streetlights; <c>to</c> before <c>from</c> spans midnight.</summary>
public sealed record RuleSchedule
{
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    /// <summary>Start, <c>HH:mm</c>.</summary>
    public required string From { get; init; }

    /// <summary>End (exclusive), <c>HH:mm</c>.</summary>
    public required string To { get; init; }

    /// <summary>Whether an instant lies inside the hours.</summary>
    public bool Contains(DateTimeOffset instant)
    {
        var local = TimeOnly.FromTimeSpan(instant.ToOffset(Beijing).TimeOfDay);
        var (from, to) = (Parse(From), Parse(To));
        return from <= to ? local >= from && local < to : local >= from || local < to;
    }

    public static bool IsValid(string? hhmm) => hhmm is not null && TimeOnly.TryParseExact(hhmm, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static TimeOnly Parse(string hhmm) => TimeOnly.ParseExact(hhmm, "HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>The area a rule is limited to (one of the three codes).</summary>
public sealed record RuleArea
{
    public string? GridCode { get; init; }

    public string? CommunityCode { get; init; }

    public string? StreetCode { get; init; }

    /// <summary>The code that names the area, for alarm subjects.</summary>
    public string Key => GridCode ?? CommunityCode ?? StreetCode ?? string.Empty;

    public bool Contains(string gridCode, string communityCode, string streetCode) =>
        (GridCode is null || string.Equals(GridCode, gridCode, StringComparison.Ordinal))
        && (CommunityCode is null || string.Equals(CommunityCode, communityCode, StringComparison.Ordinal))
        && (StreetCode is null || string.Equals(StreetCode, streetCode, StringComparison.Ordinal));
}

/// <summary>How an area rule combines its devices' latest values.</summary>
public enum AggregateFunction
{
    Avg,
    Min,
    Max,
}

/// <summary>
/// Makes a rule watch an area instead of each device: the condition sees one value per name,
/// the aggregate of the latest values of the area's devices of the type that reported within
/// <see cref="MaxAgeMinutes"/>. Only threshold conditions (and their combinations) apply.
/// </summary>
public sealed record RuleAggregate
{
    public AggregateFunction Function { get; init; } = AggregateFunction.Avg;

    public double MaxAgeMinutes { get; init; } = 60;

    /// <summary>At least this many devices must have reported.</summary>
    public int MinDevices { get; init; } = 1;
}

/// <summary>What case an alarm of the rule files (立案) automatically.</summary>
public sealed record RuleCaseMapping
{
    /// <summary>The event category, 5 digits.</summary>
    public required string CategoryCode { get; init; }

    public Urgency Urgency { get; init; } = Urgency.Normal;
}

/// <summary>What a rule decides for one subject.</summary>
public enum RuleOutcome
{
    /// <summary>Nothing changes.</summary>
    None,

    /// <summary>Open a new alarm.</summary>
    Raise,

    /// <summary>The open alarm's condition still holds: record the latest value.</summary>
    Update,

    /// <summary>The open alarm's condition ended: clear it.</summary>
    Clear,
}

/// <summary>A rule's decision, the value it looked at, and why.</summary>
public sealed record RuleVerdict(RuleOutcome Outcome, double? Value, string Detail);

/// <summary>
/// 告警规则 as data: which devices (a type, optionally a set of ids and an area), the condition,
/// optional hours, an optional area aggregate, the severity, and the case an alarm files. Created,
/// edited, exported and imported as JSON; evaluated by <see cref="Evaluate"/> without I/O.
/// </summary>
public sealed record RuleDefinition
{
    public required string Name { get; init; }

    public string? Description { get; init; }

    public bool Enabled { get; init; } = true;

    public AlarmSeverity Severity { get; init; } = AlarmSeverity.Major;

    /// <summary>The device type the rule applies to (its schema names the values).</summary>
    public required string DeviceType { get; init; }

    /// <summary>Only these devices; null for every device of the type.</summary>
    public IReadOnlyList<string>? DeviceIds { get; init; }

    /// <summary>Only devices in this area; with <see cref="Aggregate"/>, the area whose aggregate is watched.</summary>
    public RuleArea? Area { get; init; }

    public RuleAggregate? Aggregate { get; init; }

    public required RuleCondition Condition { get; init; }

    public RuleSchedule? Schedule { get; init; }

    public RuleCaseMapping? Case { get; init; }

    /// <summary>Whether the rule is watched by the periodic no-data job rather than on readings.</summary>
    public bool IsNoData => Condition is NoDataCondition;

    /// <summary>Whether a device falls under the rule (type, ids, area).</summary>
    public bool AppliesTo(string deviceId, string deviceType, string gridCode, string communityCode, string streetCode) =>
        string.Equals(DeviceType, deviceType, StringComparison.Ordinal)
        && (DeviceIds is null || DeviceIds.Contains(deviceId, StringComparer.Ordinal))
        && (Area is null || Area.Contains(gridCode, communityCode, streetCode));

    /// <summary>Decides for one subject (a device, or an area with an aggregate).</summary>
    public RuleVerdict Evaluate(RuleInput input)
    {
        if (Schedule is { } schedule && !schedule.Contains(input.Now))
        {
            return new(RuleOutcome.None, null, $"outside {schedule.From}–{schedule.To}");
        }

        var result = Condition.Evaluate(input);
        var outcome = (input.AlarmOpen, result.State) switch
        {
            (false, ConditionState.Active) => RuleOutcome.Raise,
            (true, ConditionState.Active) => RuleOutcome.Update,
            (true, ConditionState.Inactive) => RuleOutcome.Clear,
            _ => RuleOutcome.None,
        };
        return new(outcome, result.Value, result.Detail);
    }

    /// <summary>The history the rule needs per value name.</summary>
    public IReadOnlyDictionary<string, SampleNeed> Needs()
    {
        var needs = new Dictionary<string, SampleNeed>(StringComparer.Ordinal);
        Condition.AddNeeds(needs);
        return needs;
    }

    /// <summary>Every problem of the definition, as (field, message).</summary>
    public IReadOnlyList<(string Field, string Message)> Validate()
    {
        var errors = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100)
        {
            errors.Add(("name", "Name the rule (at most 100 characters)."));
        }

        if (Description is { Length: > 1000 })
        {
            errors.Add(("description", "The description is longer than 1000 characters."));
        }

        if (!Enum.IsDefined(Severity))
        {
            errors.Add(("severity", "severity is warning, minor, major or critical."));
        }

        var type = Telemetry.DeviceTypes.Find(DeviceType);
        if (type is null)
        {
            errors.Add(("deviceType", $"deviceType is one of: {string.Join(", ", Telemetry.DeviceTypes.All.Select(t => t.Code))}."));
        }

        if (DeviceIds is { } ids && (ids.Count is 0 or > 10_000 || ids.Any(id => !Device.IsValidId(id))))
        {
            errors.Add(("deviceIds", "deviceIds lists 1 to 10000 device ids (or is omitted for every device of the type)."));
        }

        if (Area is { } area && new[] { area.GridCode, area.CommunityCode, area.StreetCode }.Count(c => c is not null) != 1)
        {
            errors.Add(("area", "area names exactly one of gridCode, communityCode or streetCode."));
        }

        if (Condition is null)
        {
            errors.Add(("condition", "A condition is required."));
        }
        else if (type is not null)
        {
            errors.AddRange(Condition.Validate(type, "condition", 0));
        }

        if (Aggregate is { } aggregate)
        {
            if (Area is null)
            {
                errors.Add(("area", "An aggregate rule watches an area: give area."));
            }

            if (!Enum.IsDefined(aggregate.Function) || !double.IsFinite(aggregate.MaxAgeMinutes) || aggregate.MaxAgeMinutes <= 0 || aggregate.MinDevices < 1)
            {
                errors.Add(("aggregate", "aggregate has a function (avg, min, max), a positive maxAgeMinutes and minDevices ≥ 1."));
            }

            if (Condition is not null && !OnlyPlainThresholds(Condition))
            {
                errors.Add(("condition", "An aggregate rule takes threshold conditions (without forMinutes), alone or combined."));
            }
        }

        if (Schedule is { } s)
        {
            if (!RuleSchedule.IsValid(s.From))
            {
                errors.Add(("schedule.from", "from is a time HH:mm."));
            }

            if (!RuleSchedule.IsValid(s.To))
            {
                errors.Add(("schedule.to", "to is a time HH:mm."));
            }
        }

        if (Case is { } mapping)
        {
            if (mapping.CategoryCode is not { Length: 5 } code || !code.All(char.IsAsciiDigit))
            {
                errors.Add(("case.categoryCode", "case.categoryCode is a 5-digit event category."));
            }

            if (!Enum.IsDefined(mapping.Urgency))
            {
                errors.Add(("case.urgency", "case.urgency is normal, urgent or emergency."));
            }
        }

        return errors;
    }

    private static bool OnlyPlainThresholds(RuleCondition c) => c switch
    {
        ThresholdCondition t => t.ForMinutes is null,
        CombinedCondition combined => combined.Conditions.All(OnlyPlainThresholds),
        _ => false,
    };
}

/// <summary>A stored rule: its id, its definition, and when it changed.</summary>
public sealed class AlarmRule
{
    private AlarmRule()
    {
        Name = string.Empty;
        DeviceType = string.Empty;
        Definition = null!;
    }

    public Guid Id { get; private set; }

    /// <summary>Copied from the definition for listing and filtering.</summary>
    public string Name { get; private set; }

    public bool Enabled { get; private set; }

    public string DeviceType { get; private set; }

    public RuleDefinition Definition { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public int Version { get; private set; }

    public static AlarmRule Create(Guid id, RuleDefinition definition, DateTimeOffset now)
    {
        var rule = new AlarmRule { Id = id, CreatedAt = now };
        rule.Apply(definition, now);
        return rule;
    }

    /// <summary>Replaces the definition (already validated).</summary>
    public void Apply(RuleDefinition definition, DateTimeOffset now)
    {
        Definition = definition;
        Name = definition.Name.Trim();
        Enabled = definition.Enabled;
        DeviceType = definition.DeviceType;
        UpdatedAt = now;
        Version++;
    }
}
