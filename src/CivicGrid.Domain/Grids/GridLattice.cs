namespace CivicGrid.Domain.Grids;

/// <summary>
/// The regular lattice the unit grids are cut from: cell (row, column) spans longitudes
/// [<see cref="OriginLongitude"/> + column × width, + width] and latitudes
/// [<see cref="OriginLatitude"/> − (row + 1) × height, <see cref="OriginLatitude"/> − row × height].
/// </summary>
/// <param name="OriginLongitude">Western edge of column 0 (the district's western extreme).</param>
/// <param name="OriginLatitude">Northern edge of row 0 (the district's northern extreme).</param>
/// <param name="CellWidthDegrees">Cell width: the cell size in metres over 111,320 × cos(reference latitude).</param>
/// <param name="CellHeightDegrees">Cell height: the cell size in metres over 111,320.</param>
/// <param name="Rows">Rows covering the district.</param>
/// <param name="Columns">Columns covering the district.</param>
/// <param name="CellSizeMetres">Nominal cell side in metres.</param>
public sealed record GridLattice(
    double OriginLongitude,
    double OriginLatitude,
    double CellWidthDegrees,
    double CellHeightDegrees,
    int Rows,
    int Columns,
    double CellSizeMetres);
