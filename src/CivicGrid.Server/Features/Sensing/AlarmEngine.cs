using CivicGrid.Domain.Telemetry;
using CivicGrid.Domain.Telemetry.Rules;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// Evaluates the rules: on every committed telemetry batch for the devices that sent new
/// readings (and the areas they lie in), and periodically for devices that fell silent. The
/// evaluation itself is the pure <see cref="RuleDefinition.Evaluate"/>; this class loads what it
/// needs from the database (recent samples, the open alarm) and hands the verdict to
/// <see cref="AlarmActions"/>. It keeps no state of its own, so any node can evaluate any device.
/// </summary>
public sealed partial class AlarmEngine(IServiceScopeFactory scopes, AlarmRuleCache rules, IOptions<TelemetryOptions> options, TimeProvider clock, ILogger<AlarmEngine> logger)
{
    private const int MaxSamples = 2000;

    /// <summary>Evaluates the rules for the devices with new readings in a committed batch.</summary>
    public async Task OnCommittedAsync(IReadOnlyList<(TelemetryBatchItem Item, TelemetryItemResult Result)> batch, CancellationToken ct)
    {
        var latestByDevice = batch.Where(b => b.Result.Stored.Count > 0)
            .GroupBy(b => b.Item.DeviceId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(b => b.Result.Stored).MaxBy(m => m.Timestamp)!, StringComparer.Ordinal);
        if (latestByDevice.Count == 0)
        {
            return;
        }

        var all = await rules.GetAsync(ct);
        if (all.Count == 0)
        {
            return;
        }

        using var scope = scopes.CreateScope();
        var actions = scope.ServiceProvider.GetRequiredService<AlarmActions>();
        var db = actions.Db;
        var ids = latestByDevice.Keys.ToList();
        var devices = await db.Devices.AsNoTracking().Where(d => ids.Contains(d.Id)).ToListAsync(ct);
        var subjects = devices.Select(d => Alarm.DeviceSubject(d.Id)).ToList();
        var open = await OpenAlarmsAsync(db, subjects, ct);
        var areas = new Dictionary<(Guid Rule, string Area), (AlarmRule Rule, Device Device, DateTimeOffset At)>();

        foreach (var device in devices)
        {
            var latest = latestByDevice[device.Id];
            var at = latest.Timestamp;
            foreach (var rule in all.Where(r => r.Definition.AppliesTo(device.Id, device.Type, device.GridCode, device.CommunityCode, device.StreetCode)))
            {
                var definition = rule.Definition;
                if (definition.Aggregate is not null)
                {
                    areas[(rule.Id, definition.Area!.Key)] = (rule, device, at);
                    continue;
                }

                var subject = Alarm.DeviceSubject(device.Id);
                open.TryGetValue((rule.Id, subject), out var openId);
                if (definition.IsNoData && openId is null)
                {
                    continue;
                }

                try
                {
                    var samples = definition.IsNoData
                        ? new Dictionary<string, IReadOnlyList<Sample>>()
                        : FromReading(definition.Needs(), latest) ?? await SamplesAsync(db, device.Id, definition.Needs(), at, ct);
                    var lastSeen = definition.IsNoData ? at : device.LastSeenAt;
                    var verdict = definition.Evaluate(new RuleInput(samples, at, lastSeen, openId is not null));
                    await ApplyAsync(actions, rule, subject, device, openId, verdict, at, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRuleFailed(logger, e, rule.Name, device.Id);
                }
            }
        }

        foreach (var ((_, area), (rule, device, at)) in areas)
        {
            try
            {
                await EvaluateAreaAsync(actions, rule, area, device, at, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRuleFailed(logger, e, rule.Name, area);
            }
        }
    }

    /// <summary>
    /// The periodic pass: marks devices silent after <see cref="TelemetryOptions.SilentAfter"/> and
    /// raises the alarms of no-data rules. Safe on several nodes: the update is idempotent and a
    /// second raise of the same alarm is refused by the database.
    /// </summary>
    public async Task<int> RunPeriodicAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        using var scope = scopes.CreateScope();
        var actions = scope.ServiceProvider.GetRequiredService<AlarmActions>();
        var db = actions.Db;
        var silentBefore = now - options.Value.SilentAfter;
        // One atomic statement, safe against a reading that arrives meanwhile and against other nodes;
        // like ingestion's LastSeenAt bookkeeping it is not audited device by device (docs/security.md).
        await db.Devices.Where(d => d.State == DeviceState.Active && d.LastSeenAt < silentBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.State, DeviceState.Silent), ct);

        var raised = 0;
        foreach (var rule in (await rules.GetAsync(ct)).Where(r => r.Definition.IsNoData))
        {
            var definition = rule.Definition;
            var minutes = ((NoDataCondition)definition.Condition).Minutes;
            var quietSince = now - TimeSpan.FromMinutes(minutes);
            var candidates = await db.Devices.AsNoTracking()
                .Where(d => d.Type == definition.DeviceType && (d.State == DeviceState.Active || d.State == DeviceState.Silent) && d.LastSeenAt < quietSince)
                .ToListAsync(ct);
            candidates = [.. candidates.Where(d => definition.AppliesTo(d.Id, d.Type, d.GridCode, d.CommunityCode, d.StreetCode))];
            if (candidates.Count == 0)
            {
                continue;
            }

            var open = await OpenAlarmsAsync(db, [.. candidates.Select(d => Alarm.DeviceSubject(d.Id))], ct);
            foreach (var device in candidates)
            {
                var subject = Alarm.DeviceSubject(device.Id);
                if (open.ContainsKey((rule.Id, subject)))
                {
                    continue;
                }

                var verdict = definition.Evaluate(new RuleInput(new Dictionary<string, IReadOnlyList<Sample>>(), now, device.LastSeenAt, false));
                if (verdict.Outcome == RuleOutcome.Raise && await actions.RaiseAsync(rule, subject, device, null, verdict.Detail, now, ct) is not null)
                {
                    raised++;
                }
            }
        }

        return raised;
    }

