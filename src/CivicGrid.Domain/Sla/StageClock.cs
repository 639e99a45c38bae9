namespace CivicGrid.Domain.Sla;

/// <summary>
/// The timer of one case stage: when it started, its limit, when it is due, suspensions (挂账),
/// postponements (延期) and when it finished. Deterministic: every method takes the time explicitly.
/// </summary>
/// <remarks>
/// <para>The clock keeps <see cref="DueAt"/> and <see cref="WarningAt"/> (the 80 % point) as stored instants,
/// so the traffic light needs no calendar and "which stages are yellow or red now" is a plain comparison
/// a database can index. Every change that moves the deadline recomputes both.</para>
/// <para>Invariant while the deadline has not passed: the time consumed in the stage's unit, not counting
/// suspensions, reaches <see cref="Allowance"/> exactly at <see cref="DueAt"/>, i.e.
/// <c>Elapsed(StartedAt, DueAt) - PausedAmount == Allowance</c>.</para>
/// <para>All stored instants are UTC. Properties have private setters and there is a private parameterless
/// constructor so that EF Core can materialise the clock; <see cref="Limit"/> maps as a complex type or
/// through <see cref="TimeLimit.ToInvariantString"/> / <see cref="TimeLimit.Parse(string)"/>.</para>
/// <para>Illegal operations (pausing a paused clock, finishing twice, a time before the start …) throw
/// <see cref="InvalidOperationException"/> or <see cref="ArgumentOutOfRangeException"/>; the case aggregate is
/// expected to check its own state first.</para>
/// </remarks>
public sealed class StageClock
{
    /// <summary>The share of the allowance after which the light turns yellow.</summary>
    public const decimal WarningShare = 0.8m;

    private StageClock()
    {
    }

    /// <summary>The stage this clock times.</summary>
    public CaseStage Stage { get; private set; }

    /// <summary>The limit the stage started with; extensions are in <see cref="ExtendedBy"/>.</summary>
    public TimeLimit Limit { get; private set; }

    /// <summary>When the stage started (UTC).</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>The current deadline (UTC), after extensions and suspensions.</summary>
    public DateTimeOffset DueAt { get; private set; }

    /// <summary>The instant (UTC) at which <see cref="WarningShare"/> of the allowance is used: the light turns yellow.</summary>
    public DateTimeOffset WarningAt { get; private set; }

    /// <summary>The total of all extensions, in the unit of <see cref="Limit"/>.</summary>
    public decimal ExtendedBy { get; private set; }

    /// <summary>How many times the stage was extended (延期次数).</summary>
    public int ExtensionCount { get; private set; }

    /// <summary>When the current suspension began (UTC); null when the clock runs.</summary>
    public DateTimeOffset? PausedAt { get; private set; }

    /// <summary>The natural (wall-clock) duration of all finished suspensions.</summary>
    public TimeSpan TotalPaused { get; private set; }

    /// <summary>The time of all finished suspensions measured in the unit of <see cref="Limit"/>
    /// (e.g. only working hours for a <see cref="TimeLimitUnit.WorkHour"/> limit).</summary>
    public decimal PausedAmount { get; private set; }

    /// <summary>When the stage finished (UTC); null while it runs or is suspended.</summary>
    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>The whole allowance in the unit of <see cref="Limit"/>: the limit plus extensions.</summary>
    public decimal Allowance => Limit.Value + ExtendedBy;

    /// <summary>True while suspended.</summary>
    public bool IsPaused => PausedAt is not null;

    /// <summary>True once finished.</summary>
    public bool IsFinished => FinishedAt is not null;

    /// <summary>Null while the stage runs; once finished, whether it finished at or before <see cref="DueAt"/>.</summary>
    public bool? FinishedOnTime => FinishedAt is { } finished ? finished <= DueAt : null;

    /// <summary>Starts a stage clock.</summary>
    /// <exception cref="ArgumentException">The limit is <c>default</c> or the stage unknown.</exception>
    public static StageClock Start(CaseStage stage, DateTimeOffset startedAt, TimeLimit limit, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (!Enum.IsDefined(stage))
        {
            throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown case stage.");
        }

        if (!limit.IsValid)
        {
            throw new ArgumentException("The time limit is empty (default).", nameof(limit));
        }

        var start = startedAt.ToUniversalTime();
        var clock = new StageClock
        {
            Stage = stage,
            Limit = limit,
            StartedAt = start,
            DueAt = calendar.AddTime(start, limit),
        };
        clock.UpdateWarning(calendar);
        return clock;
    }

    /// <summary>
    /// The light at <paramref name="now"/>: red after <see cref="DueAt"/>, yellow from <see cref="WarningAt"/>
    /// up to and including <see cref="DueAt"/>, green before. A finished clock is judged at
    /// <see cref="FinishedAt"/> and a suspended one at <see cref="PausedAt"/>, whatever <paramref name="now"/> is.
    /// </summary>
    public Light TrafficLight(DateTimeOffset now)
    {
        var at = EffectiveTime(now);
        if (at > DueAt)
        {
            return Light.Red;
        }

        return at >= WarningAt ? Light.Yellow : Light.Green;
    }

    /// <summary>
    /// The time used so far in the unit of <see cref="Limit"/>, not counting suspensions (judged at
    /// <see cref="FinishedAt"/> or <see cref="PausedAt"/> when set). 0 before the start.
    /// </summary>
    public decimal Consumed(DateTimeOffset now, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var at = EffectiveTime(now);
        return at <= StartedAt ? 0m : calendar.Elapsed(StartedAt, at, Limit.Unit) - PausedAmount;
    }

