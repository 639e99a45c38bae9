using CivicGrid.Domain.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CivicGrid.Infrastructure.Persistence.Configurations;

internal sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> b)
    {
        b.ToTable("devices");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).HasMaxLength(Device.MaxIdLength).ValueGeneratedNever();
        b.Property(d => d.Type).HasMaxLength(32);
        b.Property(d => d.Name).HasMaxLength(100);
        b.Property(d => d.GridCode).HasMaxLength(15);
        b.Property(d => d.CommunityCode).HasMaxLength(12);
        b.Property(d => d.StreetCode).HasMaxLength(9);
        b.Property(d => d.ComponentId).HasMaxLength(17);
        b.Property(d => d.TokenHash).HasMaxLength(64);
        b.Property(d => d.Version).IsConcurrencyToken();
        b.HasIndex(d => d.TokenHash).IsUnique();
        b.HasIndex(d => new { d.Type, d.State });
        b.HasIndex(d => d.GridCode);
        b.HasIndex(d => d.CommunityCode);
        b.HasIndex(d => d.ComponentId);
        b.HasIndex(d => new { d.State, d.LastSeenAt });
    }
}

internal sealed class TelemetryReadingConfiguration : IEntityTypeConfiguration<TelemetryReadingRecord>
{
    public void Configure(EntityTypeBuilder<TelemetryReadingRecord> b)
    {
        b.ToTable("telemetry_readings");
        b.HasKey(r => new { r.DeviceId, r.Name, r.Ts });
        b.Property(r => r.DeviceId).HasMaxLength(Device.MaxIdLength);
        b.Property(r => r.Name).HasMaxLength(32);
        b.Property(r => r.Raw).HasMaxLength(16);

        // Retention deletes by time; on PostgreSQL a BRIN index suits an append-mostly, time-ordered table.
        b.HasIndex(r => r.Ts).HasMethod("brin");
    }
}

internal sealed class TelemetryRollupConfiguration : IEntityTypeConfiguration<TelemetryRollupRecord>
{
    public void Configure(EntityTypeBuilder<TelemetryRollupRecord> b)
    {
        b.ToTable("telemetry_rollups");
        b.HasKey(r => new { r.DeviceId, r.Name, r.BucketSeconds, r.BucketStart });
        b.Property(r => r.DeviceId).HasMaxLength(Device.MaxIdLength);
        b.Property(r => r.Name).HasMaxLength(32);

        // Retention deletes one resolution by age.
        b.HasIndex(r => new { r.BucketSeconds, r.BucketStart });
    }
}

internal sealed class TelemetryDeadLetterConfiguration : IEntityTypeConfiguration<TelemetryDeadLetterRecord>
{
    public void Configure(EntityTypeBuilder<TelemetryDeadLetterRecord> b)
    {
        b.ToTable("telemetry_dead_letters");
        b.HasKey(r => r.Id);
        b.Property(r => r.DeviceId).HasMaxLength(Device.MaxIdLength);
        b.Property(r => r.Channel).HasMaxLength(8);
        b.Property(r => r.Topic).HasMaxLength(200);
        b.Property(r => r.Reason).HasMaxLength(32);
        b.Property(r => r.Field).HasMaxLength(100);
        b.Property(r => r.Message).HasMaxLength(500);
        b.HasIndex(r => new { r.DeviceId, r.ReceivedAt });
        b.HasIndex(r => r.ReceivedAt);
    }
}

internal sealed class AlarmRuleConfiguration : IEntityTypeConfiguration<Domain.Telemetry.Rules.AlarmRule>
{
    public void Configure(EntityTypeBuilder<Domain.Telemetry.Rules.AlarmRule> b)
    {
        b.ToTable("alarm_rules");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedNever();
        b.Property(r => r.Name).HasMaxLength(100);
        b.HasIndex(r => r.Name);
        b.Property(r => r.DeviceType).HasMaxLength(32);
        b.HasIndex(r => new { r.Enabled, r.DeviceType });
        b.Property(r => r.Version).IsConcurrencyToken();

        // The definition is the rule as data: stored as its JSON document, exactly as exported.
        b.Property(r => r.Definition).HasConversion(
            d => Domain.Telemetry.Rules.RuleJson.Serialize(d),
            s => Domain.Telemetry.Rules.RuleJson.Deserialize(s));
    }
}

internal sealed class AlarmConfiguration : IEntityTypeConfiguration<Alarm>
{
    public void Configure(EntityTypeBuilder<Alarm> b)
    {
        b.ToTable("alarms");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).ValueGeneratedNever();
        b.Property(a => a.RuleName).HasMaxLength(100);
        b.Property(a => a.SubjectKey).HasMaxLength(80);
        b.Property(a => a.DeviceId).HasMaxLength(Device.MaxIdLength);
        b.Property(a => a.DeviceType).HasMaxLength(32);
        b.Property(a => a.GridCode).HasMaxLength(15);
        b.Property(a => a.CommunityCode).HasMaxLength(12);
        b.Property(a => a.StreetCode).HasMaxLength(9);
        b.Property(a => a.Message).HasMaxLength(500);
        b.Property(a => a.AcknowledgedBy).HasMaxLength(100);
        b.Property(a => a.ClearedBy).HasMaxLength(100);
        b.Property(a => a.CaseNumber).HasMaxLength(20);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.Ignore(a => a.IsOpen);

        // One open alarm per rule and subject, enforced by the database on both engines.
        b.HasIndex(a => new { a.RuleId, a.SubjectKey }).IsUnique().HasFilter("\"State\" <> 'Cleared'");
        b.HasIndex(a => new { a.State, a.RaisedAt });
        b.HasIndex(a => new { a.DeviceId, a.RaisedAt });
        b.HasIndex(a => new { a.RuleId, a.RaisedAt });
        b.HasIndex(a => new { a.CommunityCode, a.RaisedAt });
        b.HasIndex(a => a.RaisedAt);
        b.HasIndex(a => a.CaseId);

        b.HasMany(a => a.History).WithOne().HasForeignKey(h => h.AlarmId).OnDelete(DeleteBehavior.Cascade);
        b.Navigation(a => a.History).HasField("_history").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class AlarmHistoryConfiguration : IEntityTypeConfiguration<AlarmHistoryEntry>
{
    public void Configure(EntityTypeBuilder<AlarmHistoryEntry> b)
    {
        b.ToTable("alarm_history");
        b.HasKey(h => h.Id);
        b.Property(h => h.Action).HasMaxLength(32);
        b.Property(h => h.ActorName).HasMaxLength(100);
        b.Property(h => h.Note).HasMaxLength(500);
        b.HasIndex(h => new { h.AlarmId, h.Sequence }).IsUnique();
    }
}
