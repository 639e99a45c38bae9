using System.Globalization;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using CivicGrid.Server.Features.Security;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Server.Features.CityModel;

/// <summary>The city model: categories, departments, responsibility rules, streets, communities, grids, components.</summary>
public static class CityModelEndpoints
{
    private const int MaxFeatures = 5000;

    public static IHostApplicationBuilder AddCityModel(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<GridLocator>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCityModel(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequirePermission(Permission.ReferenceRead);

        var categories = api.MapGroup("/categories").WithTags("Categories");
        categories.MapGet("/", ListCategoriesAsync).WithSummary("Component and event categories (GB/T 47678.5-2026 and local extensions).");
        categories.MapPost("/", AddCategoryAsync).RequirePermission(Permission.ReferenceManage).WithSummary("Add a local extension category (admin).");

        var departments = api.MapGroup("/departments").WithTags("Departments");
        departments.MapGet("/", async (CivicGridDbContext db, CancellationToken ct) =>
            Results.Ok(await db.Departments.AsNoTracking().OrderBy(d => d.Code)
                .Select(d => new DepartmentDto(d.Id, d.Code, d.NameZh, d.NameEn, d.Kind, d.IsActive)).ToListAsync(ct)))
            .WithSummary("Departments cases are dispatched to.");
        departments.MapPost("/", AddDepartmentAsync).RequirePermission(Permission.ReferenceManage).WithSummary("Add a department (admin).");

        var rules = api.MapGroup("/responsibility-rules").WithTags("Departments");
        rules.MapGet("/", async (CivicGridDbContext db, CancellationToken ct) =>
            Results.Ok(await db.ResponsibilityRules.AsNoTracking().OrderBy(r => r.CategoryCode)
                .Select(r => new ResponsibilityRuleDto(r.Id, r.CategoryCode, r.StreetCode, r.DepartmentId)).ToListAsync(ct)))
            .WithSummary("Category × area → department rules.");
        rules.MapPost("/", AddRuleAsync).RequirePermission(Permission.ReferenceManage).WithSummary("Add a responsibility rule (admin).");
        rules.MapGet("/resolve", async (string categoryCode, string streetCode, CivicGridDbContext db, CancellationToken ct) =>
        {
            var all = await db.ResponsibilityRules.AsNoTracking().ToListAsync(ct);
            return ResponsibilityRule.Resolve(all, categoryCode, streetCode) is { } id
                ? Results.Ok(new { departmentId = id })
                : throw new NotFoundException("Responsibility rule", $"{categoryCode}@{streetCode}");
        }).WithSummary("Which department is responsible for a category in a street.");

        var geo = api.MapGroup("/").WithTags("Grids");
        geo.MapGet("/streets", async (CivicGridDbContext db, CancellationToken ct) =>
            Results.Ok(Collection(await db.Streets.AsNoTracking().OrderBy(s => s.Code).ToListAsync(ct),
                s => s.Boundary, s => new() { ["code"] = s.Code, ["nameZh"] = s.NameZh, ["nameEn"] = s.NameEn })))
            .WithSummary("Streets (街道) as GeoJSON.");
        geo.MapGet("/communities", async (string? streetCode, CivicGridDbContext db, CancellationToken ct) =>
            Results.Ok(Collection(await db.Communities.AsNoTracking().Where(c => streetCode == null || c.StreetCode == streetCode).OrderBy(s => s.Code).ToListAsync(ct),
                s => s.Boundary, s => new() { ["code"] = s.Code, ["streetCode"] = s.StreetCode, ["nameZh"] = s.NameZh, ["nameEn"] = s.NameEn })))
            .WithSummary("Communities (社区) as GeoJSON.");
        geo.MapGet("/grids", ListGridsAsync).WithSummary("Unit grids (单元网格) as GeoJSON, filtered by bbox, street or community.");
        geo.MapGet("/grids/locate", async (double? lon, double? lat, GridLocator locator, CancellationToken ct) =>
        {
            if (lon is null || lat is null)
            {
                throw new DomainValidationException(lon is null ? "lon" : "lat", "Give lon and lat.");
            }

            return await locator.LocateAsync(lon.Value, lat.Value, ct) is { } found
                ? Results.Ok(found)
                : throw new NotFoundException("Unit grid at", string.Create(CultureInfo.InvariantCulture, $"{lon},{lat}"));
        }).WithSummary("The unit grid, community and street of a position.");
        geo.MapGet("/grids/{code}", async (string code, CivicGridDbContext db, CancellationToken ct) =>
        {
            var g = await db.UnitGrids.AsNoTracking().FirstOrDefaultAsync(x => x.Code == code, ct) ?? throw new NotFoundException("Unit grid", code);
            return Results.Ok(GridFeature(g));
        }).WithSummary("One unit grid as a GeoJSON feature.");
        geo.MapGet("/responsibility-grids", async (CivicGridDbContext db, CancellationToken ct) =>
            Results.Ok(await db.ResponsibilityGrids.AsNoTracking().OrderBy(r => r.Code)
                .Select(r => new ResponsibilityGridDto(r.Id, r.Code, r.Name, r.InspectorId, r.Members.Select(m => m.GridCode).ToList())).ToListAsync(ct)))
            .WithSummary("Responsibility grids (责任网格) and their inspectors.");

        var components = api.MapGroup("/components").WithTags("Components");
        components.MapGet("/", ListComponentsAsync).WithSummary("Management components (部件) as GeoJSON points.");
        components.MapGet("/nearby", NearbyComponents.HandleAsync).WithName("NearbyComponents")
            .WithSummary("Components within radius metres (default 100, at most 1000) of lon/lat (coordinateSystem wgs84, gcj02 or bd09), nearest first, with the case category a report about each is filed under; limit 1–100 (default 20).")
            .Produces<IReadOnlyList<NearbyComponentDto>>().ProducesValidationProblem();
        components.MapGet("/{id}", async (string id, CivicGridDbContext db, CancellationToken ct) =>
        {
            var c = await db.Components.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw new NotFoundException("Component", id);
            return Results.Ok(ComponentFeature(c));
        }).WithSummary("One component as a GeoJSON feature.");
        app.MapGroup("/api/v1").RequirePermission(Permission.ReferenceManage).MapComponentInventory();
        return app;
    }

    public sealed record CategoryDto(CategoryKind Kind, string Code, string MajorCode, string MajorNameZh, string MajorNameEn, string NameZh, string NameEn, string Standard, bool IsLocalExtension);

    public sealed record AddCategoryRequest(CategoryKind? Kind, string? Code, string? NameZh, string? NameEn);

    public sealed record DepartmentDto(Guid Id, string Code, string NameZh, string NameEn, string Kind, bool IsActive);

    public sealed record AddDepartmentRequest(string? Code, string? NameZh, string? NameEn, string? Kind);

    public sealed record ResponsibilityRuleDto(Guid Id, string CategoryCode, string? StreetCode, Guid DepartmentId);

    public sealed record ResponsibilityGridDto(Guid Id, string Code, string Name, Guid? InspectorId, IReadOnlyList<string> GridCodes);

    private static async Task<IResult> ListCategoriesAsync(CategoryKind? kind, string? major, CivicGridDbContext db, CancellationToken ct)
    {
        var q = db.Categories.AsNoTracking().Where(c => c.IsActive);
        if (kind is { } k)
        {
            q = q.Where(c => c.Kind == k);
        }

        if (!string.IsNullOrWhiteSpace(major))
        {
            q = q.Where(c => c.Code.StartsWith(major));
        }

        var rows = await q.OrderBy(c => c.Kind).ThenBy(c => c.Code).ToListAsync(ct);
        return Results.Ok(rows.Select(c => new CategoryDto(c.Kind, c.Code, c.MajorCode, c.MajorNameZh, c.MajorNameEn, c.NameZh, c.NameEn, c.Standard, c.IsLocalExtension)));
    }

    private static async Task<IResult> AddCategoryAsync(AddCategoryRequest request, CivicGridDbContext db, CancellationToken ct)
    {
        if (request.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            throw new DomainValidationException("kind", "kind is component or event.");
        }

        var code = request.Code ?? string.Empty;
        if (code.Length != 5 || !code.All(char.IsAsciiDigit))
        {
            throw new DomainValidationException("code", "A category code has 5 digits (2 major + 3 minor).");
        }

        // Local extensions use minor codes 800–999, counted down, as the directory reserves the low range.
        if (int.Parse(code[2..], CultureInfo.InvariantCulture) < 800)
        {
            throw new DomainValidationException("code", "Local extensions use minor codes 800–999.");
        }

        if (string.IsNullOrWhiteSpace(request.NameZh) || string.IsNullOrWhiteSpace(request.NameEn))
        {
            throw new DomainValidationException(string.IsNullOrWhiteSpace(request.NameZh) ? "nameZh" : "nameEn", "Give the Chinese and the English name.");
        }

        var major = await db.Categories.AsNoTracking().FirstOrDefaultAsync(c => c.Kind == kind && c.Code.StartsWith(code.Substring(0, 2)), ct)
            ?? throw new DomainValidationException("code", $"Major category {code[..2]} does not exist for {kind}.");
        if (await db.Categories.AnyAsync(c => c.Kind == kind && c.Code == code, ct))
        {
            throw new Common.ConflictException($"Category {kind} {code} already exists.");
        }

        var category = new Category
        {
            Kind = kind,
            Code = code,
            MajorNameZh = major.MajorNameZh,
            MajorNameEn = major.MajorNameEn,
            NameZh = request.NameZh.Trim() + "（自定义）",
            NameEn = request.NameEn.Trim() + " (local)",
            Standard = "local",
            IsLocalExtension = true,
        };
        db.Categories.Add(category);
        await db.SaveChangesAsync(ct);
        return Results.Created($"/api/v1/categories?kind={kind}", new CategoryDto(kind, code, category.MajorCode, category.MajorNameZh, category.MajorNameEn, category.NameZh, category.NameEn, category.Standard, true));
    }

    private static async Task<IResult> AddDepartmentAsync(AddDepartmentRequest request, CivicGridDbContext db, CancellationToken ct)
    {
        var code = request.Code?.Trim().ToLowerInvariant() ?? string.Empty;
        if (code.Length is 0 or > 32 || !code.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-'))
        {
            throw new DomainValidationException("code", "code is a slug of lower-case letters, digits and dashes (at most 32).");
        }

        if (string.IsNullOrWhiteSpace(request.NameZh) || string.IsNullOrWhiteSpace(request.NameEn))
        {
            throw new DomainValidationException(string.IsNullOrWhiteSpace(request.NameZh) ? "nameZh" : "nameEn", "Give the Chinese and the English name.");
        }

        if (await db.Departments.AnyAsync(d => d.Code == code, ct))
        {
            throw new Common.ConflictException($"Department '{code}' already exists.");
        }

        var d = new Department { Code = code, NameZh = request.NameZh.Trim(), NameEn = request.NameEn.Trim(), Kind = request.Kind ?? "department" };
        db.Departments.Add(d);
        await db.SaveChangesAsync(ct);
        return Results.Created($"/api/v1/departments/{d.Id}", new DepartmentDto(d.Id, d.Code, d.NameZh, d.NameEn, d.Kind, d.IsActive));
    }

    private static async Task<IResult> AddRuleAsync(ResponsibilityRuleDto request, CivicGridDbContext db, CancellationToken ct)
    {
        var code = request.CategoryCode ?? string.Empty;
        if (code.Length is not (2 or 5) || !code.All(char.IsAsciiDigit))
        {
            throw new DomainValidationException("categoryCode", "categoryCode is a 5-digit event code or a 2-digit major code.");
        }

        if (request.StreetCode is { } street && !await db.Streets.AnyAsync(s => s.Code == street, ct))
        {
            throw new DomainValidationException("streetCode", $"Street '{street}' does not exist.");
        }

        if (!await db.Departments.AnyAsync(d => d.Id == request.DepartmentId, ct))
        {
            throw new DomainValidationException("departmentId", $"Department '{request.DepartmentId}' does not exist.");
        }

        if (await db.ResponsibilityRules.AnyAsync(r => r.CategoryCode == code && r.StreetCode == request.StreetCode, ct))
        {
            throw new Common.ConflictException("A rule for this category and street exists already.");
        }

        var rule = new ResponsibilityRule { CategoryCode = code, StreetCode = request.StreetCode, DepartmentId = request.DepartmentId };
        db.ResponsibilityRules.Add(rule);
        await db.SaveChangesAsync(ct);
        return Results.Created($"/api/v1/responsibility-rules/{rule.Id}", request with { Id = rule.Id });
    }

    private static async Task<IResult> ListGridsAsync(string? bbox, string? streetCode, string? communityCode, CivicGridDbContext db, CancellationToken ct)
    {
        var q = db.UnitGrids.AsNoTracking();
        if (Bbox.TryParse(bbox, out var box))
        {
            q = q.Where(g => g.CentroidLongitude >= box.MinLon && g.CentroidLongitude <= box.MaxLon && g.CentroidLatitude >= box.MinLat && g.CentroidLatitude <= box.MaxLat);
        }

        if (!string.IsNullOrWhiteSpace(streetCode))
        {
            q = q.Where(g => g.StreetCode == streetCode);
        }

        if (!string.IsNullOrWhiteSpace(communityCode))
        {
            q = q.Where(g => g.CommunityCode == communityCode);
        }

        var grids = await q.OrderBy(g => g.Code).Take(MaxFeatures).ToListAsync(ct);
        var fc = new FeatureCollection();
        foreach (var g in grids)
        {
            fc.Add(GridFeature(g));
        }

        return Results.Ok(fc);
    }

    private static async Task<IResult> ListComponentsAsync(string? bbox, string? gridCode, string? categoryCode, CivicGridDbContext db, CancellationToken ct)
    {
        var q = db.Components.AsNoTracking();
        if (Bbox.TryParse(bbox, out var box))
        {
            q = q.Where(c => c.Longitude >= box.MinLon && c.Longitude <= box.MaxLon && c.Latitude >= box.MinLat && c.Latitude <= box.MaxLat);
        }

        if (!string.IsNullOrWhiteSpace(gridCode))
        {
            q = q.Where(c => c.GridCode == gridCode);
        }

        if (!string.IsNullOrWhiteSpace(categoryCode))
        {
            q = q.Where(c => c.CategoryCode == categoryCode);
        }

        var rows = await q.OrderBy(c => c.Id).Take(MaxFeatures).ToListAsync(ct);
        var fc = new FeatureCollection();
        foreach (var c in rows)
        {
            fc.Add(ComponentFeature(c));
        }

        return Results.Ok(fc);
    }

    private static Feature GridFeature(UnitGrid g) => new(g.Boundary, new AttributesTable
    {
        { "code", g.Code },
        { "communityCode", g.CommunityCode },
        { "streetCode", g.StreetCode },
        { "areaSquareMetres", Math.Round(g.AreaSquareMetres, 1) },
    });

    private static Feature ComponentFeature(Component c) => new(new Point(c.Longitude, c.Latitude), new AttributesTable
    {
        { "id", c.Id },
        { "categoryCode", c.CategoryCode },
        { "name", c.Name },
        { "gridCode", c.GridCode },
        { "ownerDepartmentId", c.OwnerDepartmentId },
        { "state", System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(c.State.ToString()) },
    });

    private static FeatureCollection Collection<T>(IEnumerable<T> rows, Func<T, Geometry> geometry, Func<T, Dictionary<string, object>> attributes)
    {
        var fc = new FeatureCollection();
        foreach (var row in rows)
        {
            fc.Add(new Feature(geometry(row), new AttributesTable(attributes(row))));
        }

        return fc;
    }
}

/// <summary>A bounding box query parameter: <c>minLon,minLat,maxLon,maxLat</c>.</summary>
public readonly record struct Bbox(double MinLon, double MinLat, double MaxLon, double MaxLat)
{
    /// <summary>False when absent; throws a 400 naming <c>bbox</c> when malformed.</summary>
    public static bool TryParse(string? text, out Bbox box)
    {
        box = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Split(',');
        var v = new double[4];
        if (parts.Length != 4
            || !parts.Select((s, i) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v[i])).All(ok => ok)
            || v[0] > v[2] || v[1] > v[3])
        {
            throw new DomainValidationException("bbox", "bbox is minLon,minLat,maxLon,maxLat with min ≤ max.");
        }

        box = new Bbox(v[0], v[1], v[2], v[3]);
        return true;
    }
}
