using CivicGrid.Domain.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CivicGrid.Infrastructure.Persistence.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.HasKey(u => u.Id);
        b.Property(u => u.UserName).HasMaxLength(64);
        b.HasIndex(u => u.UserName).IsUnique();
        b.Property(u => u.DisplayName).HasMaxLength(100);
        b.Property(u => u.PasswordHash).HasMaxLength(200);
        b.Property(u => u.SecurityStamp).HasMaxLength(64);
        b.Property(u => u.TotpSecret).HasMaxLength(500);
        b.Property(u => u.RecoveryCodeHashes).HasMaxLength(1000);
        b.Property(u => u.DistrictCode).HasMaxLength(6);
    }
}

internal sealed class CalendarDayConfiguration : IEntityTypeConfiguration<CalendarDayRecord>
{
    public void Configure(EntityTypeBuilder<CalendarDayRecord> b)
    {
        b.ToTable("calendar_days");
        b.HasKey(d => d.Date);
        b.Property(d => d.Kind).HasMaxLength(16);
        b.Property(d => d.Name).HasMaxLength(50);
    }
}

internal sealed class TimeLimitConfiguration : IEntityTypeConfiguration<TimeLimitRecord>
{
    public void Configure(EntityTypeBuilder<TimeLimitRecord> b)
    {
        b.ToTable("time_limits");
        b.HasKey(t => t.Id);
        b.Property(t => t.CategoryCode).HasMaxLength(5);
        b.Property(t => t.Urgency).HasMaxLength(16);
        b.Property(t => t.Stage).HasMaxLength(16);
        b.Property(t => t.Unit).HasMaxLength(32);
        b.Property(t => t.Value).HasPrecision(10, 2);
        b.HasIndex(t => new { t.CategoryCode, t.Urgency, t.Stage }).IsUnique();
    }
}

internal sealed class CaseNumberSequenceConfiguration : IEntityTypeConfiguration<CaseNumberSequence>
{
    public void Configure(EntityTypeBuilder<CaseNumberSequence> b)
    {
        b.ToTable("case_number_sequences");
        b.HasKey(s => s.Year);
        b.Property(s => s.Year).ValueGeneratedNever();
    }
}

internal sealed class IdempotencyConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("idempotency_records");
        b.HasKey(r => r.Key);
        b.Property(r => r.Key).HasMaxLength(200);
        b.Property(r => r.RequestHash).HasMaxLength(64);
        b.Property(r => r.Location).HasMaxLength(300);
        b.HasIndex(r => r.CreatedAt);
    }
}

internal sealed class OutboxConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox");
        b.HasKey(m => m.Id);
        b.Property(m => m.Id).ValueGeneratedOnAdd();
        b.HasIndex(m => m.CreatedAt);
        b.Property(m => m.Type).HasMaxLength(100);
        b.HasIndex(m => m.ProcessedAt);
    }
}

internal sealed class RevokedSessionConfiguration : IEntityTypeConfiguration<RevokedSession>
{
    public void Configure(EntityTypeBuilder<RevokedSession> b)
    {
        b.ToTable("revoked_sessions");
        b.HasKey(r => r.SessionId);
        b.Property(r => r.SessionId).HasMaxLength(64);
        b.HasIndex(r => r.ExpiresAt);
    }
}

internal sealed class SecurityAlertConfiguration : IEntityTypeConfiguration<SecurityAlert>
{
    public void Configure(EntityTypeBuilder<SecurityAlert> b)
    {
        b.ToTable("security_alerts");
        b.HasKey(a => a.Id);
        b.Property(a => a.Kind).HasMaxLength(40);
        b.Property(a => a.Subject).HasMaxLength(200);
        b.Property(a => a.Detail).HasMaxLength(500);
        b.HasIndex(a => a.RaisedAt);
        b.HasIndex(a => new { a.Kind, a.Subject, a.RaisedAt });
    }
}
