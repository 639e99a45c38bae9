using CivicGrid.Domain.CityModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CivicGrid.Infrastructure.Persistence.Configurations;

internal sealed class StreetConfiguration : IEntityTypeConfiguration<Street>
{
    public void Configure(EntityTypeBuilder<Street> b)
    {
        b.ToTable("streets");
        b.HasKey(s => s.Code);
        b.Property(s => s.Code).HasMaxLength(9);
        b.Property(s => s.NameZh).HasMaxLength(50);
        b.Property(s => s.NameEn).HasMaxLength(100);
    }
}

internal sealed class CommunityConfiguration : IEntityTypeConfiguration<Community>
{
    public void Configure(EntityTypeBuilder<Community> b)
    {
        b.ToTable("communities");
        b.HasKey(s => s.Code);
        b.Property(s => s.Code).HasMaxLength(12);
        b.Property(s => s.StreetCode).HasMaxLength(9);
        b.Property(s => s.NameZh).HasMaxLength(50);
        b.Property(s => s.NameEn).HasMaxLength(100);
        b.HasOne<Street>().WithMany().HasForeignKey(c => c.StreetCode);
    }
}

internal sealed class UnitGridConfiguration : IEntityTypeConfiguration<UnitGrid>
{
    public void Configure(EntityTypeBuilder<UnitGrid> b)
    {
        b.ToTable("unit_grids");
        b.HasKey(s => s.Code);
        b.Property(s => s.Code).HasMaxLength(15);
        b.Property(s => s.CommunityCode).HasMaxLength(12);
        b.Property(s => s.StreetCode).HasMaxLength(9);
        b.HasOne<Community>().WithMany().HasForeignKey(c => c.CommunityCode);
        b.HasIndex(g => g.StreetCode);
        b.HasIndex(g => new { g.CentroidLongitude, g.CentroidLatitude });
    }
}

internal sealed class LandmarkConfiguration : IEntityTypeConfiguration<Landmark>
{
    public void Configure(EntityTypeBuilder<Landmark> b)
    {
        b.ToTable("landmarks");
        b.HasKey(l => l.Id);
        b.Property(l => l.NameZh).HasMaxLength(Landmark.MaxNameLength);
        b.Property(l => l.NameEn).HasMaxLength(Landmark.MaxNameLength * 2);
        b.PrimitiveCollection(l => l.Aliases);
        b.HasIndex(l => l.NameZh);
    }
}

internal sealed class ResponsibilityGridConfiguration : IEntityTypeConfiguration<ResponsibilityGrid>
{
    public void Configure(EntityTypeBuilder<ResponsibilityGrid> b)
    {
        b.ToTable("responsibility_grids");
        b.HasKey(r => r.Id);
        b.Property(r => r.Code).HasMaxLength(32);
        b.HasIndex(r => r.Code).IsUnique();
        b.Property(r => r.Name).HasMaxLength(100);
        b.HasMany(r => r.Members).WithOne().HasForeignKey(m => m.ResponsibilityGridId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ResponsibilityGridMemberConfiguration : IEntityTypeConfiguration<ResponsibilityGridMember>
{
    public void Configure(EntityTypeBuilder<ResponsibilityGridMember> b)
    {
        b.ToTable("responsibility_grid_members");
        b.HasKey(m => new { m.ResponsibilityGridId, m.GridCode });
        b.Property(m => m.GridCode).HasMaxLength(15);
        b.HasOne<UnitGrid>().WithMany().HasForeignKey(m => m.GridCode);
    }
}

internal sealed class CategoryConfiguration : IEntityTypeConfiguration<Category>
{
    public void Configure(EntityTypeBuilder<Category> b)
    {
        b.ToTable("categories");
        b.HasKey(c => new { c.Kind, c.Code });
        b.Property(c => c.Code).HasMaxLength(5);
        b.Ignore(c => c.MajorCode);
        b.Property(c => c.MajorNameZh).HasMaxLength(50);
        b.Property(c => c.MajorNameEn).HasMaxLength(100);
        b.Property(c => c.NameZh).HasMaxLength(50);
        b.Property(c => c.NameEn).HasMaxLength(120);
        b.Property(c => c.Standard).HasMaxLength(32);
    }
}

internal sealed class DepartmentConfiguration : IEntityTypeConfiguration<Department>
{
    public void Configure(EntityTypeBuilder<Department> b)
    {
        b.ToTable("departments");
        b.HasKey(d => d.Id);
        b.Property(d => d.Code).HasMaxLength(32);
        b.HasIndex(d => d.Code).IsUnique();
        b.Property(d => d.NameZh).HasMaxLength(100);
        b.Property(d => d.NameEn).HasMaxLength(150);
        b.Property(d => d.Kind).HasMaxLength(16);
    }
}

internal sealed class ResponsibilityRuleConfiguration : IEntityTypeConfiguration<ResponsibilityRule>
{
    public void Configure(EntityTypeBuilder<ResponsibilityRule> b)
    {
        b.ToTable("responsibility_rules");
        b.HasKey(r => r.Id);
        b.Property(r => r.CategoryCode).HasMaxLength(5);
        b.Property(r => r.StreetCode).HasMaxLength(9);
        b.HasIndex(r => new { r.CategoryCode, r.StreetCode }).IsUnique();
        b.HasOne<Department>().WithMany().HasForeignKey(r => r.DepartmentId);
    }
}

internal sealed class ComponentConfiguration : IEntityTypeConfiguration<Component>
{
    public void Configure(EntityTypeBuilder<Component> b)
    {
        b.ToTable("components");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(17);
        b.Property(c => c.CategoryCode).HasMaxLength(5);
        b.Property(c => c.Name).HasMaxLength(30);
        b.Property(c => c.GridCode).HasMaxLength(15);
        b.HasIndex(c => c.GridCode);
        b.HasIndex(c => new { c.Longitude, c.Latitude });
        b.HasOne<UnitGrid>().WithMany().HasForeignKey(c => c.GridCode);
        b.HasOne<Department>().WithMany().HasForeignKey(c => c.OwnerDepartmentId);
    }
}
