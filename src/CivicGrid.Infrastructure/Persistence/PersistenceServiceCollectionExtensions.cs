using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Infrastructure.Persistence;

/// <summary>Registers the DbContext for the configured engine.</summary>
public static class PersistenceServiceCollectionExtensions
{
    public const string SqliteMigrationsAssembly = "CivicGrid.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "CivicGrid.Migrations.Postgres";

    /// <summary>
    /// Adds <see cref="CivicGridDbContext"/> (pooled) for SQLite or PostgreSQL; the engine and the
    /// connection string are read from the container when the first context is made.
    /// </summary>
    public static IServiceCollection AddCivicGridDatabase(this IServiceCollection services, Func<IServiceProvider, (DatabaseProvider Provider, string ConnectionString)> settings)
    {
        services.AddDbContextPool<CivicGridDbContext>((sp, o) =>
        {
            var (provider, connectionString) = settings(sp);
            Configure(o, provider, connectionString);
        });
        return services;
    }

    /// <summary>Configures options for an engine; also used by the design-time factories and the CLI.</summary>
    public static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            options.UseNpgsql(connectionString, o =>
            {
                o.UseNetTopologySuite();
                o.MigrationsAssembly(PostgresMigrationsAssembly);
            });
        }
        else
        {
            options.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly));
            options.AddInterceptors(new SqlitePragmaInterceptor());
        }
    }

    /// <summary>The SQLite connection string for a file in the data folder.</summary>
    public static string SqliteFileConnectionString(string dataDir) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDir, "civicgrid.db"),
            Cache = SqliteCacheMode.Default,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
}
