using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Grids;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.CityModel;

/// <summary>Changes to the component inventory (部件) and to responsibility grids (责任网格), by admins.</summary>
public static class ComponentInventory
{
    public sealed record AddComponentRequest(string? Id, string? CategoryCode, string? Name, double? Longitude, double? Latitude, Guid? OwnerDepartmentId, ComponentState? State);

    public sealed record ComponentStateRequest(ComponentState? State);

    public sealed record AddResponsibilityGridRequest(string? Code, string? Name, Guid? InspectorId, IReadOnlyList<string>? GridCodes);

    public static IEndpointRouteBuilder MapComponentInventory(this RouteGroupBuilder admin)
    {
        admin.MapPost("/components", AddComponentAsync).WithTags("Components")
            .WithSummary("Add a component to the inventory; the id (6 admin + 5 category + 6 serial) is allotted when not given (admin).");
        admin.MapPut("/components/{id}/state", async (string id, ComponentStateRequest request, CivicGridDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            if (request.State is not { } state || !Enum.IsDefined(state))
            {
                throw new DomainValidationException("state", "state is intact, damaged, missing, abandoned or removed.");
            }

            var c = await db.Components.FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("Component", id);
            c.State = state;
            c.ChangedOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(ct);
            return Results.NoContent();
        }).WithTags("Components").WithSummary("Record a component's state (admin).");
        admin.MapPost("/responsibility-grids", AddResponsibilityGridAsync).WithTags("Grids")
            .WithSummary("Group unit grids into a responsibility grid bound to an inspector (admin).");
        return admin;
    }

    private static async Task<IResult> AddComponentAsync(AddComponentRequest request, CivicGridDbContext db, GridLocator grids, Geocoding.Gazetteer gazetteer, TimeProvider clock, CancellationToken ct)
    {
        if (!Domain.Grids.CategoryCode.IsValid(request.CategoryCode)
            || !await db.Categories.AnyAsync(c => c.Kind == CategoryKind.Component && c.Code == request.CategoryCode, ct))
        {
            throw new DomainValidationException("categoryCode", "categoryCode is the 5-digit code of a component category.");
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 30)
        {
            throw new DomainValidationException("name", "Name the component (at most 30 characters).");
        }

        if (request.Longitude is not { } lon || request.Latitude is not { } lat)
        {
            throw new DomainValidationException(request.Longitude is null ? "longitude" : "latitude", "Give the component's position.");
        }

        var location = await grids.LocateAsync(lon, lat, ct) ?? throw new DomainValidationException("longitude", "The position lies outside every unit grid.");
        if (request.OwnerDepartmentId is not { } owner || !await db.Departments.AnyAsync(d => d.Id == owner, ct))
        {
            throw new DomainValidationException("ownerDepartmentId", "ownerDepartmentId names an existing department.");
        }

        var admin = new AdminDivisionCode(location.GridCode[..AdminDivisionCode.Length]);
        var category = new Domain.Grids.CategoryCode(request.CategoryCode);
        string id;
        if (request.Id is { } given)
        {
            if (!ComponentId.TryParse(given, out var parsed) || parsed.AdminDivisionCode != admin || parsed.CategoryCode != category)
            {
                throw new DomainValidationException("id", $"A component id has 17 digits: {admin} + {category} + a 6-digit serial.");
            }

            if (await db.Components.AnyAsync(c => c.Id == given, ct))
            {
                throw new Common.ConflictException($"Component {given} already exists.");
            }

            id = given;
        }
        else
        {
            var prefix = admin.Value + category.Value;
            var last = await db.Components.Where(c => c.Id.StartsWith(prefix)).OrderByDescending(c => c.Id).Select(c => c.Id).FirstOrDefaultAsync(ct);
            var serial = last is null ? 1 : int.Parse(last[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture) + 1;
            id = ComponentId.Create(admin, category, serial).Value;
        }

        var component = new Component
        {
            Id = id,
            CategoryCode = category.Value,
            Name = request.Name.Trim(),
            Longitude = lon,
            Latitude = lat,
            GridCode = location.GridCode,
            OwnerDepartmentId = owner,
            State = request.State ?? ComponentState.Intact,
            SurveyedOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime),
        };
        db.Components.Add(component);
        await db.SaveChangesAsync(ct);
        gazetteer.Invalidate();
        return Results.Created($"/api/v1/components/{id}", new { id, gridCode = location.GridCode });
    }

    private static async Task<IResult> AddResponsibilityGridAsync(AddResponsibilityGridRequest request, CivicGridDbContext db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Length > 32)
        {
            throw new DomainValidationException("code", "Give a code of at most 32 characters.");
        }

        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw new DomainValidationException("name", "Name the responsibility grid.");
        }

        var codes = (request.GridCodes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count == 0 || await db.UnitGrids.CountAsync(g => codes.Contains(g.Code), ct) != codes.Count)
        {
            throw new DomainValidationException("gridCodes", "List existing unit grid codes.");
        }

        if (request.InspectorId is { } inspector && !await db.Users.AnyAsync(u => u.Id == inspector && u.Role == Role.Inspector, ct))
        {
            throw new DomainValidationException("inspectorId", "inspectorId names an inspector.");
        }

        if (await db.ResponsibilityGrids.AnyAsync(r => r.Code == request.Code, ct))
        {
            throw new Common.ConflictException($"Responsibility grid {request.Code} already exists.");
        }

        var rg = new ResponsibilityGrid { Code = request.Code.Trim(), Name = request.Name.Trim(), InspectorId = request.InspectorId };
        rg.Members.AddRange(codes.Select(c => new ResponsibilityGridMember { ResponsibilityGridId = rg.Id, GridCode = c }));
        db.ResponsibilityGrids.Add(rg);
        await db.SaveChangesAsync(ct);
        return Results.Created($"/api/v1/responsibility-grids/{rg.Id}", new CityModelEndpoints.ResponsibilityGridDto(rg.Id, rg.Code, rg.Name, rg.InspectorId, codes));
    }
}
