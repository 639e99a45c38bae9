namespace CivicGrid.Infrastructure.Persistence;

/// <summary>A working-calendar exception day (holiday or make-up working day), editable by admins.</summary>
public sealed class CalendarDayRecord
{
    public required DateOnly Date { get; init; }

    /// <summary>holiday or workday.</summary>
    public required string Kind { get; set; }

    public required string Name { get; set; }
}

/// <summary>A configured stage time limit for a category (or major, or "*" for the default) and urgency.</summary>
public sealed class TimeLimitRecord
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>5-digit event code, 2-digit major code, or "*".</summary>
    public required string CategoryCode { get; init; }

    public required string Urgency { get; init; }

    public required string Stage { get; init; }

    public required decimal Value { get; set; }

    public required string Unit { get; set; }
}

/// <summary>The next case sequence number for a year.</summary>
public sealed class CaseNumberSequence
{
    public required int Year { get; init; }

    public required long Next { get; set; }
}

/// <summary>A remembered POST, so that a retry with the same Idempotency-Key replays the first answer.</summary>
public sealed class IdempotencyRecord
{
    /// <summary>The caller's key, prefixed by the caller's id so callers cannot collide.</summary>
    public required string Key { get; init; }

    /// <summary>SHA-256 of method, path and body: a replay with another body is refused.</summary>
    public required string RequestHash { get; init; }

    public required int StatusCode { get; init; }

    public string? Location { get; init; }

    public required string ResponseBody { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A message that leaves the process because of a change, written in the same transaction.</summary>
public sealed class OutboxMessage
{
    /// <summary>Position in the outbox, increasing in insertion order; relays keep it as their cursor.</summary>
    public long Id { get; init; }

    public required string Type { get; init; }

    public required string Payload { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ProcessedAt { get; set; }
}

/// <summary>
/// A message to a case's reporters (filed, dispatched, fixed, closed, rejected…), written by the
/// same transaction as the change; the notification dispatcher delivers it at least once.
/// </summary>
public sealed class CitizenNoticeRecord
{
    /// <summary>The notice's id: receivers de-duplicate by it.</summary>
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid CaseId { get; init; }

    /// <summary>The <c>NoticeKind</c>, by name.</summary>
    public required string Kind { get; init; }

    /// <summary>The reason given with the change (a rejection's note).</summary>
    public string? Reason { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When every reporter's channel took the message; null while pending.</summary>
    public DateTimeOffset? DeliveredAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>Not before this instant (back-off after a failed attempt).</summary>
    public required DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>A node working on the notice holds it until then (two nodes never send at once).</summary>
    public DateTimeOffset? LockedUntil { get; set; }

    public string? LastError { get; set; }
}

/// <summary>One notice sent to one reporter over one channel: a retry skips what was already sent.</summary>
public sealed class NotificationDeliveryRecord
{
    public long Id { get; init; }

    public required Guid NoticeId { get; init; }

    public required Guid ReporterId { get; init; }

    public required string Channel { get; init; }

    public required DateTimeOffset SentAt { get; init; }
}
