using NetTopologySuite.Geometries;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// A community (社区) of a generated <see cref="DistrictPartition"/>. Everything about it is <b>simulated</b>:
/// code numbers 001…, names such as 东华门第一社区 / "Donghuamen Community 1", and an outline that is a Voronoi cell
/// clipped to its street. Real community boundaries and names are not available.
/// </summary>
/// <param name="Code">The 12-digit community code (street code + 001…).</param>
/// <param name="StreetCode">The street the community lies in.</param>
/// <param name="Name">Simulated Chinese name, e.g. 东华门第一社区.</param>
/// <param name="EnglishName">Simulated English name, e.g. Donghuamen Community 1.</param>
/// <param name="Geometry">
/// Simulated outline in lon/lat degrees. A <see cref="Polygon"/> whenever the district is a single polygon.
/// </param>
/// <param name="AreaSquareMetres">Area by <see cref="GeoMeasure.AreaSquareMetres"/>.</param>
public sealed record CommunityArea(
    CommunityCode Code,
    StreetCode StreetCode,
    string Name,
    string EnglishName,
    Geometry Geometry,
    double AreaSquareMetres);
