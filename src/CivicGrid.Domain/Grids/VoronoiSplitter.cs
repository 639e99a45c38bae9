using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Triangulate;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// Spreads seed points over a polygonal area and builds their Voronoi cells. Points start at random positions
/// inside the area and are moved by Lloyd relaxation (each point to the centroid of its Voronoi cell clipped to the
/// area), which gives parts of similar size. Cells are built in a locally isotropic space (longitude scaled by
/// cos(latitude)), so parts are not stretched east–west.
/// </summary>
internal static class VoronoiSplitter
{
    /// <summary>A part and the seed point it grew from (in lon/lat degrees).</summary>
    internal sealed record Part(Coordinate Site, Geometry Region);

    /// <summary>Splits <paramref name="area"/> into <paramref name="count"/> contiguous parts.</summary>
    /// <returns>Exactly <paramref name="count"/> non-empty parts, ordered north→south then west→east by seed point.</returns>
    public static IReadOnlyList<Part> Split(Geometry area, int count, Random random, int iterations, double longitudeScale)
    {
        var sites = Relax(area, count, random, iterations, longitudeScale);
        var regions = ClippedCells(area, sites, longitudeScale);
        if (regions.Any(r => r.IsEmpty))
        {
            throw new InvalidOperationException(
                $"Could not split the area into {count} non-empty parts; try another seed or fewer parts.");
        }

        MakeContiguous(regions);
        return [.. sites.Select((site, i) => new Part(site, regions[i]))];
    }

    /// <summary>
    /// <paramref name="count"/> seed points inside <paramref name="area"/> after <paramref name="iterations"/> Lloyd
    /// rounds, ordered north→south then west→east.
    /// </summary>
    public static IReadOnlyList<Coordinate> Relax(Geometry area, int count, Random random, int iterations, double longitudeScale)
    {
        var sites = SampleInterior(area, count, random);
        if (count > 1)
        {
            for (var i = 0; i < iterations; i++)
            {
                var regions = ClippedCells(area, sites, longitudeScale);
                for (var s = 0; s < sites.Count; s++)
                {
                    if (!regions[s].IsEmpty)
                    {
                        sites[s] = regions[s].Centroid.Coordinate.Copy();
                    }
                }
            }
        }

        return [.. sites.OrderByDescending(c => c.Y).ThenBy(c => c.X)];
    }

    /// <summary>The edges of the Voronoi diagram of <paramref name="sites"/> (lon/lat), covering <paramref name="extent"/>.</summary>
    public static Geometry Edges(Envelope extent, IReadOnlyList<Coordinate> sites, double longitudeScale)
    {
        if (sites.Count < 2)
        {
            return Overlay.Factory.CreateMultiLineString();
        }

        var cells = Cells(extent, sites, longitudeScale);
        return Overlay.Factory.BuildGeometry(cells.Select(c => c.Boundary));
    }

