using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// Finds the unit grid a point falls in (e.g. to geocode a reported case) with an STR-tree of grid envelopes.
/// Safe for concurrent lookups once constructed.
/// </summary>
public sealed class UnitGridLocator
{
    private readonly STRtree<UnitGrid> _index = new();

    /// <summary>Indexes <paramref name="grids"/> (typically <see cref="DistrictPartition.Grids"/>).</summary>
    public UnitGridLocator(IEnumerable<UnitGrid> grids)
    {
        ArgumentNullException.ThrowIfNull(grids);
        var count = 0;
        foreach (var grid in grids)
        {
            _index.Insert(grid.Geometry.EnvelopeInternal, grid);
            count++;
        }

        Count = count;
        _index.Build();
    }

    /// <summary>Number of indexed grids.</summary>
    public int Count { get; }

    /// <summary>
    /// All grids whose polygon covers the point (interior or boundary): one for a point inside a grid, two or more for
    /// a point on a shared edge or corner, none outside the grids. Ordered by grid code.
    /// </summary>
    public IReadOnlyList<UnitGrid> FindAll(double longitude, double latitude)
    {
        var point = new Coordinate(longitude, latitude);
        return [.. _index.Query(new Envelope(point))
            .Where(g => SimplePointInAreaLocator.Locate(point, g.Geometry) != Location.Exterior)
            .OrderBy(g => g.Code.Value, StringComparer.Ordinal)];
    }

    /// <summary>The grid the point falls in; on a shared edge, the one with the lowest code; null outside all grids.</summary>
    public UnitGrid? Find(double longitude, double latitude)
    {
        var grids = FindAll(longitude, latitude);
        return grids.Count > 0 ? grids[0] : null;
    }
}
