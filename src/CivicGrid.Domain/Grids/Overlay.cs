using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using Ng = NetTopologySuite.Operation.OverlayNG.OverlayNG;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// Overlay operations in one fixed precision model. Snap-rounding every result to the same 1e-7° grid (≈ 1 cm)
/// makes neighbouring pieces share identical edge coordinates, so they tile without slivers or overlaps, and keeps
/// results independent of the process-wide NTS overlay settings.
/// </summary>
internal static class Overlay
{
    /// <summary>1e7 units per degree: coordinates are kept to 1e-7° (about 1 cm).</summary>
    public static readonly PrecisionModel Precision = new(1e7);

    /// <summary>SRID label of lon/lat degrees. The demo data's datum is probably GCJ-02, not WGS-84 proper.</summary>
    public const int LonLatSrid = 4326;

    public static readonly GeometryFactory Factory = new(Precision, LonLatSrid);

    public static IReadOnlyList<Polygon> Intersection(Geometry a, Geometry b) => Polygons(Run(a, b, SpatialFunction.Intersection));

    public static IReadOnlyList<Polygon> Union(Geometry a, Geometry b) => Polygons(Run(a, b, SpatialFunction.Union));

    /// <summary>The parts of <paramref name="lines"/> inside or on <paramref name="area"/>.</summary>
    public static Geometry Clip(Geometry lines, Geometry area) => Run(lines, area, SpatialFunction.Intersection);

    /// <summary>All <paramref name="lines"/> noded against each other (split at every crossing) and deduplicated.</summary>
    /// <remarks>A union with an empty geometry, as JTS's UnaryUnionOp does, snap-rounded to <see cref="Precision"/>.</remarks>
    public static Geometry Node(IEnumerable<Geometry> lines)
    {
        var all = Factory.CreateMultiLineString([.. lines.SelectMany(LineStringExtracter.GetLines).Cast<LineString>()]);
        return Ng.Overlay(all, Factory.CreatePoint(), SpatialFunction.Union, Precision);
    }

    /// <summary>Union of polygons that form a coverage (neighbours share identical edges), as polygons.</summary>
    public static IReadOnlyList<Polygon> UnionAll(IReadOnlyList<Polygon> polygons) =>
        polygons.Count == 1 ? polygons : Polygons(CoverageUnion.Union(Factory.CreateMultiPolygon([.. polygons])));

    /// <summary>Length (degrees) of the border two polygonal geometries share.</summary>
    public static double SharedBorderLength(Geometry a, Geometry b) =>
        a.EnvelopeInternal.Intersects(b.EnvelopeInternal)
            ? Ng.Overlay(a.Boundary, b.Boundary, SpatialFunction.Intersection, Precision).Length
            : 0;

    /// <summary>One polygon as itself, several as a MultiPolygon (largest first is not implied).</summary>
    public static Geometry Combine(IReadOnlyList<Polygon> polygons) => polygons.Count switch
    {
        0 => Factory.CreatePolygon(),
        1 => polygons[0],
        _ => Factory.CreateMultiPolygon([.. polygons]),
    };

    public static IReadOnlyList<Polygon> Polygons(Geometry geometry)
    {
        var list = new List<Polygon>();
        foreach (var polygon in PolygonExtracter.GetPolygons(geometry).Cast<Polygon>())
        {
            if (!polygon.IsEmpty && polygon.Area > 0)
            {
                list.Add(polygon);
            }
        }

        return list;
    }

    private static Geometry Run(Geometry a, Geometry b, SpatialFunction op) =>
        new Ng(a, b, Precision, op) { StrictMode = true }.GetResult();
}
