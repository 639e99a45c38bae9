using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Sla;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CivicGrid.Infrastructure.Persistence.Configurations;

internal sealed class CaseConfiguration : IEntityTypeConfiguration<Case>
{
    public void Configure(EntityTypeBuilder<Case> b)
    {
        b.ToTable("cases");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Number).HasMaxLength(20);
        b.HasIndex(c => c.Number).IsUnique();
        b.Property(c => c.TrackingCode).HasMaxLength(12);
        b.HasIndex(c => c.TrackingCode).IsUnique();
        b.Property(c => c.Description).HasMaxLength(4000);
        b.Property(c => c.CategoryCode).HasMaxLength(5);
        b.Property(c => c.Address).HasMaxLength(256);
        b.Property(c => c.GridCode).HasMaxLength(15);
        b.Property(c => c.CommunityCode).HasMaxLength(12);
        b.Property(c => c.StreetCode).HasMaxLength(9);
        b.Property(c => c.ComponentId).HasMaxLength(17);
        b.Property(c => c.ReporterName).HasMaxLength(100);
        b.Property(c => c.ReporterPhone).HasMaxLength(40);
        b.Property(c => c.Version).IsConcurrencyToken();
        b.Property(c => c.RequestedExtension).HasConversion(
            v => v.HasValue ? v.Value.ToInvariantString() : null,
            v => v == null ? null : TimeLimit.Parse(v)).HasMaxLength(40);
        b.Ignore(c => c.Events);

        b.HasMany(c => c.History).WithOne().HasForeignKey(h => h.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(c => c.History).HasField("_history").UsePropertyAccessMode(PropertyAccessMode.Field);

        b.OwnsMany(c => c.Stages, s =>
        {
            s.ToTable("case_stages");
            s.WithOwner().HasForeignKey("CaseId");
            s.Property<int>("Id");
            s.HasKey("Id");
            s.Property(x => x.Stage).HasConversion<string>().HasMaxLength(16);
            s.Property(x => x.Limit).HasConversion(v => v.ToInvariantString(), v => TimeLimit.Parse(v)).HasMaxLength(40);
            s.Property(x => x.ExtendedBy).HasPrecision(10, 2);
            s.Property(x => x.PausedAmount).HasPrecision(12, 4);
        });
        b.Navigation(c => c.Stages).HasField("_stages").UsePropertyAccessMode(PropertyAccessMode.Field);

        // 协办: the supporting departments of a case; the data scope looks cases up by department.
        b.OwnsMany(c => c.CoHandling, p =>
        {
            p.ToTable("case_co_handling");
            p.WithOwner().HasForeignKey("CaseId");
            p.Property<int>("Id");
            p.HasKey("Id");
            p.Property(x => x.DoneByName).HasMaxLength(100);
            p.Property(x => x.Result).HasMaxLength(4000);
            p.HasIndex(x => x.DepartmentId);
        });
        b.Navigation(c => c.CoHandling).HasField("_coHandling").UsePropertyAccessMode(PropertyAccessMode.Field);

        // The list filters of GET /api/v1/cases.
        b.HasIndex(c => new { c.Status, c.ReportedAt });
        b.HasIndex(c => new { c.CategoryCode, c.ReportedAt });
        b.HasIndex(c => new { c.DepartmentId, c.Status });
        b.HasIndex(c => new { c.AssigneeId, c.Status });
        b.HasIndex(c => new { c.GridCode, c.ReportedAt });
        b.HasIndex(c => new { c.StreetCode, c.ReportedAt });
        b.HasIndex(c => c.ReportedAt);
        b.HasIndex(c => c.CurrentDueAt);
        b.HasIndex(c => new { c.Longitude, c.Latitude });
        // Duplicate lookup (open cases near a position): the few open cases first, then the position box.
        b.HasIndex(c => new { c.Status, c.Longitude, c.Latitude });
    }
}

internal sealed class CaseHistoryConfiguration : IEntityTypeConfiguration<CaseHistoryEntry>
{
    public void Configure(EntityTypeBuilder<CaseHistoryEntry> b)
    {
        b.ToTable("case_history");
        b.HasKey(h => h.Id);
        b.Property(h => h.Action).HasMaxLength(32);
        b.Property(h => h.ActorName).HasMaxLength(100);
        b.Property(h => h.Note).HasMaxLength(2000);
        b.HasIndex(h => new { h.CaseId, h.Sequence }).IsUnique();
        b.HasIndex(h => h.At);
    }
}

internal sealed class CaseAttachmentConfiguration : IEntityTypeConfiguration<CaseAttachment>
{
    public void Configure(EntityTypeBuilder<CaseAttachment> b)
    {
        b.ToTable("case_attachments");
        b.HasKey(a => a.Id);
        b.Property(a => a.FileName).HasMaxLength(200);
        b.Property(a => a.ContentType).HasMaxLength(100);
        b.Property(a => a.Sha256).HasMaxLength(64);
        b.Property(a => a.StorageKey).HasMaxLength(200);
        b.HasIndex(a => a.CaseId);
        b.HasOne<Case>().WithMany().HasForeignKey(a => a.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}
