using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Privacy;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
    /// <remarks>
    /// Every context writes the audit trail (<see cref="AuditInterceptor"/>, attributed by the
    /// registered <see cref="IAuditActorAccessor"/>) and encrypts personal data with the registered
    /// <see cref="IPersonalDataCipher"/>.
    /// </remarks>
    public static IServiceCollection AddCivicGridDatabase(this IServiceCollection services, Func<IServiceProvider, (DatabaseProvider Provider, string ConnectionString)> settings)
    {
        services.TryAddSingleton<IAuditActorAccessor, SystemAuditActorAccessor>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AuditInterceptor>();
        services.AddDbContextPool<CivicGridDbContext>((sp, o) =>
        {
            var (provider, connectionString) = settings(sp);
            Configure(o, provider, connectionString);
            o.AddInterceptors(sp.GetRequiredService<AuditInterceptor>());
            o.UsePersonalDataCipher(sp.GetRequiredService<IPersonalDataCipher>());
        });
        return services;
    }

    /// <summary>Encrypts personal data fields with <paramref name="cipher"/> (the model is built once per cipher).</summary>
    public static DbContextOptionsBuilder UsePersonalDataCipher(this DbContextOptionsBuilder options, IPersonalDataCipher cipher)
    {
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new PersonalDataOptionsExtension(cipher));
        return options;
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

            // telemetry_readings is created range-partitioned on its timestamp (ADR 0007).
            options.ReplaceService<IMigrationsSqlGenerator, PartitioningMigrationsSqlGenerator>();
        }
        else
        {
            options.UseSqlite(connectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly));
            options.AddInterceptors(new SqlitePragmaInterceptor());
        }

        options.ReplaceService<IModelCacheKeyFactory, CivicGridModelCacheKeyFactory>();
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
