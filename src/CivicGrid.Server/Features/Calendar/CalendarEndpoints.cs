using System.Globalization;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using CivicGrid.Server.Features.Security;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Server.Features.Calendar;

/// <summary>The working calendar (holidays, 调休 working days) and the stage time limits.</summary>
public static class CalendarEndpoints
{
    public static IHostApplicationBuilder AddCalendar(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SlaPolicyProvider>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCalendar(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/calendar").WithTags("Calendar").RequirePermission(Permission.ReferenceRead);
        group.MapGet("/", GetCalendarAsync).WithSummary("Exception days of a year and the working periods.");
        group.MapPut("/days/{date}", PutDayAsync).RequirePermission(Permission.TimeLimitsManage)
            .WithSummary("Declare a holiday or a make-up working day (admin).");
        group.MapDelete("/days/{date}", DeleteDayAsync).RequirePermission(Permission.TimeLimitsManage)
            .WithSummary("Remove an exception day (admin).");
        group.MapGet("/deadline", GetDeadlineAsync).WithSummary("When a time limit started at an instant is due.");
        group.MapGet("/time-limits", GetTimeLimitsAsync).WithSummary("Configured stage time limits.");
        group.MapPut("/time-limits", PutTimeLimitAsync).RequirePermission(Permission.TimeLimitsManage)
            .WithSummary("Set the limit of a stage for a category (or major, or * for all) and urgency (admin).");
        return app;
    }

    public sealed record CalendarDayDto(string Date, CalendarDayKind Kind, string Name);

    public sealed record CalendarDto(int Year, string TimeZone, IReadOnlyList<string> WorkingPeriods, IReadOnlyList<CalendarDayDto> Days);

    public sealed record PutDayRequest(CalendarDayKind? Kind, string? Name);

    public sealed record DeadlineDto(DateTimeOffset Start, string Limit, DateTimeOffset DueAt, DateTimeOffset DueAtLocal);

    public sealed record TimeLimitRuleDto(string CategoryCode, Urgency Urgency, CaseStage Stage, decimal Value, TimeLimitUnit Unit);

    private static async Task<IResult> GetCalendarAsync(int? year, CivicGridDbContext db, SlaPolicyProvider sla, TimeProvider clock, CancellationToken ct)
    {
        var policy = await sla.GetAsync(ct);
        var y = year ?? policy.Calendar.ToLocal(clock.GetUtcNow()).Year;
        var from = new DateOnly(y, 1, 1);
        var to = new DateOnly(y, 12, 31);
        var days = await db.CalendarDays.AsNoTracking().Where(d => d.Date >= from && d.Date <= to).OrderBy(d => d.Date).ToListAsync(ct);
        return Results.Ok(new CalendarDto(
            y,
            policy.Calendar.TimeZone.Id,
            [.. policy.Calendar.WorkingPeriods.Select(p => p.ToString())],
            [.. days.Select(d => new CalendarDayDto(SlaPolicyProvider.FormatDate(d.Date), Enum.Parse<CalendarDayKind>(d.Kind, ignoreCase: true), d.Name))]));
    }

    private static async Task<IResult> PutDayAsync(string date, PutDayRequest request, CivicGridDbContext db, SlaPolicyProvider sla, CancellationToken ct)
    {
        var day = ParseDate(date);
        if (request.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            throw new DomainValidationException("kind", "kind is holiday or workday.");
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 50)
        {
            throw new DomainValidationException("name", "Name the day (at most 50 characters).");
        }

        var existing = await db.CalendarDays.FirstOrDefaultAsync(d => d.Date == day, ct);
        if (existing is null)
        {
            db.CalendarDays.Add(new CalendarDayRecord { Date = day, Kind = kind.ToString().ToLowerInvariant(), Name = request.Name.Trim() });
        }
        else
        {
            existing.Kind = kind.ToString().ToLowerInvariant();
            existing.Name = request.Name.Trim();
        }

        await db.SaveChangesAsync(ct);
        sla.Invalidate();
        return Results.Ok(new CalendarDayDto(SlaPolicyProvider.FormatDate(day), kind, request.Name.Trim()));
    }

    private static async Task<IResult> DeleteDayAsync(string date, CivicGridDbContext db, SlaPolicyProvider sla, CancellationToken ct)
    {
        var day = ParseDate(date);
        // Tracked, not a bulk delete, so the removal reaches the audit trail.
        var record = await db.CalendarDays.FirstOrDefaultAsync(d => d.Date == day, ct)
            ?? throw new NotFoundException("Calendar day", date);
        db.CalendarDays.Remove(record);
        await db.SaveChangesAsync(ct);
        sla.Invalidate();
        return Results.NoContent();
    }

    private static async Task<IResult> GetDeadlineAsync(DateTimeOffset? start, decimal? value, string? unit, SlaPolicyProvider sla, TimeProvider clock, CancellationToken ct)
    {
        if (value is not { } v)
        {
            throw new DomainValidationException("value", "Give value and unit.");
        }

        if (!TimeLimitUnitExtensions.TryParseUnit(unit, out var u))
        {
            throw new DomainValidationException("unit", "unit is emergencyWorkHour, workHour, workDay, naturalHour or naturalDay.");
        }

        TimeLimit limit;
        try
        {
            limit = new TimeLimit(v, u);
        }
        catch (ArgumentException e)
        {
            throw new DomainValidationException("value", e.Message);
        }

        var policy = await sla.GetAsync(ct);
        var from = (start ?? clock.GetUtcNow()).ToUniversalTime();
        var due = policy.Calendar.AddTime(from, limit);
        return Results.Ok(new DeadlineDto(from, limit.ToString(), due, policy.Calendar.ToLocal(due)));
    }

    private static async Task<IResult> GetTimeLimitsAsync(CivicGridDbContext db, CancellationToken ct)
    {
        var rows = await db.TimeLimits.AsNoTracking().ToListAsync(ct);
        return Results.Ok(rows
            .OrderBy(r => r.CategoryCode, StringComparer.Ordinal).ThenBy(r => r.Stage, StringComparer.Ordinal).ThenBy(r => r.Urgency, StringComparer.Ordinal)
            .Select(r => new TimeLimitRuleDto(r.CategoryCode, Enum.Parse<Urgency>(r.Urgency), Enum.Parse<CaseStage>(r.Stage), r.Value, Enum.Parse<TimeLimitUnit>(r.Unit))));
    }

    private static async Task<IResult> PutTimeLimitAsync(TimeLimitRuleDto rule, CivicGridDbContext db, SlaPolicyProvider sla, CancellationToken ct)
    {
        var code = rule.CategoryCode?.Trim() ?? string.Empty;
        if (code != "*" && !(code.Length is 2 or 5 && code.All(char.IsAsciiDigit)))
        {
            throw new DomainValidationException("categoryCode", "categoryCode is a 5-digit code, a 2-digit major code, or *.");
        }

        if (!Enum.IsDefined(rule.Urgency) || !Enum.IsDefined(rule.Stage) || !Enum.IsDefined(rule.Unit))
        {
            throw new DomainValidationException("unit", "Unknown urgency, stage or unit.");
        }

        if (rule.Value <= 0 || rule.Value > 1000)
        {
            throw new DomainValidationException("value", "value must be above 0 and at most 1000.");
        }

        var urgency = rule.Urgency.ToString();
        var stage = rule.Stage.ToString();
        var existing = await db.TimeLimits.FirstOrDefaultAsync(t => t.CategoryCode == code && t.Urgency == urgency && t.Stage == stage, ct);
        if (existing is null)
        {
            db.TimeLimits.Add(new TimeLimitRecord { CategoryCode = code, Urgency = urgency, Stage = stage, Value = rule.Value, Unit = rule.Unit.ToString() });
        }
        else
        {
            existing.Value = rule.Value;
            existing.Unit = rule.Unit.ToString();
        }

        await db.SaveChangesAsync(ct);
        sla.Invalidate();
        return Results.Ok(rule with { CategoryCode = code });
    }

    private static DateOnly ParseDate(string date) =>
        DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new DomainValidationException("date", "Dates are written yyyy-MM-dd.");
}
