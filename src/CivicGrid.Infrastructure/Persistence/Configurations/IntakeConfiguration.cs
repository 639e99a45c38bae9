using CivicGrid.Domain.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CivicGrid.Infrastructure.Persistence.Configurations;

internal sealed class CaseReporterConfiguration : IEntityTypeConfiguration<CaseReporter>
{
    public void Configure(EntityTypeBuilder<CaseReporter> b)
    {
        b.ToTable("case_reporters");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.ReporterName).HasMaxLength(100);
        b.Property(r => r.ReporterPhone).HasMaxLength(40);
        b.Property(r => r.ReporterEmail).HasMaxLength(254);
        b.Property(r => r.ReporterWeChatOpenId).HasMaxLength(64);
        b.Property(r => r.Language).HasMaxLength(8);
        b.Property(r => r.SecretHash).HasMaxLength(64);
        b.Property(r => r.RatingComment).HasMaxLength(1000);
        b.HasIndex(r => r.CaseId);
        b.HasOne<Case>().WithMany().HasForeignKey(r => r.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CitizenNoticeConfiguration : IEntityTypeConfiguration<CitizenNoticeRecord>
{
    public void Configure(EntityTypeBuilder<CitizenNoticeRecord> b)
    {
        b.ToTable("citizen_notices");
        b.HasKey(n => n.Id);
        b.Property(n => n.Id).ValueGeneratedNever();
        b.Property(n => n.Kind).HasMaxLength(16);
        b.Property(n => n.Reason).HasMaxLength(2000);
        b.Property(n => n.LastError).HasMaxLength(500);
        b.HasIndex(n => new { n.DeliveredAt, n.NextAttemptAt });
        b.HasIndex(n => n.CaseId);
    }
}

internal sealed class NotificationDeliveryConfiguration : IEntityTypeConfiguration<NotificationDeliveryRecord>
{
    public void Configure(EntityTypeBuilder<NotificationDeliveryRecord> b)
    {
        b.ToTable("notification_deliveries");
        b.HasKey(d => d.Id);
        b.Property(d => d.Channel).HasMaxLength(16);
        b.HasIndex(d => new { d.NoticeId, d.ReporterId, d.Channel }).IsUnique();
    }
}

internal sealed class IntakeClassificationConfiguration : IEntityTypeConfiguration<IntakeClassification>
{
    public void Configure(EntityTypeBuilder<IntakeClassification> b)
    {
        b.ToTable("intake_classifications");
        b.HasKey(c => c.CaseId);
        b.Property(c => c.SuggestionsJson).HasMaxLength(2000);
        b.Property(c => c.SuggestedCategoryCode).HasMaxLength(5);
        b.Property(c => c.ChosenCategoryCode).HasMaxLength(5);
        b.Property(c => c.Model).HasMaxLength(300);
        b.Property(c => c.Outcome).HasConversion<string>().HasMaxLength(16);

        // The operator queue: queued rows, oldest first.
        b.HasIndex(c => new { c.Outcome, c.ClassifiedAt });
        b.HasOne<Case>().WithOne().HasForeignKey<IntakeClassification>(c => c.CaseId).OnDelete(DeleteBehavior.Cascade);
    }
}
