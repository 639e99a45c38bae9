namespace CivicGrid.Infrastructure.Persistence;

/// <summary>
/// An Open311 API client (an app or a partner system) with its key. Only the SHA-256 of the key is
/// stored; the key's first characters (<see cref="KeyPrefix"/>) find the row and identify the key in lists.
/// </summary>
public sealed class ApiClient
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>The first characters of the key, shown in lists and used to look the client up.</summary>
    public required string KeyPrefix { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole key.</summary>
    public required string KeyHash { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The admin who issued the key; null for the demo client.</summary>
    public Guid? CreatedById { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public Guid? RevokedById { get; set; }
}

/// <summary>
/// What an Open311 POST carried beyond the case itself: the client, the submitter's contact details
/// (kept for notifications, never published), the answers to the service's attributes and the media.
/// </summary>
public sealed class Open311Submission
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The case the request created (one submission per case).</summary>
    public required Guid CaseId { get; init; }

    public required Guid ApiClientId { get; init; }

    public string? JurisdictionId { get; init; }

    /// <summary>The client's Idempotency-Key header, if any: a retry replays the first answer.</summary>
    public string? IdempotencyKey { get; init; }

    public string? Email { get; set; }

    public string? DeviceId { get; set; }

    public string? AccountId { get; set; }

    /// <summary>The media_url the client sent.</summary>
    public string? MediaUrl { get; init; }

    /// <summary>The first uploaded media file (a case attachment), if any.</summary>
    public Guid? MediaAttachmentId { get; set; }

    /// <summary>The attribute answers as a JSON object of code → value (or array for multi-value lists).</summary>
    public string? AttributesJson { get; init; }

    /// <summary>The coordinate system lat/long arrived in (wgs84, gcj02, bd09).</summary>
    public string? CoordinateSystem { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>An update (a comment) an Open311 client posted on a request (FixMyStreet's servicerequestupdates).</summary>
public sealed class Open311Update
{
    /// <summary>Our update id, returned to the client.</summary>
    public long Id { get; init; }

    public required Guid CaseId { get; init; }

    public required Guid ApiClientId { get; init; }

    /// <summary>The client's own id for the update (FixMyStreet's comment id): a retry does not duplicate it.</summary>
    public required string ExternalId { get; init; }

    /// <summary>The status the client asked for, upper case as sent (OPEN, FIXED, REOPEN...).</summary>
    public required string Status { get; init; }

    public required string Description { get; init; }

    /// <summary>When the client says the update was made.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? MediaUrl { get; init; }

    public Guid? MediaAttachmentId { get; set; }
}
