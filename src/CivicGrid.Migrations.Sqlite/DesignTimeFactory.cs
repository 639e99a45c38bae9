using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CivicGrid.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model for SQLite.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<CivicGridDbContext>
{
    public CivicGridDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<CivicGridDbContext>();
        PersistenceServiceCollectionExtensions.Configure(options, DatabaseProvider.Sqlite, "Data Source=design-time.db");
        return new CivicGridDbContext(options.Options);
    }
}
