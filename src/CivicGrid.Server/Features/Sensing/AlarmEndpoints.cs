using System.Globalization;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Domain.Telemetry.Rules;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;
using CivicGrid.Server.Features.Security;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>Alarms over HTTP: the filtered list, one alarm with its history, acknowledge and clear by hand.</summary>
public static class AlarmEndpoints
{
    public const int MaxPageSize = 500;

    public sealed record AlarmHistoryDto(int Sequence, string Action, string ActorName, DateTimeOffset At, double? Value, string? Note);

    public sealed record AlarmDto(
        Guid Id,
        Guid RuleId,
        string RuleName,
        string SubjectKey,
        string? DeviceId,
        string DeviceType,
        string? GridCode,
        string CommunityCode,
        string StreetCode,
        AlarmSeverity Severity,
        AlarmState State,
        string Message,
        double? Value,
        DateTimeOffset RaisedAt,
        DateTimeOffset UpdatedAt,
        int UpdateCount,
        DateTimeOffset? AcknowledgedAt,
        string? AcknowledgedBy,
        DateTimeOffset? ClearedAt,
        string? ClearedBy,
        Guid? CaseId,
        string? CaseNumber,
        int Version,
        IReadOnlyList<AlarmHistoryDto>? History);

    public sealed record AlarmPageDto(IReadOnlyList<AlarmDto> Items, int Page, int PageSize, int Total);

    public sealed record AlarmActionRequest(string? Note);

