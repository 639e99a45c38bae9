using CivicGrid.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CivicGrid.Infrastructure.Persistence.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.HasIndex(e => e.Sequence).IsUnique();
        b.Property(e => e.ActorName).HasMaxLength(100);
        b.Property(e => e.ActorRole).HasMaxLength(32);
        b.Property(e => e.Action).HasMaxLength(64);
        b.Property(e => e.EntityType).HasMaxLength(64);
        b.Property(e => e.EntityId).HasMaxLength(200);
        b.Property(e => e.ClientAddress).HasMaxLength(64);
        b.Property(e => e.CorrelationId).HasMaxLength(100);
        b.Property(e => e.TraceId).HasMaxLength(64);
        b.Property(e => e.PreviousHash).HasMaxLength(64);
        b.Property(e => e.Hash).HasMaxLength(64);

        // The auditor's search filters.
        b.HasIndex(e => e.At);
        b.HasIndex(e => new { e.ActorName, e.At });
        b.HasIndex(e => new { e.EntityType, e.EntityId });
        b.HasIndex(e => new { e.Action, e.At });
    }
}

internal sealed class AuditChainHeadConfiguration : IEntityTypeConfiguration<AuditChainHead>
{
    public void Configure(EntityTypeBuilder<AuditChainHead> b)
    {
        b.ToTable("audit_chain_head");
        b.HasKey(h => h.Id);
        b.Property(h => h.Id).ValueGeneratedNever();
        b.Property(h => h.LastHash).HasMaxLength(64);
        b.HasData(new AuditChainHead { Id = AuditChainHead.SingletonId, LastSequence = 0, LastHash = AuditChain.GenesisHash });
    }
}

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> b)
    {
        b.ToTable("audit_checkpoints");
        b.HasKey(c => c.Sequence);
        b.Property(c => c.Sequence).ValueGeneratedNever();
        b.Property(c => c.Hash).HasMaxLength(64);
        b.Property(c => c.Signature).HasMaxLength(100);
    }
}
