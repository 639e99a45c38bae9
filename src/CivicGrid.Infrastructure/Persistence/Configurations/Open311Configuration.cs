using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CivicGrid.Infrastructure.Persistence.Configurations;

internal sealed class ApiClientConfiguration : IEntityTypeConfiguration<ApiClient>
{
    public void Configure(EntityTypeBuilder<ApiClient> b)
    {
        b.ToTable("api_clients");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.Property(c => c.Name).HasMaxLength(100);
        b.Property(c => c.KeyPrefix).HasMaxLength(16);
        b.Property(c => c.KeyHash).HasMaxLength(64);
        b.HasIndex(c => c.KeyPrefix);
        b.HasIndex(c => c.KeyHash).IsUnique();
    }
}

internal sealed class Open311SubmissionConfiguration : IEntityTypeConfiguration<Open311Submission>
{
    public void Configure(EntityTypeBuilder<Open311Submission> b)
    {
        b.ToTable("open311_submissions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.HasIndex(s => s.CaseId).IsUnique();
        b.HasIndex(s => new { s.ApiClientId, s.IdempotencyKey }).IsUnique();
        b.Property(s => s.JurisdictionId).HasMaxLength(100);
        b.Property(s => s.IdempotencyKey).HasMaxLength(100);
        b.Property(s => s.Email).HasMaxLength(254);
        b.Property(s => s.DeviceId).HasMaxLength(100);
        b.Property(s => s.AccountId).HasMaxLength(100);
        b.Property(s => s.MediaUrl).HasMaxLength(1000);
        b.Property(s => s.AttributesJson).HasMaxLength(8000);
        b.Property(s => s.CoordinateSystem).HasMaxLength(8);
        b.HasOne<Domain.Cases.Case>().WithMany().HasForeignKey(s => s.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ApiClient>().WithMany().HasForeignKey(s => s.ApiClientId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class Open311UpdateConfiguration : IEntityTypeConfiguration<Open311Update>
{
    public void Configure(EntityTypeBuilder<Open311Update> b)
    {
        b.ToTable("open311_updates");
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).ValueGeneratedOnAdd();
        b.HasIndex(u => new { u.ApiClientId, u.ExternalId }).IsUnique();
        b.HasIndex(u => new { u.CaseId, u.ReceivedAt });
        b.Property(u => u.ExternalId).HasMaxLength(100);
        b.Property(u => u.Status).HasMaxLength(40);
        b.Property(u => u.Description).HasMaxLength(4000);
        b.Property(u => u.Email).HasMaxLength(254);
        b.Property(u => u.Phone).HasMaxLength(40);
        b.Property(u => u.FirstName).HasMaxLength(100);
        b.Property(u => u.LastName).HasMaxLength(100);
        b.Property(u => u.MediaUrl).HasMaxLength(1000);
        b.HasOne<Domain.Cases.Case>().WithMany().HasForeignKey(u => u.CaseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<ApiClient>().WithMany().HasForeignKey(u => u.ApiClientId).OnDelete(DeleteBehavior.Restrict);
    }
}
