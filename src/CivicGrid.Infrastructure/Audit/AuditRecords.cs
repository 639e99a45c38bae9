namespace CivicGrid.Infrastructure.Audit;

/// <summary>
/// One entry of the audit trail (操作留痕): who did what to which record, when, from where, with the
/// values before and after. Entries form a hash chain: <see cref="Hash"/> covers the entry's
/// canonical form and <see cref="PreviousHash"/>, so an edit, a deletion or an insertion breaks it.
/// </summary>
public sealed class AuditEntry
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Position in the chain: 1, 2, 3… without gaps; 0 until the entry is appended.</summary>
    public long Sequence { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The user; null for the system itself (background jobs, start-up).</summary>
    public Guid? ActorId { get; set; }

    public string ActorName { get; set; } = string.Empty;

    public string ActorRole { get; set; } = string.Empty;

    /// <summary><c>create</c>, <c>update</c>, <c>delete</c> for record changes; a named event otherwise (<see cref="AuditActions"/>).</summary>
    public required string Action { get; init; }

    public string? EntityType { get; init; }

    public string? EntityId { get; init; }

    /// <summary>JSON object of the changed fields' old values (personal data masked, secrets redacted).</summary>
    public string? Before { get; init; }

    /// <summary>JSON object of the new values, or the details of a named event.</summary>
    public string? After { get; init; }

    public string? ClientAddress { get; set; }

    /// <summary>The caller's correlation id (header <c>X-Correlation-Id</c>) or the request id.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>The W3C trace id of the request or job, to find its logs and traces.</summary>
    public string? TraceId { get; set; }

    public string PreviousHash { get; set; } = string.Empty;

    public string Hash { get; set; } = string.Empty;
}

/// <summary>The single row that holds the end of the chain; appends update it in their own transaction, one after the other.</summary>
public sealed class AuditChainHead
{
    public const int SingletonId = 1;

    public int Id { get; init; } = SingletonId;

    public long LastSequence { get; set; }

    public string LastHash { get; set; } = AuditChain.GenesisHash;
}

/// <summary>A signed anchor: "entry N had hash H", signed with a key the database does not hold.</summary>
public sealed class AuditCheckpoint
{
    public long Sequence { get; init; }

    public required string Hash { get; init; }

    public DateTimeOffset At { get; init; }

    /// <summary>Base64 HMAC-SHA256 of <see cref="AuditChain.CheckpointPayload"/> with the checkpoint key.</summary>
    public required string Signature { get; init; }
}

/// <summary>Names of the audit events that are not record changes.</summary>
public static class AuditActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string SignIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string PersonalDataRead = "personal-data.read";
    public const string PersonalDataExport = "personal-data.export";
    public const string PersonalDataErase = "personal-data.erase";
    public const string AuditExport = "audit.export";
}
