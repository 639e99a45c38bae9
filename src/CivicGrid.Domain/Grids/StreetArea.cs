using NetTopologySuite.Geometries;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// A street of a generated <see cref="DistrictPartition"/>. Its code and names are real; its outline is
/// <b>simulated</b> (a Voronoi cell clipped to the district), because the real street boundaries are not available.
/// </summary>
/// <param name="Code">The 9-digit street code.</param>
/// <param name="Name">Chinese name, e.g. 东华门街道.</param>
/// <param name="EnglishName">English name, e.g. Donghuamen.</param>
/// <param name="Geometry">
/// Simulated outline in lon/lat degrees (SRID 4326 label, same datum as the input boundary). A
/// <see cref="Polygon"/> whenever the district is a single polygon.
/// </param>
/// <param name="AreaSquareMetres">Area by <see cref="GeoMeasure.AreaSquareMetres"/>.</param>
public sealed record StreetArea(StreetCode Code, string Name, string EnglishName, Geometry Geometry, double AreaSquareMetres);
