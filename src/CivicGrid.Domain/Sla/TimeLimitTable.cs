namespace CivicGrid.Domain.Sla;

/// <summary>
/// One configured limit. <paramref name="CategoryCode"/> is a category code of 4 or 5 digits (an exact
/// minor class, e.g. "01002"; 4 digits for the legacy event list), 2 digits for a whole major class
/// (e.g. "01"), or null to replace the built-in default of the stage and urgency.
/// </summary>
public sealed record TimeLimitRule(string? CategoryCode, Urgency Urgency, CaseStage Stage, TimeLimit Limit);

/// <summary>Which level of <see cref="TimeLimitTable"/> supplied a limit.</summary>
public enum TimeLimitMatch
{
    /// <summary>A rule for the exact category code.</summary>
    Category = 0,

    /// <summary>A rule for the category's major class (its first two digits).</summary>
    MajorCategory = 1,

    /// <summary>The default of the stage and urgency.</summary>
    Default = 2,
}

/// <summary>A limit and where it came from.</summary>
public readonly record struct TimeLimitResolution(TimeLimit Limit, TimeLimitMatch Match);

/// <summary>
/// The time limits per (category, urgency, stage), with fallbacks: the exact category code, then its major
/// class (first two digits), then the default of the stage and urgency. Immutable.
/// </summary>
/// <remarks>
/// Category codes of components and of events can coincide (component 01001 and event 01001 are different
/// classes); a caller that mixes both kinds should give them distinct codes before building the table.
/// </remarks>
public sealed class TimeLimitTable
{
    private readonly Dictionary<(string Code, Urgency Urgency, CaseStage Stage), TimeLimit> _byCategory = [];
    private readonly Dictionary<(Urgency Urgency, CaseStage Stage), TimeLimit> _defaults = [];

    /// <summary>Builds a table from rules laid over <see cref="BuiltInDefault"/>.</summary>
    /// <exception cref="ArgumentException">A bad category code, a <c>default</c> limit, or two rules for the same key.</exception>
    public TimeLimitTable(IEnumerable<TimeLimitRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);

        var list = new List<TimeLimitRule>();
        var defaultOverrides = new HashSet<(Urgency, CaseStage)>();
        foreach (var rule in rules)
        {
            ArgumentNullException.ThrowIfNull(rule, nameof(rules));
            if (!Enum.IsDefined(rule.Urgency) || !Enum.IsDefined(rule.Stage))
            {
                throw new ArgumentException($"Rule {rule} has an unknown urgency or stage.", nameof(rules));
            }

            if (!rule.Limit.IsValid)
            {
                throw new ArgumentException($"Rule for {rule.CategoryCode ?? "the default"} / {rule.Urgency} / {rule.Stage} has an empty limit.", nameof(rules));
            }

            bool added;
            if (rule.CategoryCode is null)
            {
                added = defaultOverrides.Add((rule.Urgency, rule.Stage));
            }
            else
            {
                if (!IsDigits(rule.CategoryCode) || rule.CategoryCode.Length is not (2 or 4 or 5))
                {
                    throw new ArgumentException(
                        $"Category code \"{rule.CategoryCode}\" must be 2 digits (a major class) or 4–5 digits (a category).", nameof(rules));
                }

                added = _byCategory.TryAdd((rule.CategoryCode, rule.Urgency, rule.Stage), rule.Limit);
            }

            if (!added)
            {
                throw new ArgumentException($"Two rules for {rule.CategoryCode ?? "the default"} / {rule.Urgency} / {rule.Stage}.", nameof(rules));
            }

            list.Add(rule);
        }

        foreach (var urgency in Enum.GetValues<Urgency>())
        {
            foreach (var stage in Enum.GetValues<CaseStage>())
            {
                _defaults[(urgency, stage)] = BuiltInDefault(stage, urgency);
            }
        }

        foreach (var rule in list.Where(r => r.CategoryCode is null))
        {
            _defaults[(rule.Urgency, rule.Stage)] = rule.Limit;
        }

