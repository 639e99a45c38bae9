using System.Globalization;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Domain.Telemetry.Rules;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Calendar;
using CivicGrid.Server.Features.Cases;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// Carries out a rule's verdict, one transaction each: raises an alarm (and files its case:
/// reported → filed → dispatched to the responsible department), updates it, or clears it (and
/// notes in a case not yet handled that the alarm cleared).
/// </summary>
public sealed partial class AlarmActions(CivicGridDbContext db, SlaPolicyProvider sla, AutoDispatch dispatch, SensingMetrics metrics, SensingLiveFeed live, ILogger<AlarmActions> logger)
{
    /// <summary>The actor of automatic steps: the sensing system, acting with a supervisor's rights to file and dispatch.</summary>
    public static Actor SensingActor { get; } = new(Guid.Empty, "物联感知（系统）", Role.Supervisor, null);

    public CivicGridDbContext Db => db;

    /// <summary>Raises an alarm unless one is open; returns it, or null when another writer got there first.</summary>
    public async Task<Alarm?> RaiseAsync(AlarmRule rule, string subjectKey, Device device, double? value, string message, DateTimeOffset at, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alarm = Alarm.Raise(Guid.CreateVersion7(at), rule.Id, rule.Definition, subjectKey, device.Id,
            subjectKey.StartsWith("area:", StringComparison.Ordinal) ? null : device.GridCode,
            device.CommunityCode, device.StreetCode, value, message, at);
        db.Alarms.Add(alarm);
        if (rule.Definition.Case is { } mapping)
        {
            var filed = await FileCaseAsync(alarm, rule, mapping, device, at, ct);
            alarm.LinkCase(filed.Id, filed.Number, $"案件 {filed.Number} ({filed.Status})", at);
        }

        Outbox(alarm, "AlarmRaised", at);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsConflict(e))
        {
            // Another node raised the same alarm (one open alarm per rule and subject).
            db.ChangeTracker.Clear();
            return null;
        }

        metrics.Alarm("raised");
        live.Alarm(alarm, "raised", at);
        LogRaised(logger, rule.Name, subjectKey, message);
        return alarm;
    }

    public async Task UpdateAsync(Guid alarmId, double? value, string message, DateTimeOffset at, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var alarm = await db.Alarms.FirstOrDefaultAsync(a => a.Id == alarmId, ct);
        if (alarm is null || !alarm.IsOpen)
        {
            return;
        }

        alarm.Update(value, message, at);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsConflict(e))
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Clears an open alarm (by the system or by hand) and notes it in its case if that is still waiting to be handled.</summary>
    public async Task<Alarm?> ClearAsync(Guid alarmId, Actor actor, string? note, double? value, DateTimeOffset at, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var alarm = await db.Alarms.FirstOrDefaultAsync(a => a.Id == alarmId, ct);
        if (alarm is null || !alarm.IsOpen)
        {
            return alarm;
        }

        alarm.Clear(actor, note, value, at);
        if (alarm.CaseId is { } caseId && await db.Cases.FirstOrDefaultAsync(c => c.Id == caseId, ct) is { } @case)
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"传感器告警「{alarm.RuleName}」已于 {at.ToOffset(TimeSpan.FromHours(8)):yyyy-MM-dd HH:mm} 解除（{(actor.UserId == Guid.Empty ? "条件已消失" : "由 " + actor.DisplayName + " 手动解除")}），案件尚未处置完毕。");
            @case.RecordAlarmCleared(alarm.Id, SensingActor, at, text);
        }

        Outbox(alarm, "AlarmCleared", at);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            return null;
        }

        metrics.Alarm("cleared");
        live.Alarm(alarm, "cleared", at);
        LogCleared(logger, alarm.RuleName, alarm.SubjectKey, actor.DisplayName);
        return alarm;
    }

    /// <summary>Puts an alarm change in the outbox, in the caller's transaction, for delivery beyond the process.</summary>
    public void Outbox(Alarm alarm, string type, DateTimeOffset at) =>
        db.Outbox.Add(new OutboxMessage
        {
            Type = type,
            Payload = System.Text.Json.JsonSerializer.Serialize(new
            {
                alarmId = alarm.Id, ruleId = alarm.RuleId, alarm.SubjectKey, alarm.DeviceId, severity = alarm.Severity.ToString(), state = alarm.State.ToString(),
                alarm.Value, alarm.Message, alarm.CaseId, at,
            }, RuleJson.Options),
            CreatedAt = at,
        });

    /// <summary>Tells the live feed about a committed change.</summary>
    public void Announce(Alarm alarm, string action, DateTimeOffset at) => live.Alarm(alarm, action, at);

    private async Task<Case> FileCaseAsync(Alarm alarm, AlarmRule rule, RuleCaseMapping mapping, Device device, DateTimeOffset at, CancellationToken ct)
    {
        var policy = await sla.GetAsync(ct);
        var number = await CaseNumbers.NextAsync(db, policy.Calendar.ToLocal(at).Year, ct);
        var type = DeviceTypes.Find(device.Type);
        var description = $"【物联感知告警】{rule.Name}：{alarm.Message}（{type?.NameZh ?? device.Type} {device.Name}，设备 {device.Id}）";
        var @case = Case.Report(Guid.CreateVersion7(at), number, new CaseReport
        {
            Description = description.Length > 4000 ? description[..4000] : description,
            CategoryCode = mapping.CategoryCode,
            Urgency = mapping.Urgency,
            Source = CaseSource.Sensor,
            Longitude = device.Longitude,
            Latitude = device.Latitude,
            GridCode = device.GridCode,
            CommunityCode = device.CommunityCode,
            StreetCode = device.StreetCode,
            ComponentId = device.ComponentId,
        }, SensingActor, at, policy);

        // A sensor reading needs no verification: the system files it and sends it to the department in charge.
        @case.Apply(new CaseTransition(CaseAction.File) { Note = $"告警 {alarm.Id} 自动立案" }, SensingActor, at, policy);
        await dispatch.DispatchAsync(@case, SensingActor, "自动派遣", at, policy, fallback: device.DepartmentId, ct);

        db.Cases.Add(@case);
        return @case;
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Alarm raised by rule {Rule} for {Subject}: {Message}")]
    private static partial void LogRaised(ILogger logger, string rule, string subject, string message);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Alarm of rule {Rule} for {Subject} cleared by {Actor}")]
    private static partial void LogCleared(ILogger logger, string rule, string subject, string actor);
}