    /// <summary>The allowance left, in the unit of <see cref="Limit"/>; negative when overdue.</summary>
    public decimal Remaining(DateTimeOffset now, WorkingCalendar calendar) => Allowance - Consumed(now, calendar);

    /// <summary>
    /// The share of the allowance used (0.8 = 80 %; above 1 when overdue), for display next to the light.
    /// </summary>
    public decimal ElapsedFraction(DateTimeOffset now, WorkingCalendar calendar) => Consumed(now, calendar) / Allowance;

    /// <summary>Suspends the clock (挂账); the deadline stops approaching until <see cref="Resume"/>.</summary>
    /// <exception cref="InvalidOperationException">Already suspended or finished.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="now"/> is before the start.</exception>
    public void Pause(DateTimeOffset now)
    {
        EnsureNotFinished("suspend");
        if (IsPaused)
        {
            throw new InvalidOperationException($"The {Stage} clock is already suspended since {PausedAt:O}.");
        }

        var at = NotBefore(now, StartedAt, "the stage started");
        PausedAt = at;
    }

    /// <summary>
    /// Ends a suspension. The stage's unit time still left at the pause is re-applied from
    /// <paramref name="now"/>, so the deadline moves out by the suspended time measured in that unit (for a
    /// <see cref="TimeLimitUnit.WorkHour"/> limit, nights, weekends and holidays inside the suspension do not
    /// add anything). A clock suspended after its deadline keeps that deadline: it stays overdue.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not suspended.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="now"/> is before the suspension began.</exception>
    public void Resume(DateTimeOffset now, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (PausedAt is not { } pausedAt)
        {
            throw new InvalidOperationException($"The {Stage} clock is not suspended.");
        }

        var at = NotBefore(now, pausedAt, "the suspension began");
        PausedAmount += calendar.Elapsed(pausedAt, at, Limit.Unit);
        TotalPaused += at - pausedAt;
        if (DueAt > pausedAt)
        {
            DueAt = calendar.Shift(at, calendar.Elapsed(pausedAt, DueAt, Limit.Unit), Limit.Unit);
            UpdateWarning(calendar);
        }

        PausedAt = null;
    }

    /// <summary>
    /// Postpones the deadline (延期) by <paramref name="extra"/> counted from the current <see cref="DueAt"/>
    /// in the extra's own unit; <see cref="ExtendedBy"/> grows by the same span measured in the stage's unit.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="extra"/> is <c>default</c>.</exception>
    /// <exception cref="InvalidOperationException">The stage has finished.</exception>
    public void Extend(TimeLimit extra, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (!extra.IsValid)
        {
            throw new ArgumentException("The extension is empty (default).", nameof(extra));
        }

        EnsureNotFinished("extend");
        ExtendTo(calendar.AddTime(DueAt, extra), calendar, extra.Unit == Limit.Unit ? extra.Value : null);
    }

    /// <summary>Postpones the deadline to an explicit new instant, which must be after the current one.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="newDueAt"/> is not after <see cref="DueAt"/>.</exception>
    /// <exception cref="InvalidOperationException">The stage has finished.</exception>
    public void ExtendTo(DateTimeOffset newDueAt, WorkingCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        EnsureNotFinished("extend");
        if (newDueAt <= DueAt)
        {
            throw new ArgumentOutOfRangeException(nameof(newDueAt), newDueAt, $"A new deadline must be after the current one ({DueAt:O}).");
        }

        ExtendTo(newDueAt, calendar, null);
    }

    /// <summary>Stops the clock; afterwards its light and <see cref="FinishedOnTime"/> are fixed.</summary>
    /// <exception cref="InvalidOperationException">Already finished, or suspended (resume first).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="now"/> is before the start.</exception>
    public void Finish(DateTimeOffset now)
    {
        EnsureNotFinished("finish");
        if (IsPaused)
        {
            throw new InvalidOperationException($"The {Stage} clock is suspended; resume it before finishing.");
        }

        FinishedAt = NotBefore(now, StartedAt, "the stage started");
    }

    private void ExtendTo(DateTimeOffset newDueAt, WorkingCalendar calendar, decimal? addedInStageUnit)
    {
        var due = newDueAt.ToUniversalTime();
        ExtendedBy += addedInStageUnit ?? calendar.Elapsed(DueAt, due, Limit.Unit);
        ExtensionCount++;
        DueAt = due;
        UpdateWarning(calendar);
    }

    // The light turns yellow when at most (1 - WarningShare) of the allowance is left before DueAt. Measuring
    // back from DueAt stays right after suspensions, which the stored totals cannot replay.
    private void UpdateWarning(WorkingCalendar calendar) =>
        WarningAt = calendar.Shift(DueAt, -(1m - WarningShare) * Allowance, Limit.Unit);

    private DateTimeOffset EffectiveTime(DateTimeOffset now) => FinishedAt ?? PausedAt ?? now.ToUniversalTime();

    private void EnsureNotFinished(string action)
    {
        if (IsFinished)
        {
            throw new InvalidOperationException($"Cannot {action} the {Stage} clock: it finished at {FinishedAt:O}.");
        }
    }

    private static DateTimeOffset NotBefore(DateTimeOffset now, DateTimeOffset earliest, string what)
    {
        var at = now.ToUniversalTime();
        return at >= earliest
            ? at
            : throw new ArgumentOutOfRangeException(nameof(now), now, $"The time is before {what} ({earliest:O}).");
    }
}
