using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace CivicGrid.Infrastructure.Audit;

/// <summary>
/// Writes the audit trail as part of every save: an entry per created, changed or deleted record of
/// an audited type (<see cref="AuditedTypes"/>), plus the named entries code added explicitly
/// (sign-ins, reads of personal data). The entries are chained and inserted in the same
/// transaction as the change, so there is no change without its entry and no entry without its change.
/// </summary>
public sealed class AuditInterceptor(IAuditActorAccessor actors, TimeProvider clock) : SaveChangesInterceptor
{
    /// <summary>The records whose changes are audited: cases, users and the configuration that decides what happens to cases.</summary>
    public static IReadOnlySet<Type> AuditedTypes { get; } = new HashSet<Type>
    {
        typeof(Case), typeof(CaseAttachment), typeof(User), typeof(Department), typeof(Category),
        typeof(ResponsibilityRule), typeof(ResponsibilityGrid), typeof(TimeLimitRecord), typeof(CalendarDayRecord),
        typeof(ApiClient), typeof(Device), typeof(Domain.Telemetry.Rules.AlarmRule),
        typeof(Open311Submission), typeof(Open311Update),
    };

    /// <summary>Fields never written to the trail, only whether they changed.</summary>
    private static readonly HashSet<(Type, string)> Secrets =
    [
        (typeof(User), nameof(User.PasswordHash)),
        (typeof(ApiClient), nameof(ApiClient.KeyHash)),
        (typeof(Device), nameof(Device.TokenHash)),
    ];

    private const string Redacted = "[redacted]";
    private const string Savepoint = "civicgrid_audit";

