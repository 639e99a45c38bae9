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
