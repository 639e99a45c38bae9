namespace CivicGrid.Server.Features.Audit;

/// <summary>Audit trail settings (section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>How often the end of the chain is anchored by a signed checkpoint.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Base64 HMAC key of the checkpoints (≥ 32 bytes), shared by all nodes; empty: <c>keys/audit-checkpoint.key</c> in the data folder.</summary>
    public string? CheckpointKey { get; set; }
}
