namespace CivicGrid.Infrastructure.Persistence;

/// <summary>Which engine holds the system of record.</summary>
public enum DatabaseProvider
{
    /// <summary>An SQLite file in the data folder (embedded mode, the default).</summary>
    Sqlite,
    /// <summary>PostgreSQL 15 with PostGIS (production).</summary>
    Postgres,
}

/// <summary>Database settings (section <c>Database</c>).</summary>
public sealed class PersistenceOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>The connection string; for SQLite, empty means <c>civicgrid.db</c> in the data folder.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply migrations at start; null means yes on SQLite (embedded) and no on PostgreSQL (run <c>civicgrid migrate</c>).</summary>
    public bool? MigrateOnStart { get; set; }
}
