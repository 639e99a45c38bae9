namespace CivicGrid.Domain.Cases;

/// <summary>A photo or document attached to a case, and optionally to one step of its history.</summary>
public sealed class CaseAttachment
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required Guid CaseId { get; init; }

    /// <summary>The history step it belongs to, once a transition references it.</summary>
    public int? HistorySequence { get; set; }

    /// <summary>The uploaded file name, cleaned of any path.</summary>
    public required string FileName { get; init; }

    /// <summary>The type detected from the content (not from the name).</summary>
    public required string ContentType { get; init; }

    public required long Size { get; init; }

    /// <summary>Hex SHA-256 of the content.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Where the bytes are kept, relative to the attachment store.</summary>
    public required string StorageKey { get; init; }

    public required Guid UploadedById { get; init; }

    public required DateTimeOffset UploadedAt { get; init; }
}
