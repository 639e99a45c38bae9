using System.Text.Json;
using System.Text.Json.Serialization;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Privacy;
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

    public DbSet<Landmark> Landmarks => Set<Landmark>();

    public DbSet<User> Users => Set<User>();

    public DbSet<CalendarDayRecord> CalendarDays => Set<CalendarDayRecord>();

    public DbSet<TimeLimitRecord> TimeLimits => Set<TimeLimitRecord>();

    public DbSet<CaseNumberSequence> CaseNumberSequences => Set<CaseNumberSequence>();

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();

    public DbSet<CaseReporter> CaseReporters => Set<CaseReporter>();

    public DbSet<CitizenNoticeRecord> CitizenNotices => Set<CitizenNoticeRecord>();

    public DbSet<NotificationDeliveryRecord> NotificationDeliveries => Set<NotificationDeliveryRecord>();

    public DbSet<IntakeClassification> IntakeClassifications => Set<IntakeClassification>();

    public DbSet<WeChatConversation> WeChatConversations => Set<WeChatConversation>();

    public DbSet<WeChatInboundMessage> WeChatInboundMessages => Set<WeChatInboundMessage>();

    public DbSet<RevokedSession> RevokedSessions => Set<RevokedSession>();

    public DbSet<SecurityAlert> SecurityAlerts => Set<SecurityAlert>();

    public DbSet<Device> Devices => Set<Device>();

    public DbSet<TelemetryReadingRecord> TelemetryReadings => Set<TelemetryReadingRecord>();

    public DbSet<TelemetryDeadLetterRecord> TelemetryDeadLetters => Set<TelemetryDeadLetterRecord>();

    public DbSet<TelemetryRollupRecord> TelemetryRollups => Set<TelemetryRollupRecord>();

    public DbSet<Domain.Telemetry.Rules.AlarmRule> AlarmRules => Set<Domain.Telemetry.Rules.AlarmRule>();

    public DbSet<Alarm> Alarms => Set<Alarm>();

    public DbSet<AlarmHistoryEntry> AlarmHistory => Set<AlarmHistoryEntry>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<AuditChainHead> AuditChainHead => Set<AuditChainHead>();

    public DbSet<AuditCheckpoint> AuditCheckpoints => Set<AuditCheckpoint>();

    /// <summary>Encrypts the personal data fields and computes blind indexes (from the context's options).</summary>
    public IPersonalDataCipher PersonalDataCipher => CivicGridModelCacheKeyFactory.CipherOf(this);

    /// <summary>The blind index of a phone number, to find the records of one person without decrypting them all.</summary>
    public string PhoneIndex(string phone) => PersonalDataCipher.BlindIndex(PersonalDataMask.NormalizePhone(phone));

    private static readonly JsonSerializerOptions OutboxJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>True on SQLite, where instants are stored as UTC ticks and geometries as WKB.</summary>
    public bool IsSqlite => Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>
    /// Saves, first moving the events the cases raised into the outbox in the same transaction,
    /// with a citizen notice for each change the reporters are told about.
    /// </summary>
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
                if (Domain.Cases.CitizenNotices.For(e) is { } kind)
                {
                    CitizenNotices.Add(new CitizenNoticeRecord
                    {
                        CaseId = e.CaseId,
                        Kind = kind.ToString(),
                        Reason = kind == NoticeKind.Rejected && e is CaseTransitioned t ? t.Note : null,
                        CreatedAt = e.At,
                        NextAttemptAt = e.At,
                    });
                }
            }

            entry.Entity.ClearEvents();
        }

        UpdatePhoneIndexes();

        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>Keeps the blind indexes of phone numbers in step with the (encrypted) numbers.</summary>
    private void UpdatePhoneIndexes()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            var phone = entry.Entity switch
            {
                Case => nameof(Case.ReporterPhone),
                CaseReporter => nameof(CaseReporter.ReporterPhone),
                Open311Update => nameof(Open311Update.Phone),
                _ => null,
            };
            if (phone is null || entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            var number = entry.Property(phone);
            if (entry.State == EntityState.Added || number.IsModified)
            {
                var index = entry.Entity is Open311Update ? PersonalDataFields.UpdatePhoneIndex : PersonalDataFields.CasePhoneIndex;
                entry.Property(index).CurrentValue = number.CurrentValue is string p && PersonalDataMask.NormalizePhone(p).Length > 0 ? PhoneIndex(p) : null;
            }
        }
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

        // Personal data is encrypted at rest; the rest of the code reads and writes plain strings.
        var cipher = PersonalDataCipher;
        foreach (var field in PersonalDataFields.All)
        {
            modelBuilder.Entity(field.Entity).Property(field.Property)
                .HasConversion(new EncryptedStringConverter(cipher))
                .HasMaxLength(PersonalDataFields.StoredLength);
        }

        modelBuilder.Entity<Case>().Property<string>(PersonalDataFields.CasePhoneIndex).HasMaxLength(64);
        modelBuilder.Entity<Case>().HasIndex(PersonalDataFields.CasePhoneIndex);
        modelBuilder.Entity<CaseReporter>().Property<string>(PersonalDataFields.CasePhoneIndex).HasMaxLength(64);
        modelBuilder.Entity<CaseReporter>().HasIndex(PersonalDataFields.CasePhoneIndex);
        modelBuilder.Entity<Open311Update>().Property<string>(PersonalDataFields.UpdatePhoneIndex).HasMaxLength(64);
        modelBuilder.Entity<Open311Update>().HasIndex(PersonalDataFields.UpdatePhoneIndex);
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
