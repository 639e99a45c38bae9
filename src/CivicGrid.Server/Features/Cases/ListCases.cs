using System.Globalization;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Cases;

/// <summary>What the case list is filtered by (all optional) and which page to return.</summary>
public sealed record CaseFilter
{
    /// <summary>Comma-separated statuses, e.g. <c>reported,filed</c>.</summary>
    public string? Status { get; init; }

    public string? CategoryCode { get; init; }

    public Guid? DepartmentId { get; init; }

    public string? GridCode { get; init; }

    public string? StreetCode { get; init; }

    public string? CommunityCode { get; init; }

    /// <summary>True: only cases whose current stage is overdue; false: only those that are not.</summary>
    public bool? Overdue { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary><c>minLon,minLat,maxLon,maxLat</c>.</summary>
    public string? Bbox { get; init; }

    public int? Page { get; init; }

    public int? PageSize { get; init; }
}

/// <summary>The case list over HTTP: <c>GET /api/v1/cases</c>.</summary>
public static class ListCases
{
    public const int MaxPageSize = 200;

    /// <summary>Totals above this are reported as this figure with <c>totalIsLowerBound</c>.</summary>
    public const int TotalCap = 10_000;

    public static async Task<IResult> HandleAsync(
        CaseCommands commands,
        System.Security.Claims.ClaimsPrincipal user,
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
        CancellationToken ct) =>
        Results.Ok(await commands.ListAsync(new CaseFilter
        {
            Status = status,
            CategoryCode = categoryCode,
            DepartmentId = departmentId,
            GridCode = gridCode,
            StreetCode = streetCode,
            CommunityCode = communityCode,
            Overdue = overdue,
            From = from,
            To = to,
            Bbox = bbox,
            Page = page,
            PageSize = pageSize,
        }, Common.CivicGridClaims.ToActor(user), ct));
}

/// <summary>The case list: filters, newest first, paged. Every filter is backed by an index.</summary>
public sealed partial class CaseCommands
{
    /// <summary>One page of the cases in the actor's data scope, newest first (the API and the console both come here).</summary>
    /// <exception cref="DomainValidationException">A filter or the paging is out of range.</exception>
    public async Task<CasePageDto> ListAsync(CaseFilter filter, Domain.Identity.Actor actor, CancellationToken ct)
    {
        var p = filter.Page ?? 1;
        var size = filter.PageSize ?? 20;
        if (p < 1)
        {
            throw new DomainValidationException("page", "page starts at 1.");
        }

        if (size is < 1 or > ListCases.MaxPageSize)
        {
            throw new DomainValidationException("pageSize", $"pageSize must be between 1 and {ListCases.MaxPageSize}.");
        }

        var query = (await AccessAsync(actor, ct)).Apply(Db.Cases.AsNoTracking());
        if (!string.IsNullOrWhiteSpace(filter.Status))
        {
            var statuses = new List<CaseStatus>();
            foreach (var s in filter.Status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<CaseStatus>(s, ignoreCase: true, out var parsed) || int.TryParse(s, CultureInfo.InvariantCulture, out _))
                {
                    throw new DomainValidationException("status", $"Unknown status '{s}'.");
                }

                statuses.Add(parsed);
            }

            query = query.Where(c => statuses.Contains(c.Status));
        }

        if (!string.IsNullOrWhiteSpace(filter.CategoryCode))
        {
            query = query.Where(c => c.CategoryCode == filter.CategoryCode);
        }

        if (filter.DepartmentId is { } dept)
        {
            query = query.Where(c => c.DepartmentId == dept);
        }

        if (!string.IsNullOrWhiteSpace(filter.GridCode))
        {
            query = query.Where(c => c.GridCode == filter.GridCode);
        }

        if (!string.IsNullOrWhiteSpace(filter.StreetCode))
        {
            query = query.Where(c => c.StreetCode == filter.StreetCode);
        }

        if (!string.IsNullOrWhiteSpace(filter.CommunityCode))
        {
            query = query.Where(c => c.CommunityCode == filter.CommunityCode);
        }

        var now = Clock.GetUtcNow();
        if (filter.Overdue is { } o)
        {
            query = o
                // IsOverdue is only ever set after the due instant has passed and is cleared with every
                // new deadline, so the indexed due column alone decides (and keeps the query on the index).
                ? query.Where(c => c.CurrentDueAt != null && c.CurrentDueAt < now)
                : query.Where(c => c.CurrentDueAt == null || c.CurrentDueAt >= now);
        }

        if (filter.From is { } f)
        {
            var fromUtc = f.ToUniversalTime();
            query = query.Where(c => c.ReportedAt >= fromUtc);
        }

        if (filter.To is { } t)
        {
            var toUtc = t.ToUniversalTime();
            query = query.Where(c => c.ReportedAt < toUtc);
        }

        if (CityModel.Bbox.TryParse(filter.Bbox, out var box))
        {
            query = query.Where(c => c.Longitude >= box.MinLon && c.Longitude <= box.MaxLon && c.Latitude >= box.MinLat && c.Latitude <= box.MaxLat);
        }

        // Counting a broad filter over millions of rows costs more than the page itself: count up to a cap.
        var total = await query.Take(ListCases.TotalCap + 1).CountAsync(ct);
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
        return new CasePageDto(items, p, size, Math.Min(total, ListCases.TotalCap), total > ListCases.TotalCap);
    }
}
