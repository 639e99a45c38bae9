using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;

namespace CivicGrid.Server.Tests.Infrastructure;

/// <summary>
/// A small district for API tests: one street, one community, a 3 × 3 block of 0.001° grids
/// near Dongcheng, two departments with responsibility rules, and one user per role.
/// </summary>
public sealed record TestDistrict(Guid SanitationId, Guid TrafficId, IReadOnlyList<string> GridCodes)
{
    public const string StreetCode = "110101001";
    public const string CommunityCode = "110101001001";
    public const double West = 116.400;
    public const double South = 39.900;
    public const double Cell = 0.001;

    /// <summary>A position inside grid (row, col) of the block, rows from the north.</summary>
    public static (double Lon, double Lat) Inside(int row = 0, int col = 0) =>
        (West + (col + 0.5) * Cell, South + (3 - row - 0.5) * Cell);

    public static async Task<TestDistrict> SeedAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<CivicGridDbContext>();
        var factory = new GeometryFactory(new PrecisionModel(), 4326);
        Polygon Box(double w, double s, double e, double n) =>
            factory.CreatePolygon([new(w, s), new(e, s), new(e, n), new(w, n), new(w, s)]);

        var block = Box(West, South, West + 3 * Cell, South + 3 * Cell);
        db.Streets.Add(new Street { Code = StreetCode, NameZh = "测试街道", NameEn = "Test street", Boundary = block });
        db.Communities.Add(new Community { Code = CommunityCode, StreetCode = StreetCode, NameZh = "测试社区", NameEn = "Test community", Boundary = block });
        var codes = new List<string>();
        var n = 1;
        for (var row = 0; row < 3; row++)
        {
            for (var col = 0; col < 3; col++)
            {
                var code = CommunityCode + n++.ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
                var north = South + (3 - row) * Cell;
                db.UnitGrids.Add(new UnitGrid
                {
                    Code = code,
                    CommunityCode = CommunityCode,
                    StreetCode = StreetCode,
                    Boundary = Box(West + col * Cell, north - Cell, West + (col + 1) * Cell, north),
                    AreaSquareMetres = 9500,
                    CentroidLongitude = West + (col + 0.5) * Cell,
                    CentroidLatitude = north - Cell / 2,
                });
                codes.Add(code);
            }
        }

        var sanitation = new Department { Code = "sanitation", NameZh = "环卫中心", NameEn = "Sanitation", Kind = "department" };
        var traffic = new Department { Code = "traffic", NameZh = "交通支队", NameEn = "Traffic", Kind = "department" };
        db.Departments.AddRange(sanitation, traffic);
        db.ResponsibilityRules.AddRange(
            new ResponsibilityRule { CategoryCode = "06", DepartmentId = sanitation.Id },
            new ResponsibilityRule { CategoryCode = "09009", DepartmentId = traffic.Id });
        db.Components.Add(new Component
        {
            Id = "11010101001000001",
            CategoryCode = "01001",
            Name = "供水井盖",
            Longitude = Inside().Lon,
            Latitude = Inside().Lat,
            GridCode = codes[0],
            OwnerDepartmentId = sanitation.Id,
        });
        await db.SaveChangesAsync();

        var users = services.GetRequiredService<UserAdministration>();
        foreach (var (name, role, dept) in new (string, Role, Guid?)[]
        {
            ("operator", Role.Operator, null), ("dispatcher", Role.Dispatcher, null), ("supervisor", Role.Supervisor, null),
            ("inspector", Role.Inspector, null), ("analyst", Role.Analyst, null), ("auditor", Role.Auditor, null), ("citizen", Role.Citizen, null),
            ("handler-a", Role.Handler, sanitation.Id), ("handler-b", Role.Handler, traffic.Id),
        })
        {
            if (!await db.Users.AnyAsync(u => u.UserName == name))
            {
                await users.CreateAsync(new UserEndpoints.CreateUserRequest(name, name, role, dept, CivicGridApp.Password), default);
            }
        }

        // The inspector patrols the whole block (their data scope is their responsibility grid).
        var inspector = await db.Users.FirstAsync(u => u.UserName == "inspector");
        if (!await db.ResponsibilityGrids.AnyAsync(r => r.InspectorId == inspector.Id))
        {
            var patrol = new ResponsibilityGrid { Code = "T01", Name = "测试责任网格", InspectorId = inspector.Id };
            patrol.Members.AddRange(codes.Select(c => new ResponsibilityGridMember { ResponsibilityGridId = patrol.Id, GridCode = c }));
            db.ResponsibilityGrids.Add(patrol);
            await db.SaveChangesAsync();
        }

        services.GetRequiredService<GridLocator>().Invalidate();
        return new TestDistrict(sanitation.Id, traffic.Id, codes);
    }
}