    public static IEndpointRouteBuilder MapAlarms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/alarms").WithTags("Alarms").RequirePermission(Permission.AlarmsRead);
        group.MapGet("/", ListAsync).WithName("ListAlarms")
            .WithSummary("Alarms, newest first, filtered by state (open, raised, acknowledged, cleared; comma-separated), device, rule, severity, area (grid, community, street) and time (raised between from and to).")
            .Produces<AlarmPageDto>().ProducesValidationProblem();
        group.MapGet("/{id:guid}", async (Guid id, CivicGridDbContext db, CancellationToken ct) =>
            Results.Ok(await LoadDtoAsync(db, id, ct)))
            .WithName("GetAlarm").WithSummary("One alarm with its history.").Produces<AlarmDto>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/acknowledge", async (Guid id, AlarmActionRequest? request, CivicGridDbContext db, AlarmActions actions, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        {
            var alarm = await db.Alarms.FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException("Alarm", id.ToString());
            var now = clock.GetUtcNow();
            alarm.Acknowledge(http.User.ToActor(), Note(request), now);
            actions.Outbox(alarm, "AlarmAcknowledged", now);
            await db.SaveChangesAsync(ct);
            actions.Announce(alarm, "acknowledged", now);
            http.RequestServices.GetRequiredService<SensingMetrics>().Alarm("acknowledged");
            return Results.Ok(await LoadDtoAsync(db, id, ct));
        }).RequirePermission(Permission.AlarmsAct).WithName("AcknowledgeAlarm").WithSummary("Take note of an open alarm (确认); it stays open until its condition ends.")
            .Produces<AlarmDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/clear", async (Guid id, AlarmActionRequest? request, CivicGridDbContext db, AlarmActions actions, TimeProvider clock, HttpContext http, CancellationToken ct) =>
        {
            var alarm = await db.Alarms.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException("Alarm", id.ToString());
            if (!alarm.IsOpen)
            {
                throw new DomainValidationException("state", "The alarm is already cleared.");
            }

            _ = await actions.ClearAsync(id, http.User.ToActor(), Note(request) ?? "手动解除", null, clock.GetUtcNow(), ct)
                ?? throw new ConflictException("The alarm changed meanwhile; reload it.");
            return Results.Ok(await LoadDtoAsync(db, id, ct));
        }).RequirePermission(Permission.AlarmsAct).WithName("ClearAlarm").WithSummary("Clear an open alarm by hand (解除); if its condition still holds, the next reading raises a new one.")
            .Produces<AlarmDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static string? Note(AlarmActionRequest? request)
    {
        if (request?.Note is { Length: > 500 })
        {
            throw new DomainValidationException("note", "The note is longer than 500 characters.");
        }

        return string.IsNullOrWhiteSpace(request?.Note) ? null : request.Note.Trim();
    }

    private static async Task<IResult> ListAsync(
        CivicGridDbContext db,
        string? state,
        string? deviceId,
        Guid? ruleId,
        string? severity,
        string? gridCode,
        string? communityCode,
        string? streetCode,
        DateTimeOffset? from,
        DateTimeOffset? to,
        int? page,
        int? pageSize,
        CancellationToken ct)
    {
        var p = page ?? 1;
        var size = pageSize ?? 50;
        if (p < 1)
        {
            throw new DomainValidationException("page", "page starts at 1.");
        }

        if (size is < 1 or > MaxPageSize)
        {
            throw new DomainValidationException("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
        }

        var q = db.Alarms.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(state))
        {
            var states = new HashSet<AlarmState>();
            foreach (var s in state.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (string.Equals(s, "open", StringComparison.OrdinalIgnoreCase))
                {
                    states.Add(AlarmState.Raised);
                    states.Add(AlarmState.Acknowledged);
                }
                else if (Enum.TryParse<AlarmState>(s, ignoreCase: true, out var parsed) && !int.TryParse(s, CultureInfo.InvariantCulture, out _))
                {
                    states.Add(parsed);
                }
                else
                {
                    throw new DomainValidationException("state", $"Unknown state '{s}': open, raised, acknowledged or cleared.");
                }
            }

            q = q.Where(a => states.Contains(a.State));
        }

        if (!string.IsNullOrWhiteSpace(severity))
        {
            if (!Enum.TryParse<AlarmSeverity>(severity, ignoreCase: true, out var sev) || int.TryParse(severity, CultureInfo.InvariantCulture, out _))
            {
                throw new DomainValidationException("severity", "severity is warning, minor, major or critical.");
            }

            q = q.Where(a => a.Severity == sev);
        }

        q = deviceId is null ? q : q.Where(a => a.DeviceId == deviceId);
        q = ruleId is null ? q : q.Where(a => a.RuleId == ruleId);
        q = gridCode is null ? q : q.Where(a => a.GridCode == gridCode);
        q = communityCode is null ? q : q.Where(a => a.CommunityCode == communityCode);
        q = streetCode is null ? q : q.Where(a => a.StreetCode == streetCode);
        if (from is { } f)
        {
            var fu = f.ToUniversalTime();
            q = q.Where(a => a.RaisedAt >= fu);
        }

        if (to is { } t)
        {
            var tu = t.ToUniversalTime();
            q = q.Where(a => a.RaisedAt < tu);
        }

        var total = await q.CountAsync(ct);
        var items = await q.OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.Id).Skip((p - 1) * size).Take(size).ToListAsync(ct);
        return Results.Ok(new AlarmPageDto([.. items.Select(a => ToDto(a, null))], p, size, total));
    }

    private static async Task<AlarmDto> LoadDtoAsync(CivicGridDbContext db, Guid id, CancellationToken ct)
    {
        var alarm = await db.Alarms.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException("Alarm", id.ToString());
        var history = await db.AlarmHistory.AsNoTracking().Where(h => h.AlarmId == id).OrderBy(h => h.Sequence)
            .Select(h => new AlarmHistoryDto(h.Sequence, h.Action, h.ActorName, h.At, h.Value, h.Note)).ToListAsync(ct);
        return ToDto(alarm, history);
    }

    public static AlarmDto ToDto(Alarm a, IReadOnlyList<AlarmHistoryDto>? history) =>
        new(a.Id, a.RuleId, a.RuleName, a.SubjectKey, a.DeviceId, a.DeviceType, a.GridCode, a.CommunityCode, a.StreetCode, a.Severity, a.State, a.Message, a.Value,
            a.RaisedAt, a.UpdatedAt, a.UpdateCount, a.AcknowledgedAt, a.AcknowledgedBy, a.ClearedAt, a.ClearedBy, a.CaseId, a.CaseNumber, a.Version, history);
}