    // What a save in progress added: the transaction this interceptor opened (when the caller had
    // none) and the entries it derived from changes, to finish or undo after the save.
    private readonly ConditionalWeakTable<DbContext, SaveState> _saves = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is CivicGridDbContext db && HasAuditedWork(db))
        {
            throw new InvalidOperationException("Audited changes must be saved with SaveChangesAsync.");
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not CivicGridDbContext db)
        {
            return result;
        }

        var (pending, derived) = Collect(db);
        if (pending.Count + derived.Count == 0)
        {
            return result;
        }

        var state = new SaveState(derived);
        _saves.AddOrUpdate(db, state);
        List<AuditEntry> entries = [.. pending, .. derived];
        var actor = actors.Current;
        var now = AuditChain.ToMicroseconds(clock.GetUtcNow());
        foreach (var e in entries)
        {
            e.At = now;
            if (e.ActorName.Length == 0)
            {
                e.ActorId = actor.UserId;
                e.ActorName = Cut(actor.Name, 100) ?? string.Empty;
                e.ActorRole = Cut(actor.Role, 32) ?? string.Empty;
            }

            e.ClientAddress = Cut(actor.ClientAddress, 64);
            e.CorrelationId = Cut(actor.CorrelationId, 100);
            e.TraceId = Cut(actor.TraceId, 64);
        }

        try
        {
            if (db.Database.CurrentTransaction is { } callers)
            {
                // In the caller's transaction, a failed save must take the chain head back with it.
                await callers.CreateSavepointAsync(Savepoint, cancellationToken);
                state.CallersTransaction = callers;
            }
            else
            {
                state.Transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            }

            await AuditChain.LinkAsync(db, entries, cancellationToken);
        }
        catch
        {
            await EndAsync(db, commit: false);
            throw;
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is CivicGridDbContext db)
        {
            await EndAsync(db, commit: true);
        }

        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        eventData.Context is CivicGridDbContext db ? EndAsync(db, commit: false) : Task.CompletedTask;

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        eventData.Context is CivicGridDbContext db ? EndAsync(db, commit: false) : Task.CompletedTask;

    /// <summary>
    /// Commits or rolls back the transaction this interceptor opened. Written entries leave the
    /// change tracker; after a failure the derived ones are dropped (the next save derives them
    /// again) and explicit ones go back to pending, so a retry appends afresh.
    /// </summary>
    private async Task EndAsync(DbContext db, bool commit)
    {
        if (!_saves.TryGetValue(db, out var state))
        {
            return;
        }

        _saves.Remove(db);
        try
        {
            if (state.CallersTransaction is { } callers)
            {
                if (commit)
                {
                    await callers.ReleaseSavepointAsync(Savepoint, CancellationToken.None);
                }
                else
                {
                    await callers.RollbackToSavepointAsync(Savepoint, CancellationToken.None);
                }
            }
            else if (state.Transaction is { } tx)
            {
                if (commit)
                {
                    await tx.CommitAsync(CancellationToken.None);
                }
                else
                {
                    await tx.RollbackAsync(CancellationToken.None);
                }
            }
        }
        finally
        {
            if (state.Transaction is not null)
            {
                await state.Transaction.DisposeAsync();
            }

            foreach (var entry in db.ChangeTracker.Entries<AuditEntry>().ToList())
            {
                if (commit || state.Derived.Contains(entry.Entity))
                {
                    entry.State = EntityState.Detached;
                }
                else
                {
                    entry.Entity.Sequence = 0;
                    entry.Entity.Hash = string.Empty;
                }
            }
        }
    }

    private sealed class SaveState(List<AuditEntry> derived)
    {
        public IDbContextTransaction? Transaction { get; set; }

        public IDbContextTransaction? CallersTransaction { get; set; }

        public List<AuditEntry> Derived { get; } = derived;
    }

    private static bool HasAuditedWork(CivicGridDbContext db)
    {
        var (pending, derived) = Collect(db);
        foreach (var d in derived)
        {
            db.Entry(d).State = EntityState.Detached;
        }

        return pending.Count + derived.Count > 0;
    }

    /// <summary>The pending explicit entries, and one new (tracked) entry per audited change.</summary>
    private static (List<AuditEntry> Pending, List<AuditEntry> Derived) Collect(CivicGridDbContext db)
    {
        db.ChangeTracker.DetectChanges();
        var pending = new List<AuditEntry>();
        var changes = new List<AuditEntry>();
        foreach (var entry in db.ChangeTracker.Entries())
        {
            if (entry.Entity is AuditEntry a)
            {
                if (entry.State == EntityState.Added && a.Hash.Length == 0)
                {
                    pending.Add(a);
                }

                continue;
            }

            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                && !entry.Metadata.IsOwned()
                && AuditedTypes.Contains(entry.Metadata.ClrType)
                && Describe(entry) is { } change)
            {
                changes.Add(change);
            }
        }

        foreach (var change in changes)
        {
            db.Add(change);
        }

        return (pending, changes);
    }

    private static AuditEntry? Describe(EntityEntry entry)
    {
        var type = entry.Metadata.ClrType;
        var before = entry.State is EntityState.Modified or EntityState.Deleted ? new SortedDictionary<string, object?>(StringComparer.Ordinal) : null;
        var after = entry.State is EntityState.Modified or EntityState.Added ? new SortedDictionary<string, object?>(StringComparer.Ordinal) : null;
        foreach (var p in entry.Properties)
        {
            var name = p.Metadata.Name;
            if (entry.State == EntityState.Modified && (!p.IsModified || Equals(p.OriginalValue, p.CurrentValue)))
            {
                continue;
            }

            before?.Add(name, Shown(type, name, p.OriginalValue));
            after?.Add(name, Shown(type, name, p.CurrentValue));
        }

        if (entry.State == EntityState.Modified && after!.Count == 0)
        {
            return null;
        }

        var key = entry.Metadata.FindPrimaryKey()!.Properties
            .Select(k => entry.Property(k.Name))
            .Select(p => p.IsTemporary ? null : Convert.ToString(p.CurrentValue, CultureInfo.InvariantCulture))
            .ToList();
        return new AuditEntry
        {
            Action = entry.State switch
            {
                EntityState.Added => AuditActions.Create,
                EntityState.Deleted => AuditActions.Delete,
                _ => AuditActions.Update,
            },
            EntityType = type.Name,
            EntityId = key.Any(k => k is null) ? null : string.Join("/", key),
            Before = before is null ? null : Json(before),
            After = after is null ? null : Json(after),
        };
    }

    private static object? Shown(Type type, string property, object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (Secrets.Contains((type, property)))
        {
            return Redacted;
        }

        if (PersonalDataFields.KindOf(type, property) is { } kind)
        {
            return PersonalDataMask.Mask(kind, value as string);
        }

        return value switch
        {
            string or bool or int or long or double or decimal or Guid => value,
            DateTimeOffset d => d.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            Enum e => e.ToString(),
            NetTopologySuite.Geometries.Geometry g => g.OgcGeometryType.ToString(),
            System.Collections.IEnumerable items => string.Join(",", items.Cast<object?>().Select(i => Convert.ToString(i, CultureInfo.InvariantCulture))),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
    }

    private static string Json(SortedDictionary<string, object?> values) =>
        JsonSerializer.Serialize(values, AuditJson);

    private static readonly JsonSerializerOptions AuditJson = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string? Cut(string? value, int max) =>
        value is null || value.Length <= max ? value : value[..max];
}

/// <summary>Adds the explicit audit entries: events that change no record (sign-ins, reads of personal data).</summary>
public static class AuditTrail
{
    /// <summary>
    /// Adds a named entry; it is numbered, attributed to the current actor and written by the next
    /// <c>SaveChangesAsync</c>, in its transaction.
    /// </summary>
    /// <param name="db">The context whose next save writes the entry.</param>
    /// <param name="action">What happened (<see cref="AuditActions"/>).</param>
    /// <param name="entityType">The record concerned, if any.</param>
    /// <param name="entityId">Its id.</param>
    /// <param name="details">Serialised as the entry's <c>after</c> JSON; never put personal data in it unmasked.</param>
    /// <param name="actor">Who acted, when the request is not (yet) signed in as them: a sign-in.</param>
    public static void Record(this CivicGridDbContext db, string action, string? entityType, string? entityId, object? details = null, AuditActor? actor = null)
    {
        db.Add(new AuditEntry
        {
            ActorId = actor?.UserId,
            ActorName = actor?.Name ?? string.Empty,
            ActorRole = actor?.Role ?? string.Empty,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            After = details is null ? null : JsonSerializer.Serialize(details, DetailsJson),
        });
    }

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