    private static async Task EvaluateAreaAsync(AlarmActions actions, AlarmRule rule, string area, Device trigger, DateTimeOffset at, CancellationToken ct)
    {
        var db = actions.Db;
        var definition = rule.Definition;
        var aggregate = definition.Aggregate!;
        var scope = definition.Area!;
        var members = await db.Devices.AsNoTracking()
            .Where(d => d.Type == definition.DeviceType && d.State != DeviceState.Retired
                && (scope.GridCode == null || d.GridCode == scope.GridCode)
                && (scope.CommunityCode == null || d.CommunityCode == scope.CommunityCode)
                && (scope.StreetCode == null || d.StreetCode == scope.StreetCode))
            .Select(d => d.Id)
            .ToListAsync(ct);
        members = [.. members.Where(id => definition.DeviceIds is null || definition.DeviceIds.Contains(id, StringComparer.Ordinal))];
        var since = at - TimeSpan.FromMinutes(aggregate.MaxAgeMinutes);
        var samples = new Dictionary<string, IReadOnlyList<Sample>>(StringComparer.Ordinal);
        foreach (var name in definition.Needs().Keys)
        {
            var latest = new List<double>();
            foreach (var id in members)
            {
                // Only a reading since the aggregate's age limit counts: bounded both ways, the query stays in the recent partitions.
                var row = await db.TelemetryReadings.AsNoTracking()
                    .Where(r => r.DeviceId == id && r.Name == name && r.Ts <= at && r.Ts >= since)
                    .OrderByDescending(r => r.Ts)
                    .Select(r => new { r.Ts, r.Value })
                    .FirstOrDefaultAsync(ct);
                if (row is not null)
                {
                    latest.Add(row.Value);
                }
            }

            if (latest.Count >= aggregate.MinDevices)
            {
                var value = aggregate.Function switch
                {
                    AggregateFunction.Min => latest.Min(),
                    AggregateFunction.Max => latest.Max(),
                    _ => latest.Average(),
                };
                samples[name] = [new Sample(at, value)];
            }
        }

        var subject = Alarm.AreaSubject(area);
        var open = await OpenAlarmsAsync(db, [subject], ct);
        open.TryGetValue((rule.Id, subject), out var openId);
        var verdict = definition.Evaluate(new RuleInput(samples, at, at, openId is not null));
        var described = verdict with { Detail = $"{aggregate.Function.ToString().ToLowerInvariant()} of {samples.Count switch { 0 => "no", _ => "the" }} devices in {area}: {verdict.Detail}" };
        await ApplyAsync(actions, rule, subject, trigger, openId, described, at, ct);
    }

    private static async Task ApplyAsync(AlarmActions actions, AlarmRule rule, string subject, Device device, Guid? openId, RuleVerdict verdict, DateTimeOffset at, CancellationToken ct)
    {
        switch (verdict.Outcome)
        {
            case RuleOutcome.Raise:
                await actions.RaiseAsync(rule, subject, device, verdict.Value, verdict.Detail, at, ct);
                break;
            case RuleOutcome.Update when openId is { } id:
                await actions.UpdateAsync(id, verdict.Value, verdict.Detail, at, ct);
                break;
            case RuleOutcome.Clear when openId is { } id:
                await actions.ClearAsync(id, AlarmActions.SensingActor, "条件已消失: " + verdict.Detail, verdict.Value, at, ct);
                break;
        }
    }

