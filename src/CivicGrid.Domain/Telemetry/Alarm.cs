using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Telemetry.Rules;

namespace CivicGrid.Domain.Telemetry;

/// <summary>Where an alarm is in its life. Raised and acknowledged alarms are open.</summary>
public enum AlarmState
{
    /// <summary>告警: the condition holds, nobody has taken note yet.</summary>
    Raised,

    /// <summary>已确认: someone took note; the condition still holds.</summary>
    Acknowledged,

    /// <summary>已解除: the condition ended, or someone cleared it by hand.</summary>
    Cleared,
}

/// <summary>One step in an alarm's life (table <c>alarm_history</c>). Append-only.</summary>
public sealed class AlarmHistoryEntry
{
    private AlarmHistoryEntry()
    {
        Action = string.Empty;
        ActorName = string.Empty;
    }

    internal AlarmHistoryEntry(Guid alarmId, int sequence, string action, Actor actor, DateTimeOffset at, double? value, string? note)
    {
        AlarmId = alarmId;
        Sequence = sequence;
        Action = action;
        ActorId = actor.UserId;
        ActorName = actor.DisplayName;
        At = at;
        Value = value;
        Note = note;
    }

    public long Id { get; private set; }

    public Guid AlarmId { get; private set; }

    public int Sequence { get; private set; }

    /// <summary>raised, acknowledged, cleared, caseFiled.</summary>
    public string Action { get; private set; }

    public Guid ActorId { get; private set; }

    public string ActorName { get; private set; }

    public DateTimeOffset At { get; private set; }

    public double? Value { get; private set; }

    public string? Note { get; private set; }
}

/// <summary>
/// 告警: a rule's condition holding for a device (or an area). At most one alarm per rule and
/// subject is open at a time (a filtered unique index enforces it on both engines); while open,
/// new readings update it; it clears automatically when the condition ends, or by hand.
/// </summary>
public sealed class Alarm
{
    private readonly List<AlarmHistoryEntry> _history = [];

    private Alarm()
    {
        RuleName = string.Empty;
        SubjectKey = string.Empty;
        DeviceType = string.Empty;
        CommunityCode = string.Empty;
        StreetCode = string.Empty;
        Message = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid RuleId { get; private set; }

    /// <summary>The rule's name when the alarm was raised.</summary>
    public string RuleName { get; private set; }

    /// <summary><c>device:&lt;id&gt;</c> or <c>area:&lt;code&gt;</c>: what the alarm is about.</summary>
    public string SubjectKey { get; private set; }

    /// <summary>The device (for an area alarm: the device whose reading raised it).</summary>
    public string? DeviceId { get; private set; }

    public string DeviceType { get; private set; }

    public string? GridCode { get; private set; }

    public string CommunityCode { get; private set; }

    public string StreetCode { get; private set; }

    public AlarmSeverity Severity { get; private set; }

    public AlarmState State { get; private set; }

    /// <summary>Why it is raised (the rule's explanation of the latest evaluation).</summary>
    public string Message { get; private set; }

    /// <summary>The latest value the rule looked at.</summary>
    public double? Value { get; private set; }

    public DateTimeOffset RaisedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>How many readings confirmed the open alarm after it was raised.</summary>
    public int UpdateCount { get; private set; }

    public DateTimeOffset? AcknowledgedAt { get; private set; }

    public string? AcknowledgedBy { get; private set; }

    public DateTimeOffset? ClearedAt { get; private set; }

    public string? ClearedBy { get; private set; }

    /// <summary>The case the alarm filed, if its rule maps to one.</summary>
    public Guid? CaseId { get; private set; }

    public string? CaseNumber { get; private set; }

    public int Version { get; private set; }

    public bool IsOpen => State != AlarmState.Cleared;

    public IReadOnlyList<AlarmHistoryEntry> History => _history;

    /// <summary>The subject key of a device.</summary>
    public static string DeviceSubject(string deviceId) => "device:" + deviceId;

    /// <summary>The subject key of an area.</summary>
    public static string AreaSubject(string areaCode) => "area:" + areaCode;

    /// <summary>Raises an alarm.</summary>
    public static Alarm Raise(Guid id, Guid ruleId, RuleDefinition rule, string subjectKey, string? deviceId, string? gridCode, string communityCode, string streetCode, double? value, string message, DateTimeOffset at)
    {
        var alarm = new Alarm
        {
            Id = id,
            RuleId = ruleId,
            RuleName = rule.Name,
            SubjectKey = subjectKey,
            DeviceId = deviceId,
            DeviceType = rule.DeviceType,
            GridCode = gridCode,
            CommunityCode = communityCode,
            StreetCode = streetCode,
            Severity = rule.Severity,
            State = AlarmState.Raised,
            Message = Clip(message),
            Value = value,
            RaisedAt = at,
            UpdatedAt = at,
        };
        alarm.Record("raised", Actor.System, at, value, alarm.Message);
        return alarm;
    }

    /// <summary>The condition still holds: keeps the latest value (no history entry per reading).</summary>
    public void Update(double? value, string message, DateTimeOffset at)
    {
        RequireOpen();
        Value = value;
        Message = Clip(message);
        UpdatedAt = at;
        UpdateCount++;
        Version++;
    }

    public void Acknowledge(Actor actor, string? note, DateTimeOffset at)
    {
        RequireOpen();
        if (State == AlarmState.Acknowledged)
        {
            throw new DomainValidationException("state", "The alarm is already acknowledged.");
        }

        State = AlarmState.Acknowledged;
        AcknowledgedAt = at;
        AcknowledgedBy = actor.DisplayName;
        UpdatedAt = at;
        Record("acknowledged", actor, at, Value, note);
    }

    /// <summary>Clears the alarm: automatically (the system actor) when the condition ends, or by hand.</summary>
    public void Clear(Actor actor, string? note, double? value, DateTimeOffset at)
    {
        RequireOpen();
        State = AlarmState.Cleared;
        ClearedAt = at;
        ClearedBy = actor.DisplayName;
        UpdatedAt = at;
        Value = value ?? Value;
        Record("cleared", actor, at, value, note);
    }

    /// <summary>Links the case the alarm filed.</summary>
    public void LinkCase(Guid caseId, string caseNumber, string note, DateTimeOffset at)
    {
        CaseId = caseId;
        CaseNumber = caseNumber;
        Record("caseFiled", Actor.System, at, Value, note);
    }

    private void RequireOpen()
    {
        if (!IsOpen)
        {
            throw new DomainValidationException("state", "The alarm is already cleared.");
        }
    }

    private void Record(string action, Actor actor, DateTimeOffset at, double? value, string? note)
    {
        // The version counts every change, so it doubles as the next history sequence without loading the history.
        Version++;
        _history.Add(new AlarmHistoryEntry(Id, Version, action, actor, at, value, note is null ? null : Clip(note)));
    }

    private static string Clip(string text) => text.Length <= 500 ? text : text[..500];
}
