using System.Text.Json;
using System.Text.Json.Serialization;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace CivicGrid.Infrastructure.Persistence;

/// <summary>The system of record, on SQLite (embedded) or PostgreSQL + PostGIS (production).</summary>
public sealed class CivicGridDbContext(DbContextOptions<CivicGridDbContext> options) : DbContext(options)
{
    public DbSet<Case> Cases => Set<Case>();

    public DbSet<CaseHistoryEntry> CaseHistory => Set<CaseHistoryEntry>();

    public DbSet<CaseAttachment> CaseAttachments => Set<CaseAttachment>();

    public DbSet<Category> Categories => Set<Category>();

    public DbSet<Department> Departments => Set<Department>();

    public DbSet<ResponsibilityRule> ResponsibilityRules => Set<ResponsibilityRule>();

    public DbSet<Street> Streets => Set<Street>();

    public DbSet<Community> Communities => Set<Community>();

    public DbSet<UnitGrid> UnitGrids => Set<UnitGrid>();

    public DbSet<ResponsibilityGrid> ResponsibilityGrids => Set<ResponsibilityGrid>();

    public DbSet<Component> Components => Set<Component>();

    public DbSet<User> Users => Set<User>();

    public DbSet<CalendarDayRecord> CalendarDays => Set<CalendarDayRecord>();

    public DbSet<TimeLimitRecord> TimeLimits => Set<TimeLimitRecord>();

    public DbSet<CaseNumberSequence> CaseNumberSequences => Set<CaseNumberSequence>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<Device> Devices => Set<Device>();

    public DbSet<TelemetryReadingRecord> TelemetryReadings => Set<TelemetryReadingRecord>();

    public DbSet<TelemetryDeadLetterRecord> TelemetryDeadLetters => Set<TelemetryDeadLetterRecord>();

    public DbSet<TelemetryRollupRecord> TelemetryRollups => Set<TelemetryRollupRecord>();

    public DbSet<Domain.Telemetry.Rules.AlarmRule> AlarmRules => Set<Domain.Telemetry.Rules.AlarmRule>();

    public DbSet<Alarm> Alarms => Set<Alarm>();

    public DbSet<AlarmHistoryEntry> AlarmHistory => Set<AlarmHistoryEntry>();

    private static readonly JsonSerializerOptions OutboxJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>True on SQLite, where instants are stored as UTC ticks and geometries as WKB.</summary>
    public bool IsSqlite => Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>Saves, first moving the events the cases raised into the outbox in the same transaction.</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        foreach (var entry in ChangeTracker.Entries<Case>().ToList())
        {
            foreach (var e in entry.Entity.Events)
            {
                Outbox.Add(new OutboxMessage
                {
                    Type = e.GetType().Name,
                    Payload = JsonSerializer.Serialize(e, e.GetType(), OutboxJson),
                    CreatedAt = e.At,
                });
            }

            entry.Entity.ClearEvents();
        }

        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        if (IsSqlite)
        {
            // SQLite has no instant type: UTC ticks keep comparisons and ORDER BY in SQL.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
            configurationBuilder.Properties<Geometry>().HaveConversion<WkbConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CivicGridDbContext).Assembly);
        if (!IsSqlite)
        {
            modelBuilder.HasPostgresExtension("postgis");
        }
    }

    /// <summary>Stores an instant as UTC ticks (SQLite).</summary>
    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));

    /// <summary>Stores a geometry as WKB (SQLite without SpatiaLite; spatial queries run on an in-memory index).</summary>
    private sealed class WkbConverter() : ValueConverter<Geometry, byte[]>(
        v => new WKBWriter().Write(v),
        v => new WKBReader().Read(v));
}