    private static async Task<Dictionary<(Guid Rule, string Subject), Guid?>> OpenAlarmsAsync(CivicGridDbContext db, List<string> subjects, CancellationToken ct)
    {
        var rows = await db.Alarms.AsNoTracking()
            .Where(a => a.State != AlarmState.Cleared && subjects.Contains(a.SubjectKey))
            .Select(a => new { a.RuleId, a.SubjectKey, a.Id })
            .ToListAsync(ct);
        return rows.ToDictionary(r => (r.RuleId, r.SubjectKey), r => (Guid?)r.Id);
    }

    /// <summary>
    /// The samples from the reading just stored, when that is all the rule needs: one latest value
    /// per name and no look-back (a plain threshold). The stored reading is then exactly what the
    /// database would answer — the latest at or before its own instant — so the query is skipped.
    /// Null when the rule needs more, or the reading lacks a needed value.
    /// </summary>
    private static Dictionary<string, IReadOnlyList<Sample>>? FromReading(IReadOnlyDictionary<string, SampleNeed> needs, TelemetryMessage reading)
    {
        var result = new Dictionary<string, IReadOnlyList<Sample>>(needs.Count, StringComparer.Ordinal);
        foreach (var (name, need) in needs)
        {
            if (need.Count > 1 || need.Lookback > TimeSpan.Zero || need.Windows is { Count: > 0 })
            {
                return null;
            }

            var value = reading.Values.FirstOrDefault(v => string.Equals(v.Name, name, StringComparison.Ordinal));
            if (value is null)
            {
                return null;
            }

            result[name] = [new Sample(reading.Timestamp, value.Value)];
        }

        return result;
    }

    /// <summary>The samples each value name needs, up to the evaluated instant, oldest first: the newest, the look-back, and any earlier windows.</summary>
    private static async Task<Dictionary<string, IReadOnlyList<Sample>>> SamplesAsync(CivicGridDbContext db, string deviceId, IReadOnlyDictionary<string, SampleNeed> needs, DateTimeOffset at, CancellationToken ct)
    {
        var result = new Dictionary<string, IReadOnlyList<Sample>>(StringComparer.Ordinal);
        foreach (var (name, need) in needs)
        {
            var readings = db.TelemetryReadings.AsNoTracking().Where(r => r.DeviceId == deviceId && r.Name == name && r.Ts <= at);
            var rows = await TelemetryQueries.NewestAsync(readings, at, Math.Clamp(need.Count, 1, MaxSamples), r => new Sample(r.Ts, r.Value), ct);
            if (need.Lookback > TimeSpan.Zero)
            {
                // Every sample of the period, and the one just before it (was the condition already holding then?).
                var start = at - need.Lookback;
                rows.AddRange(await readings.Where(r => r.Ts >= start).OrderByDescending(r => r.Ts).Take(MaxSamples)
                    .Select(r => new Sample(r.Ts, r.Value)).ToListAsync(ct));
                rows.AddRange(await TelemetryQueries.NewestAsync(readings.Where(r => r.Ts < start), start, 1, r => new Sample(r.Ts, r.Value), ct));
            }

            foreach (var window in need.Windows ?? [])
            {
                // An earlier period's same phase (a seasonal baseline): every sample within the tolerance, each window capped on its own.
                var (from, to) = (at - window.Ago - window.Tolerance, at - window.Ago + window.Tolerance);
                rows.AddRange(await readings.Where(r => r.Ts >= from && r.Ts <= to).OrderByDescending(r => r.Ts).Take(MaxSamples)
                    .Select(r => new Sample(r.Ts, r.Value)).ToListAsync(ct));
            }

            result[name] = [.. rows.DistinctBy(s => s.Ts).OrderBy(s => s.Ts)];
        }

        return result;
    }

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Rule {Rule} failed for {Subject}")]
    private static partial void LogRuleFailed(ILogger logger, Exception exception, string rule, string subject);
}

/// <summary>Runs <see cref="AlarmEngine.RunPeriodicAsync"/> every minute on the injected clock.</summary>
public sealed partial class SensingJob(AlarmEngine engine, Platform.Readiness readiness, TimeProvider clock, ILogger<SensingJob> logger) : BackgroundService
{
    public static TimeSpan Interval { get; } = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!readiness.IsReady)
            {
                continue;
            }

            try
            {
                await engine.RunPeriodicAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "The periodic sensing check failed; it runs again at the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