        Rules = list.AsReadOnly();
    }

    /// <summary>A table with only the built-in defaults.</summary>
    public static TimeLimitTable Default { get; } = new([]);

    /// <summary>The rules the table was built from.</summary>
    public IReadOnlyList<TimeLimitRule> Rules { get; }

    /// <summary>
    /// The built-in limit of a stage and urgency, used when no rule matches. The national values were not
    /// available (standards.md §4.4); these follow the published local examples.
    /// </summary>
    public static TimeLimit BuiltInDefault(CaseStage stage, Urgency urgency) => (stage, urgency) switch
    {
        // 核实: Fuzhou allows ≤1 h in working hours for 核实确认 (+立案派遣); urgent reports are verified
        // within half an hour, emergencies around the clock.
        (CaseStage.Verify, Urgency.Normal) => TimeLimit.WorkHours(1m),
        (CaseStage.Verify, Urgency.Urgent) => TimeLimit.WorkHours(0.5m),
        (CaseStage.Verify, Urgency.Emergency) => TimeLimit.EmergencyWorkHours(0.5m),

        // 立案 and 派遣: Taiyuan files and dispatches non-urgent problems within 30 min and urgent ones within
        // 10 min; each stage gets 0.5 h, urgent 0.25 h (15 min, the nearest quarter hour), emergencies in
        // natural time.
        (CaseStage.File, Urgency.Normal) => TimeLimit.WorkHours(0.5m),
        (CaseStage.File, Urgency.Urgent) => TimeLimit.WorkHours(0.25m),
        (CaseStage.File, Urgency.Emergency) => TimeLimit.EmergencyWorkHours(0.25m),
        (CaseStage.Dispatch, Urgency.Normal) => TimeLimit.WorkHours(0.5m),
        (CaseStage.Dispatch, Urgency.Urgent) => TimeLimit.WorkHours(0.25m),
        (CaseStage.Dispatch, Urgency.Emergency) => TimeLimit.EmergencyWorkHours(0.25m),

        // 处置: the city tables put ordinary disposal at 1–5 工作日 (暴露垃圾 1, 渣土堆 2, 积存垃圾渣土 4),
        // quick fixes at 2–5 工作时 (道路保洁 2, 暴露垃圾/路面积水 4, 道路不洁 5) and safety hazards at
        // 2 紧急工作时 (运城 园林井盖 missing with a hazard; Taiyuan 污水井盖丢失 2 h).
        (CaseStage.Handle, Urgency.Normal) => TimeLimit.WorkDays(2m),
        (CaseStage.Handle, Urgency.Urgent) => TimeLimit.WorkHours(4m),
        (CaseStage.Handle, Urgency.Emergency) => TimeLimit.EmergencyWorkHours(2m),

        // 核查: Taiyuan checks within 1 h in the city and 2 h in rural areas; 2 工作时 covers both, urgent
        // cases get the city's 1 h.
        (CaseStage.Check, Urgency.Normal) => TimeLimit.WorkHours(2m),
        (CaseStage.Check, Urgency.Urgent) => TimeLimit.WorkHours(1m),
        (CaseStage.Check, Urgency.Emergency) => TimeLimit.EmergencyWorkHours(1m),

        _ => throw new ArgumentOutOfRangeException(nameof(stage), $"Unknown stage {stage} or urgency {urgency}."),
    };

    /// <summary>The limit for a category code, urgency and stage.</summary>
    /// <exception cref="ArgumentException">The category code is not 2–5 digits.</exception>
    public TimeLimit Lookup(string categoryCode, Urgency urgency, CaseStage stage) =>
        Resolve(categoryCode, urgency, stage).Limit;

    /// <summary>The limit for a category code, urgency and stage, and the level that supplied it.</summary>
    /// <exception cref="ArgumentException">The category code is not 2–5 digits.</exception>
    public TimeLimitResolution Resolve(string categoryCode, Urgency urgency, CaseStage stage)
    {
        ArgumentNullException.ThrowIfNull(categoryCode);
        if (!IsDigits(categoryCode) || categoryCode.Length is < 2 or > 5)
        {
            throw new ArgumentException($"Category code \"{categoryCode}\" must be 2 to 5 digits.", nameof(categoryCode));
        }

        if (!Enum.IsDefined(urgency))
        {
            throw new ArgumentOutOfRangeException(nameof(urgency), urgency, "Unknown urgency.");
        }

        if (!Enum.IsDefined(stage))
        {
            throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown case stage.");
        }

        if (categoryCode.Length > 2 && _byCategory.TryGetValue((categoryCode, urgency, stage), out var exact))
        {
            return new TimeLimitResolution(exact, TimeLimitMatch.Category);
        }

        if (_byCategory.TryGetValue((categoryCode[..2], urgency, stage), out var major))
        {
            return new TimeLimitResolution(major, TimeLimitMatch.MajorCategory);
        }

        return new TimeLimitResolution(_defaults[(urgency, stage)], TimeLimitMatch.Default);
    }

    private static bool IsDigits(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);
}
