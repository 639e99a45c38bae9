using NetTopologySuite.Geometries;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// The result of <see cref="DistrictPartitioner.Partition"/>: a district divided into streets, communities and unit
/// grids that tile it without gaps or overlaps. The street and community outlines are <b>simulated</b>; only the
/// district outline, street codes and street names come from real data.
/// </summary>
/// <param name="AdminDivisionCode">The district's 6-digit code.</param>
/// <param name="Boundary">The district outline actually partitioned: the input snapped to 1e-7° and made valid.</param>
/// <param name="BoundaryAreaSquareMetres">Area of <paramref name="Boundary"/> by <see cref="GeoMeasure.AreaSquareMetres"/>.</param>
/// <param name="Lattice">The cell lattice the grids were cut from.</param>
/// <param name="Seed">The seed used.</param>
/// <param name="Streets">Streets in code order.</param>
/// <param name="Communities">Communities in code order.</param>
/// <param name="Grids">Unit grids in code order.</param>
public sealed record DistrictPartition(
    AdminDivisionCode AdminDivisionCode,
    Geometry Boundary,
    double BoundaryAreaSquareMetres,
    GridLattice Lattice,
    int Seed,
    IReadOnlyList<StreetArea> Streets,
    IReadOnlyList<CommunityArea> Communities,
    IReadOnlyList<UnitGrid> Grids);
