using NetTopologySuite.Geometries;

namespace CivicGrid.Domain.CityModel;

/// <summary>What a <see cref="Landmark"/> is: it decides how addresses read ("王府井大街附近", "距雍和宫 120 米").</summary>
public enum LandmarkKind
{
    /// <summary>A road or lane (道路/胡同); has a <see cref="Landmark.Path"/>.</summary>
    Road,
    /// <summary>A station or crossing people name places by (地铁站, 路口).</summary>
    Transit,
    /// <summary>A park or square.</summary>
    Park,
    /// <summary>A historic site (文物古迹).</summary>
    Heritage,
    /// <summary>A temple, church or mosque.</summary>
    Religion,
    /// <summary>A museum, theatre or stadium.</summary>
    Culture,
    /// <summary>A shop, mall, market or hotel.</summary>
    Commerce,
    /// <summary>A hospital.</summary>
    Hospital,
    /// <summary>A school or university.</summary>
    School,
    /// <summary>A government office.</summary>
    Government,
    /// <summary>A residential area (小区).</summary>
    Residential,
    /// <summary>Anything else people know by name.</summary>
    Other,
}

/// <summary>
/// 地名: a named place of the district's gazetteer (a landmark, a road, a station) that callers and
/// citizens use to say where a problem is. Positions are WGS-84.
/// </summary>
public sealed class Landmark
{
    public const int MaxNameLength = 50;
    public const int MaxAliases = 10;

    public Guid Id { get; init; } = Guid.CreateVersion7();

    public required string NameZh { get; set; }

    public required string NameEn { get; set; }

    /// <summary>Other names people use (简称, 俗称, old names).</summary>
    public List<string> Aliases { get; set; } = [];

    public required LandmarkKind Kind { get; set; }

    /// <summary>The point shown for the place (a road's middle).</summary>
    public required double Longitude { get; set; }

    public required double Latitude { get; set; }

    /// <summary>A road's centre line (a LineString), so that "near the road" is measured to the road, not to its middle.</summary>
    public Geometry? Path { get; set; }
}
