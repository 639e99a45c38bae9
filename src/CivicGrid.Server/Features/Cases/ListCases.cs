using System.Globalization;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Cases;

/// <summary>The case list: filters, newest first, paged. Every filter is backed by an index.</summary>
public static class ListCases
{
    public const int MaxPageSize = 200;

    public static async Task<IResult> HandleAsync(
        CaseCommands commands,
        string? status,
        string? categoryCode,
        Guid? departmentId,
        string? gridCode,
        string? streetCode,
        string? communityCode,
        bool? overdue,
        DateTimeOffset? from,
        DateTimeOffset? to,
        string? bbox,
        int? page,
        int? pageSize,
        CancellationToken ct)
    {
        var p = page ?? 1;
        var size = pageSize ?? 20;
        if (p < 1)
        {
            throw new DomainValidationException("page", "page starts at 1.");
        }

        if (size is < 1 or > MaxPageSize)
        {
            throw new DomainValidationException("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
        }

        var query = commands.Db.Cases.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(status))
        {
            var statuses = new List<CaseStatus>();
            foreach (var s in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<CaseStatus>(s, ignoreCase: true, out var parsed) || int.TryParse(s, CultureInfo.InvariantCulture, out _))
                {
                    throw new DomainValidationException("status", $"Unknown status '{s}'.");
                }

                statuses.Add(parsed);
            }

            query = query.Where(c => statuses.Contains(c.Status));
        }

        if (!string.IsNullOrWhiteSpace(categoryCode))
        {
            query = query.Where(c => c.CategoryCode == categoryCode);
        }

        if (departmentId is { } dept)
        {
            query = query.Where(c => c.DepartmentId == dept);
        }

        if (!string.IsNullOrWhiteSpace(gridCode))
        {
            query = query.Where(c => c.GridCode == gridCode);
        }

        if (!string.IsNullOrWhiteSpace(streetCode))
        {
            query = query.Where(c => c.StreetCode == streetCode);
        }

        if (!string.IsNullOrWhiteSpace(communityCode))
        {
            query = query.Where(c => c.CommunityCode == communityCode);
        }

        var now = commands.Clock.GetUtcNow();
        if (overdue is { } o)
        {
            query = o
                ? query.Where(c => c.IsOverdue || c.CurrentDueAt < now)
                : query.Where(c => !c.IsOverdue && (c.CurrentDueAt == null || c.CurrentDueAt >= now));
        }

        if (from is { } f)
        {
            var fromUtc = f.ToUniversalTime();
            query = query.Where(c => c.ReportedAt >= fromUtc);
        }

        if (to is { } t)
        {
            var toUtc = t.ToUniversalTime();
            query = query.Where(c => c.ReportedAt < toUtc);
        }

        if (CityModel.Bbox.TryParse(bbox, out var box))
        {
            query = query.Where(c => c.Longitude >= box.MinLon && c.Longitude <= box.MaxLon && c.Latitude >= box.MinLat && c.Latitude <= box.MaxLat);
        }

        var total = await query.CountAsync(ct);
        var rows = await query
            .OrderByDescending(c => c.ReportedAt)
            .ThenByDescending(c => c.Id)
            .Skip((p - 1) * size)
            .Take(size)
            .Select(c => new
            {
                c.Id, c.Number, c.Status, c.Description, c.CategoryCode, c.Urgency, c.Source, c.Longitude, c.Latitude,
                c.GridCode, c.StreetCode, c.DepartmentId, c.CurrentStage, c.CurrentDueAt, c.CurrentWarnAt, c.IsOverdue, c.ReportedAt, c.UpdatedAt,
            })
            .ToListAsync(ct);
        var items = rows.Select(c => new CaseSummaryDto(
            c.Id, c.Number, c.Status, c.Description.Length > 200 ? c.Description[..200] : c.Description, c.CategoryCode, c.Urgency, c.Source,
            new LocationDto(c.Longitude, c.Latitude), c.GridCode, c.StreetCode, c.DepartmentId, c.CurrentStage, c.CurrentDueAt,
            Case.LightOf(c.CurrentWarnAt, c.CurrentDueAt, now),
            c.IsOverdue || c.CurrentDueAt < now, c.ReportedAt, c.UpdatedAt)).ToList();
        return Results.Ok(new CasePageDto(items, p, size, total));
    }
}
