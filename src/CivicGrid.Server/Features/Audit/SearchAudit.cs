using System.Globalization;
using System.Text;
using CivicGrid.Domain.Common;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Audit;

/// <summary>One audit entry as the auditor sees it.</summary>
public sealed record AuditEntryDto(
    long Sequence,
    DateTimeOffset At,
    Guid? ActorId,
    string ActorName,
    string ActorRole,
    string Action,
    string? EntityType,
    string? EntityId,
    string? Before,
    string? After,
    string? ClientAddress,
    string? CorrelationId,
    string? TraceId,
    string PreviousHash,
    string Hash);

/// <summary>A page of audit entries, newest first.</summary>
public sealed record AuditPageDto(IReadOnlyList<AuditEntryDto> Items, int Page, int PageSize, int Total);

/// <summary>The auditor's filters; all optional.</summary>
/// <param name="Actor">User name (exact) of whoever acted.</param>
/// <param name="Action">Action: create, update, delete, sign-in, personal-data.read…</param>
/// <param name="EntityType">Record type: Case, User, Department…</param>
/// <param name="EntityId">Record id.</param>
/// <param name="From">From this instant (inclusive).</param>
/// <param name="To">Before this instant.</param>
internal sealed record AuditFilter(string? Actor, string? Action, string? EntityType, string? EntityId, DateTimeOffset? From, DateTimeOffset? To)
{
    public IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> q)
    {
        Check(Actor, "actor", 100);
        Check(Action, "action", 64);
        Check(EntityType, "entityType", 64);
        Check(EntityId, "entityId", 200);
        if (From is { } f && To is { } t && f > t)
        {
            throw new DomainValidationException("from", "'from' is after 'to'.");
        }

        if (!string.IsNullOrEmpty(Actor))
        {
            var actor = Actor.Trim().ToLowerInvariant();
            q = q.Where(e => e.ActorName == actor);
        }

        if (!string.IsNullOrEmpty(Action))
        {
            q = q.Where(e => e.Action == Action);
        }

        if (!string.IsNullOrEmpty(EntityType))
        {
            q = q.Where(e => e.EntityType == EntityType);
        }

        if (!string.IsNullOrEmpty(EntityId))
        {
            q = q.Where(e => e.EntityId == EntityId);
        }

        if (From is { } from)
        {
            q = q.Where(e => e.At >= from);
        }

        if (To is { } to)
        {
            q = q.Where(e => e.At < to);
        }

        return q;
    }

    private static void Check(string? value, string field, int max)
    {
        if (value is not null && value.Length > max)
        {
            throw new DomainValidationException(field, $"'{field}' is longer than {max} characters.");
        }
    }
}

/// <summary>GET /api/v1/audit, /export and /verify.</summary>
internal static class SearchAudit
{
    public const int MaxPageSize = 500;

    public static async Task<IResult> SearchAsync(
        CivicGridDbContext db, string? actor, string? action, string? entityType, string? entityId, DateTimeOffset? from, DateTimeOffset? to, int? page, int? pageSize, CancellationToken ct)
    {
        var p = page ?? 1;
        var size = pageSize ?? 50;
        if (p < 1)
        {
            throw new DomainValidationException("page", "'page' starts at 1.");
        }

        if (size is < 1 or > MaxPageSize)
        {
            throw new DomainValidationException("pageSize", $"'pageSize' is between 1 and {MaxPageSize}.");
        }

        var query = new AuditFilter(actor, action, entityType, entityId, from, to).Apply(db.AuditEntries.AsNoTracking());
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(e => e.Sequence).Skip((p - 1) * size).Take(size).Select(ToDto).ToListAsync(ct);
        return Results.Ok(new AuditPageDto(items, p, size, total));
    }

    public static async Task ExportAsync(
        HttpContext http, CivicGridDbContext db, string? actor, string? action, string? entityType, string? entityId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var filter = new AuditFilter(actor, action, entityType, entityId, from, to);
        var query = filter.Apply(db.AuditEntries.AsNoTracking());

        // The export is itself a trace: who took a copy of which part of the trail.
        db.Record(AuditActions.AuditExport, null, null, filter);
        await db.SaveChangesAsync(ct);

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"civicgrid-audit.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), leaveOpen: true);
        await writer.WriteLineAsync("sequence,at,actor_id,actor_name,actor_role,action,entity_type,entity_id,before,after,client_address,correlation_id,trace_id,previous_hash,hash");
        await foreach (var e in query.OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(',',
                e.Sequence.ToString(CultureInfo.InvariantCulture),
                e.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                e.ActorId?.ToString("D"),
                Csv(e.ActorName), Csv(e.ActorRole), Csv(e.Action), Csv(e.EntityType), Csv(e.EntityId),
                Csv(e.Before), Csv(e.After), Csv(e.ClientAddress), Csv(e.CorrelationId), Csv(e.TraceId),
                e.PreviousHash, e.Hash));
        }
    }

    public static async Task<IResult> VerifyAsync(CivicGridDbContext db, AuditCheckpointKey key, CancellationToken ct) =>
        Results.Ok(await AuditVerifier.VerifyAsync(db, key.Bytes, ct));

    private static readonly System.Linq.Expressions.Expression<Func<AuditEntry, AuditEntryDto>> ToDto = e => new AuditEntryDto(
        e.Sequence, e.At, e.ActorId, e.ActorName, e.ActorRole, e.Action, e.EntityType, e.EntityId, e.Before, e.After,
        e.ClientAddress, e.CorrelationId, e.TraceId, e.PreviousHash, e.Hash);

    /// <summary>RFC 4180 quoting; a leading = + - @ is neutralised so that a spreadsheet does not run it as a formula.</summary>
    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
