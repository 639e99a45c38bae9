using NetTopologySuite.Geometries;

namespace CivicGrid.Domain.CityModel;

/// <summary>街道: the level between the district and its communities. Code = 9 digits (6 admin + 3 street).</summary>
public sealed class Street
{
    public required string Code { get; init; }

    public required string NameZh { get; set; }

    public required string NameEn { get; set; }

    public required Geometry Boundary { get; set; }
}

/// <summary>社区: a community inside a street. Code = 12 digits (street code + 3).</summary>
public sealed class Community
{
    public required string Code { get; init; }

    public required string StreetCode { get; init; }

    public required string NameZh { get; set; }

    public required string NameEn { get; set; }

    public required Geometry Boundary { get; set; }
}

/// <summary>单元网格: the ~100 m × 100 m cell every case and component belongs to. Code = 15 characters.</summary>
public sealed class UnitGrid
{
    public required string Code { get; init; }

    public required string CommunityCode { get; init; }

    public required string StreetCode { get; init; }

    public required Geometry Boundary { get; set; }

    public double AreaSquareMetres { get; set; }

    public double CentroidLongitude { get; set; }

    public double CentroidLatitude { get; set; }
}

/// <summary>责任网格: a group of unit grids an inspector patrols.</summary>
public sealed class ResponsibilityGrid
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string Code { get; init; }

    public required string Name { get; set; }

    /// <summary>The inspector bound to it.</summary>
    public Guid? InspectorId { get; set; }

    public List<ResponsibilityGridMember> Members { get; init; } = [];
}

/// <summary>A unit grid that belongs to a responsibility grid.</summary>
public sealed class ResponsibilityGridMember
{
    public Guid ResponsibilityGridId { get; init; }

    public required string GridCode { get; init; }
}

/// <summary>Whether a category names a component (部件) or an event/matter (事件/事项).</summary>
public enum CategoryKind
{
    Component,
    Event,
}

/// <summary>A category of the GB/T 47678.5-2026 directory, or a local extension.</summary>
public sealed class Category
{
    public required CategoryKind Kind { get; init; }

    /// <summary>5 digits: 2 major + 3 minor.</summary>
    public required string Code { get; init; }

    public string MajorCode => Code[..2];

    public required string MajorNameZh { get; set; }

    public required string MajorNameEn { get; set; }

    public required string NameZh { get; set; }

    public required string NameEn { get; set; }

    /// <summary>"GB/T 47678.5-2026" or "local".</summary>
    public required string Standard { get; set; }

    public bool IsLocalExtension { get; set; }

    public bool IsActive { get; set; } = true;
}

/// <summary>专业部门: a department or utility company that fixes problems.</summary>
public sealed class Department
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>A short stable slug, e.g. <c>sanitation</c>.</summary>
    public required string Code { get; init; }

    public required string NameZh { get; set; }

    public required string NameEn { get; set; }

    /// <summary>department, utility or street (the 属地 fallback).</summary>
    public required string Kind { get; set; }

    public bool IsActive { get; set; } = true;
}

/// <summary>
/// Who is responsible: an event category, optionally limited to a street, maps to a department (主办)
/// and, optionally, to departments that support it (协办). The most specific rule wins: category +
/// street, then category, then major category (see <see cref="Cases.DispatchPlanner"/> for the whole choice).
/// </summary>
public sealed class ResponsibilityRule
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>A 5-digit event code, or a 2-digit major code.</summary>
    public required string CategoryCode { get; init; }

    /// <summary>9-digit street code; null for the whole district.</summary>
    public string? StreetCode { get; init; }

    public required Guid DepartmentId { get; set; }

    /// <summary>协办: departments that take part in every case this rule dispatches (a road collapse: roads, with the traffic police).</summary>
    public List<Guid> SupportingDepartmentIds { get; set; } = [];

    /// <summary>The most specific rule for a category in a street, or null.</summary>
    public static ResponsibilityRule? Match(IEnumerable<ResponsibilityRule> rules, string categoryCode, string streetCode)
    {
        var major = categoryCode.Length >= 2 ? categoryCode[..2] : categoryCode;
        return rules
            .Where(r => (string.Equals(r.CategoryCode, categoryCode, StringComparison.Ordinal)
                         || string.Equals(r.CategoryCode, major, StringComparison.Ordinal))
                        && (r.StreetCode is null || string.Equals(r.StreetCode, streetCode, StringComparison.Ordinal)))
            .OrderByDescending(r => r.CategoryCode.Length)
            .ThenByDescending(r => r.StreetCode is not null)
            .ThenBy(r => r.Id)
            .FirstOrDefault();
    }

    /// <summary>Picks the responsible department for a category in a street, or null.</summary>
    public static Guid? Resolve(IEnumerable<ResponsibilityRule> rules, string categoryCode, string streetCode) =>
        Match(rules, categoryCode, streetCode)?.DepartmentId;
}

/// <summary>管理部件状态.</summary>
public enum ComponentState
{
    /// <summary>完好.</summary>
    Intact,
    /// <summary>破损.</summary>
    Damaged,
    /// <summary>丢失.</summary>
    Missing,
    /// <summary>废弃.</summary>
    Abandoned,
    /// <summary>移除.</summary>
    Removed,
}

/// <summary>管理部件: one object of the inventory (a manhole cover, a streetlight, a bin...).</summary>
public sealed class Component
{
    /// <summary>17 digits: 6 admin + 5 category + 6 serial.</summary>
    public required string Id { get; init; }

    public required string CategoryCode { get; init; }

    public required string Name { get; set; }

    public required double Longitude { get; set; }

    public required double Latitude { get; set; }

    public required string GridCode { get; set; }

    /// <summary>主管部门: a case that names this component goes to it before any category rule.</summary>
    public required Guid OwnerDepartmentId { get; set; }

    public ComponentState State { get; set; } = ComponentState.Intact;

    public DateOnly SurveyedOn { get; set; }

    public DateOnly? ChangedOn { get; set; }
}
