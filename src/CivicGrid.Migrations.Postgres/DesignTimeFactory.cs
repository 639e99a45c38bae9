using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CivicGrid.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for PostgreSQL + PostGIS.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CivicGridDbContext>
{
    public CivicGridDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CivicGridDbContext>();
        PersistenceServiceCollectionExtensions.Configure(options, DatabaseProvider.Postgres, "Host=localhost;Database=civicgrid_design");
        return new CivicGridDbContext(options.Options);
    }
}