    /// <summary>Index of the site nearest to <paramref name="point"/>, i.e. the Voronoi cell the point lies in.</summary>
    public static int Nearest(IReadOnlyList<Coordinate> sites, Coordinate point, double longitudeScale)
    {
        var best = 0;
        var bestDistance = double.MaxValue;
        for (var i = 0; i < sites.Count; i++)
        {
            var dx = (sites[i].X - point.X) * longitudeScale;
            var dy = sites[i].Y - point.Y;
            var distance = (dx * dx) + (dy * dy);
            if (distance < bestDistance)
            {
                best = i;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static List<Coordinate> SampleInterior(Geometry area, int count, Random random)
    {
        var locator = new IndexedPointInAreaLocator(area);
        var envelope = area.EnvelopeInternal;
        var sites = new List<Coordinate>(count);
        var seen = new HashSet<Coordinate>();
        for (var attempt = 0; sites.Count < count; attempt++)
        {
            if (attempt > (1_000 * count) + 10_000)
            {
                throw new InvalidOperationException($"Could not place {count} seed points inside an area of {area.Area}°².");
            }

            var candidate = new Coordinate(
                envelope.MinX + (random.NextDouble() * envelope.Width),
                envelope.MinY + (random.NextDouble() * envelope.Height));
            if (locator.Locate(candidate) == Location.Interior && seen.Add(candidate))
            {
                sites.Add(candidate);
            }
        }

        return sites;
    }

    /// <summary>The Voronoi cell of each site clipped to the area, aligned with <paramref name="sites"/>.</summary>
    private static Geometry[] ClippedCells(Geometry area, IReadOnlyList<Coordinate> sites, double longitudeScale)
    {
        if (sites.Count == 1)
        {
            return [area];
        }

        return [.. Cells(area.EnvelopeInternal, sites, longitudeScale)
            .Select(cell => Overlay.Combine(Overlay.Intersection(cell, area)))];
    }

    /// <summary>Unclipped Voronoi cells in lon/lat, aligned with <paramref name="sites"/>, covering <paramref name="extent"/>.</summary>
    private static Geometry[] Cells(Envelope extent, IReadOnlyList<Coordinate> sites, double longitudeScale)
    {
        var toIsotropic = AffineTransformation.ScaleInstance(longitudeScale, 1);
        var toLonLat = AffineTransformation.ScaleInstance(1 / longitudeScale, 1);

        var index = new Dictionary<(double X, double Y), int>();
        var scaledSites = new List<Coordinate>(sites.Count);
        for (var i = 0; i < sites.Count; i++)
        {
            var scaled = toIsotropic.Transform(sites[i], new Coordinate());
            index[(scaled.X, scaled.Y)] = i;
            scaledSites.Add(scaled);
        }

        var clip = new Envelope(extent.MinX * longitudeScale, extent.MaxX * longitudeScale, extent.MinY, extent.MaxY);
        clip.ExpandBy(Math.Max(clip.Width, clip.Height));

        var builder = new VoronoiDiagramBuilder { ClipEnvelope = clip };
        builder.SetSites(scaledSites);
        var diagram = builder.GetDiagram(Overlay.Factory);

        var cells = new Geometry[sites.Count];
        for (var g = 0; g < diagram.NumGeometries; g++)
        {
            var cell = diagram.GetGeometryN(g);
            var site = (Coordinate)cell.UserData;
            if (!index.TryGetValue((site.X, site.Y), out var i))
            {
                throw new InvalidOperationException("A Voronoi cell could not be matched to its seed point.");
            }

            cells[i] = toLonLat.Transform(cell);
        }

        return cells.Any(c => c is null)
            ? throw new InvalidOperationException("The Voronoi diagram lost a seed point.")
            : cells;
    }

    /// <summary>
    /// A Voronoi cell clipped to a concave area can fall apart. Every part but the largest is handed to the
    /// region that shares the longest border with it, so each region ends up one polygon (when the area is one).
    /// </summary>
    private static void MakeContiguous(Geometry[] regions)
    {
        for (var pass = 0; pass < regions.Length * 2; pass++)
        {
            var changed = false;
            for (var i = 0; i < regions.Length; i++)
            {
                var parts = Overlay.Polygons(regions[i]);
                if (parts.Count < 2)
                {
                    continue;
                }

                var largest = parts.MaxBy(p => p.Area)!;
                var kept = new List<Polygon> { largest };
                foreach (var part in parts.Where(p => !ReferenceEquals(p, largest)))
                {
                    var (target, shared) = Enumerable.Range(0, regions.Length)
                        .Where(j => j != i)
                        .Select(j => (Index: j, Shared: Overlay.SharedBorderLength(part, regions[j])))
                        .OrderByDescending(t => t.Shared)
                        .ThenBy(t => t.Index)
                        .First();
                    if (shared <= 0)
                    {
                        kept.Add(part); // an island: nothing to attach it to
                        continue;
                    }

                    regions[target] = Overlay.Combine(Overlay.Union(regions[target], part));
                    changed = true;
                }

                regions[i] = Overlay.Combine(kept);
            }

            if (!changed)
            {
                return;
            }
        }
    }
}
