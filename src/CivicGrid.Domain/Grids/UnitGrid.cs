using NetTopologySuite.Geometries;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// A unit grid (万米单元网格): one cell of the district's regular ~100 m lattice, clipped to one community.
/// </summary>
/// <param name="Code">The 15-digit grid code: community code + sequence 001… (rows north→south, west→east in a row).</param>
/// <param name="CommunityCode">The only community the grid lies in (grids never straddle a community boundary).</param>
/// <param name="StreetCode">The street of that community.</param>
/// <param name="Geometry">
/// Always a <see cref="Polygon"/> in lon/lat degrees: a full cell, a cell clipped by the community, or such a piece
/// with a small sliver of a neighbouring cell merged in (see <see cref="DistrictPartitionOptions.MinGridAreaFraction"/>).
/// </param>
/// <param name="AreaSquareMetres">Area by <see cref="GeoMeasure.AreaSquareMetres"/>.</param>
/// <param name="Centroid">Centroid of <paramref name="Geometry"/>.</param>
/// <param name="Row">Lattice row of the grid's cell, 0 = northernmost row of the district.</param>
/// <param name="Column">Lattice column of the grid's cell, 0 = westernmost column of the district.</param>
public sealed record UnitGrid(
    GridCode Code,
    CommunityCode CommunityCode,
    StreetCode StreetCode,
    Polygon Geometry,
    double AreaSquareMetres,
    Point Centroid,
    int Row,
    int Column);
