using System.Security.Claims;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.CityModel;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Cases;

/// <summary>上报 over HTTP: <c>POST /api/v1/cases</c>.</summary>
public static class CreateCase
{
    public static async Task<IResult> HandleAsync(CreateCaseRequest request, ClaimsPrincipal user, CaseCommands commands, CancellationToken ct)
    {
        var dto = await commands.CreateAsync(request, user.ToActor(), ct);
        return Results.Created($"/api/v1/cases/{dto.Id}", dto);
    }
}

/// <summary>上报: a new case, placed on its grid, numbered, with the filing clock started.</summary>
public sealed partial class CaseCommands
{
    /// <summary>Reports a case for the actor (the API and the console both come here).</summary>
    /// <exception cref="DomainValidationException">A field is missing or wrong (names the field).</exception>
    public async Task<CaseDto> CreateAsync(CreateCaseRequest request, Actor actor, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Description))
        {
            throw new DomainValidationException("description", "Describe the problem.");
        }

        // No category given: the classifier chooses, and the report is routed on its confidence.
        var choice = await intake.ResolveCategoryAsync(request.CategoryCode, request.Description, ct);

        var (lon, lat, location) = await PlaceAsync(request, Db, Grids, ct);
        if (request.ComponentId is { } componentId && !await Db.Components.AnyAsync(c => c.Id == componentId, ct))
        {
            throw new DomainValidationException("componentId", $"Component '{componentId}' does not exist.");
        }

        var now = Clock.GetUtcNow();
        var sla = await SlaAsync(ct);
        await using var tx = await Db.Database.BeginTransactionAsync(ct);
        var filed = await intake.ReportInTransactionAsync(new CaseReport
        {
            Description = request.Description,
            CategoryCode = choice.CategoryCode,
            Urgency = request.Urgency ?? Urgency.Normal,
            Source = request.Source ?? DefaultSource(actor.Role),
            Longitude = lon,
            Latitude = lat,
            Address = request.Address,
            GridCode = location.GridCode,
            CommunityCode = location.CommunityCode,
            StreetCode = location.StreetCode,
            ComponentId = request.ComponentId,
            ReporterName = request.ReporterName,
            ReporterPhone = request.ReporterPhone,
        }, actor, Reporter(request), choice.Verdict, now, sla, ct);
        var @case = filed.Case;
        await Db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Risk.ReportSubmitted((actor.Role == Domain.Identity.Role.Device ? "client:" : "user:") + actor.UserId);

        return await ToDtoAsync(@case, actor, ct);
    }

    private static async Task<(double Lon, double Lat, GridLocation Location)> PlaceAsync(CreateCaseRequest request, CivicGridDbContext db, GridLocator grids, CancellationToken ct)
    {
        if (request.Longitude is { } lon && request.Latitude is { } lat)
        {
            if (!double.IsFinite(lon) || lon is < -180 or > 180)
            {
                throw new DomainValidationException("longitude", "Longitude must be between -180 and 180.");
            }

            if (!double.IsFinite(lat) || lat is < -90 or > 90)
            {
                throw new DomainValidationException("latitude", "Latitude must be between -90 and 90.");
            }

            var location = await grids.LocateAsync(lon, lat, ct)
                ?? throw new DomainValidationException("longitude", "The position lies outside every unit grid of the district.");
            if (request.GridCode is { } given && !string.Equals(given, location.GridCode, StringComparison.Ordinal))
            {
                throw new DomainValidationException("gridCode", $"The position lies in grid {location.GridCode}, not {given}.");
            }

            return (lon, lat, location);
        }

        if (request.Longitude is not null || request.Latitude is not null)
        {
            throw new DomainValidationException(request.Longitude is null ? "longitude" : "latitude", "Give both longitude and latitude.");
        }

        if (string.IsNullOrWhiteSpace(request.GridCode))
        {
            throw new DomainValidationException("longitude", "Give a position (longitude, latitude) or a gridCode.");
        }

        var grid = await db.UnitGrids.AsNoTracking()
            .Where(g => g.Code == request.GridCode)
            .Select(g => new { g.Code, g.CommunityCode, g.StreetCode, g.CentroidLongitude, g.CentroidLatitude })
            .FirstOrDefaultAsync(ct)
            ?? throw new DomainValidationException("gridCode", $"Unit grid '{request.GridCode}' does not exist.");
        return (grid.CentroidLongitude, grid.CentroidLatitude, new GridLocation(grid.Code, grid.CommunityCode, grid.StreetCode));
    }

    /// <summary>A caller on the hotline (a name or a phone number given) is linked as the case's reporter, told as they chose.</summary>
    private static ReporterContact? Reporter(CreateCaseRequest request) =>
        string.IsNullOrWhiteSpace(request.ReporterName) && string.IsNullOrWhiteSpace(request.ReporterPhone)
            ? null
            : new ReporterContact(request.ReporterName, request.ReporterPhone, null, request.ReporterNotifyBy ?? NotifyBy.None);

    private static CaseSource DefaultSource(Role role) => role switch
    {
        Role.Inspector => CaseSource.Inspector,
        Role.Operator => CaseSource.Hotline,
        Role.Device => CaseSource.Sensor,
        Role.Supervisor => CaseSource.Referral,
        _ => CaseSource.Public,
    };
}
