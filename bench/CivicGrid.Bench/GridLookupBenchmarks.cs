using BenchmarkDotNet.Attributes;
using CivicGrid.Domain.Grids;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace CivicGrid.Bench;

/// <summary>
/// Point-in-grid lookup over the Dongcheng demo partition (~4,400 unit grids of ~100 m): every new
/// report is placed on its grid this way. <see cref="UnitGridLocator"/> (domain: STR-tree of envelopes,
/// then a point-in-polygon test) against the server's GridLocator approach (STR-tree of prepared
/// polygons, Covers). Each invocation looks up 1,024 positions inside the district.
/// </summary>
[MemoryDiagnoser]
public class GridLookupBenchmarks
{
    private const int Points = 1024;
    private UnitGridLocator _locator = null!;
    private STRtree<(IPreparedGeometry Shape, string Code)> _prepared = null!;
    private Coordinate[] _positions = [];
    private Point[] _points = [];

    [GlobalSetup]
    public void Setup()
    {
        var partition = DongchengDemo.CreatePartition();
        _locator = new UnitGridLocator(partition.Grids);
        _prepared = new STRtree<(IPreparedGeometry, string)>();
        foreach (var g in partition.Grids)
        {
            _prepared.Insert(g.Geometry.EnvelopeInternal, (PreparedGeometryFactory.Prepare(g.Geometry), g.Code.Value));
        }

        _prepared.Build();
        var random = new Random(7);
        var envelope = partition.Boundary.EnvelopeInternal;
        var inside = new List<Coordinate>();
        while (inside.Count < Points)
        {
            var c = new Coordinate(envelope.MinX + random.NextDouble() * envelope.Width, envelope.MinY + random.NextDouble() * envelope.Height);
            if (partition.Boundary.Contains(new Point(c)))
            {
                inside.Add(c);
            }
        }

        _positions = [.. inside];
        _points = [.. inside.Select(c => new Point(c))];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Points)]
    public int UnitGridLocator_Find()
    {
        var found = 0;
        foreach (var c in _positions)
        {
            found += _locator.Find(c.X, c.Y) is null ? 0 : 1;
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = Points)]
    public int StrTree_PreparedCovers()
    {
        var found = 0;
        foreach (var p in _points)
        {
            foreach (var (shape, _) in _prepared.Query(p.EnvelopeInternal))
            {
                if (shape.Covers(p))
                {
                    found++;
                    break;
                }
            }
        }

        return found;
    }
}
