using CivicGrid.Domain.Grids;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace CivicGrid.Domain.Tests.Grids;

/// <summary>Computes the demo partition of 东城区 once for all tests in <see cref="DongchengPartitionTests"/>.</summary>
public sealed class DongchengPartitionFixture
{
    public DistrictPartition Partition { get; } = DongchengDemo.CreatePartition();
}

public class DongchengPartitionTests(DongchengPartitionFixture fixture) : IClassFixture<DongchengPartitionFixture>
{
    /// <summary>0.1 m² expressed in square degrees at Beijing's latitude.</summary>
    private const double NegligibleAreaDegrees = 0.1 / (111_320.0 * 85_300.0);

    private readonly DistrictPartition _partition = fixture.Partition;

    [Fact]
    public void Streets_AreTheSeventeenCsvStreetsWithNonEmptyPolygons()
    {
        var expected = DongchengDemo.LoadStreets();

        Assert.Equal(expected.Select(s => (s.Code, s.Name, s.EnglishName)), _partition.Streets.Select(s => (s.Code, s.Name, s.EnglishName)));
        Assert.All(_partition.Streets, s =>
        {
            Assert.Equal("Polygon", s.Geometry.GeometryType);
            Assert.True(s.Geometry.IsValid);
            Assert.InRange(s.AreaSquareMetres, 0.5e6, 6e6);
        });
    }

    [Fact]
    public void Communities_AreCodedUnderTheirStreetAndNamedAfterIt()
    {
        var streets = _partition.Streets.ToDictionary(s => s.Code);

        Assert.Equal(_partition.Communities.Count, _partition.Communities.Select(c => c.Code).Distinct().Count());
        Assert.All(_partition.Communities, c =>
        {
            Assert.StartsWith(c.StreetCode.Value, c.Code.Value, StringComparison.Ordinal);
            Assert.Equal(c.StreetCode, c.Code.StreetCode);
            var street = streets[c.StreetCode];
            Assert.StartsWith(street.Name[..^2] + "第", c.Name, StringComparison.Ordinal);
            Assert.EndsWith("社区", c.Name, StringComparison.Ordinal);
            Assert.StartsWith(street.EnglishName + " Community ", c.EnglishName, StringComparison.Ordinal);
            Assert.True(c.Geometry.IsValid);
            Assert.True(c.AreaSquareMetres > 0);
        });
        Assert.All(_partition.Communities.GroupBy(c => c.StreetCode), street =>
        {
            Assert.InRange(street.Count(), 4, 8);
            Assert.Equal(
                Enumerable.Range(1, street.Count()).Select(i => $"{street.Key.Value}{i:000}"),
                street.Select(c => c.Code.Value));
            Assert.Equal(streets[street.Key].AreaSquareMetres, street.Sum(c => c.AreaSquareMetres), streets[street.Key].AreaSquareMetres * 1e-4);
        });
        Assert.Equal("东华门第一社区", _partition.Communities[0].Name);
        Assert.Equal("Donghuamen Community 1", _partition.Communities[0].EnglishName);
    }

    [Fact]
    public void Grids_HaveUniqueStandardCodesUnderTheirCommunity()
    {
        var communities = _partition.Communities.ToDictionary(c => c.Code);

        Assert.InRange(_partition.Grids.Count, 3_500, 5_000);
        Assert.Equal(_partition.Grids.Count, _partition.Grids.Select(g => g.Code.Value).Distinct(StringComparer.Ordinal).Count());
        Assert.All(_partition.Grids, g =>
        {
            Assert.Equal(15, g.Code.Value.Length);
            Assert.Matches("^[0-9]{15}$", g.Code.Value);
            Assert.StartsWith(g.CommunityCode.Value, g.Code.Value, StringComparison.Ordinal);
            Assert.StartsWith(g.StreetCode.Value, g.CommunityCode.Value, StringComparison.Ordinal);
            Assert.Equal(g.CommunityCode, g.Code.CommunityCode);
            Assert.Equal(communities[g.CommunityCode].StreetCode, g.StreetCode);
        });
    }

    [Fact]
    public void Grids_AreValidPolygonsOfAboutTenThousandSquareMetres()
    {
        Assert.All(_partition.Grids, g =>
        {
            Assert.True(g.Geometry.IsValid, $"{g.Code} is not valid");
            Assert.InRange(g.AreaSquareMetres, 10, 25_000);
        });
        var median = _partition.Grids.Select(g => g.AreaSquareMetres).Order().ElementAt(_partition.Grids.Count / 2);
        Assert.InRange(median, 9_900, 10_100);
    }

    [Fact]
    public void Grids_CoverTheDistrict_AreaSumWithinTwoPercent()
    {
        var gridArea = _partition.Grids.Sum(g => g.AreaSquareMetres);

        Assert.InRange(_partition.BoundaryAreaSquareMetres, 41.6e6 * 0.98, 41.6e6 * 1.02);
        Assert.InRange(gridArea, _partition.BoundaryAreaSquareMetres * 0.98, _partition.BoundaryAreaSquareMetres * 1.02);
        // Nothing is dropped: the tiling is exact up to the 1e-7° snapping.
        Assert.Equal(_partition.BoundaryAreaSquareMetres, gridArea, _partition.BoundaryAreaSquareMetres * 1e-5);
    }

    [Fact]
    public void Grids_NeverStraddleTheirCommunityBoundary()
    {
        var communities = _partition.Communities.ToDictionary(c => c.Code);

        Assert.All(_partition.Grids, g =>
        {
            var outside = OverlayNGRobust.Overlay(g.Geometry, communities[g.CommunityCode].Geometry, SpatialFunction.Difference);
            Assert.True(outside.Area < NegligibleAreaDegrees, $"{g.Code} sticks {outside.Area:E2}°² out of its community");
        });
    }

    [Fact]
    public void Grids_DoNotOverlapTheirNeighbours()
    {
        var index = new STRtree<UnitGrid>();
        foreach (var grid in _partition.Grids)
        {
            index.Insert(grid.Geometry.EnvelopeInternal, grid);
        }

        var pairs = 0;
        foreach (var grid in _partition.Grids)
        {
            foreach (var neighbour in index.Query(grid.Geometry.EnvelopeInternal).Where(n => !ReferenceEquals(n, grid)))
            {
                var overlap = OverlayNGRobust.Overlay(grid.Geometry, neighbour.Geometry, SpatialFunction.Intersection).Area;
                Assert.True(overlap < NegligibleAreaDegrees, $"{grid.Code} overlaps {neighbour.Code} by {overlap:E2}°²");
                pairs++;
            }
        }

        Assert.True(pairs > _partition.Grids.Count, $"only {pairs} neighbour pairs checked");
    }

    [Fact]
    public void Grids_AreNumberedNorthToSouthThenWestToEastInEveryCommunity()
    {
        var lattice = _partition.Lattice;

        Assert.All(_partition.Grids.GroupBy(g => g.CommunityCode), community =>
        {
            var grids = community.ToList();
            Assert.Equal(Enumerable.Range(1, grids.Count).Select(i => i.ToString("000", System.Globalization.CultureInfo.InvariantCulture)), grids.Select(g => g.Code.Sequence));
            for (var i = 1; i < grids.Count; i++)
            {
                Assert.True(
                    (grids[i - 1].Row, grids[i - 1].Column).CompareTo((grids[i].Row, grids[i].Column)) <= 0,
                    $"{grids[i - 1].Code} at ({grids[i - 1].Row},{grids[i - 1].Column}) comes before {grids[i].Code} at ({grids[i].Row},{grids[i].Column})");
            }

            // Grid 001 lies in the community's northernmost row, at its western end.
            var first = grids[0];
            var northRow = grids.Min(g => g.Row);
            Assert.Equal(northRow, first.Row);
            Assert.Equal(grids.Where(g => g.Row == northRow).Min(g => g.Column), first.Column);
            Assert.True(first.Centroid.Y > grids.Max(g => g.Centroid.Y) - (2 * lattice.CellHeightDegrees));
        });

        // The lattice row and column match where each grid really is.
        Assert.All(_partition.Grids, g =>
        {
            Assert.InRange(g.Centroid.Y, lattice.OriginLatitude - ((g.Row + 2) * lattice.CellHeightDegrees), lattice.OriginLatitude - ((g.Row - 1) * lattice.CellHeightDegrees));
            Assert.InRange(g.Centroid.X, lattice.OriginLongitude + ((g.Column - 1) * lattice.CellWidthDegrees), lattice.OriginLongitude + ((g.Column + 2) * lattice.CellWidthDegrees));
        });
    }

    [Fact]
    public void Partition_SameSeed_GivesIdenticalCodesAndGeometriesQuickly()
    {
        // No wall-clock assertion (STYLE.md: tests assert behaviour, never time): on a loaded shared
        // machine the partition alone took over 6 s. Its speed belongs in a benchmark.
        var again = DongchengDemo.CreatePartition();

        Assert.Equal(_partition.Grids.Count, again.Grids.Count);
        for (var i = 0; i < again.Grids.Count; i++)
        {
            Assert.Equal(_partition.Grids[i].Code, again.Grids[i].Code);
            Assert.True(_partition.Grids[i].Geometry.EqualsExact(again.Grids[i].Geometry), $"{again.Grids[i].Code} differs");
        }

        Assert.All(_partition.Communities.Zip(again.Communities), pair =>
        {
            Assert.Equal(pair.First.Code, pair.Second.Code);
            Assert.True(pair.First.Geometry.EqualsExact(pair.Second.Geometry));
        });
        Assert.All(_partition.Streets.Zip(again.Streets), pair => Assert.True(pair.First.Geometry.EqualsExact(pair.Second.Geometry)));
    }

    [Fact]
    public void Partition_AnotherSeed_GivesAnotherLayout()
    {
        var other = DongchengDemo.CreatePartition(DistrictPartitionOptions.Default with { Seed = DongchengDemo.DefaultSeed + 1 });

        Assert.Equal(17, other.Streets.Count);
        Assert.False(_partition.Streets[0].Geometry.EqualsExact(other.Streets[0].Geometry));
    }

    [Fact]
    public void Locator_DistrictCentroid_FallsInExactlyOneGrid()
    {
        var locator = new UnitGridLocator(_partition.Grids);
        var centroid = _partition.Boundary.Centroid;

        var grid = Assert.Single(locator.FindAll(centroid.X, centroid.Y));

        Assert.True(grid.Geometry.Contains(centroid));
        Assert.Equal(grid, locator.Find(centroid.X, centroid.Y));
        Assert.Equal(_partition.Grids.Count, locator.Count);
    }

    [Fact]
    public void Locator_RandomPointsInsideTheDistrict_FallInExactlyOneGrid()
    {
        var locator = new UnitGridLocator(_partition.Grids);
        var envelope = _partition.Boundary.EnvelopeInternal;
        var random = new Random(12345);
        var found = 0;
        while (found < 500)
        {
            var x = envelope.MinX + (random.NextDouble() * envelope.Width);
            var y = envelope.MinY + (random.NextDouble() * envelope.Height);
            var inside = _partition.Boundary.Contains(_partition.Boundary.Factory.CreatePoint(new NetTopologySuite.Geometries.Coordinate(x, y)));
            var grids = locator.FindAll(x, y);
            if (inside)
            {
                Assert.Single(grids);
                found++;
            }
            else
            {
                Assert.True(grids.Count <= 1, $"({x}, {y}) outside the district is in {grids.Count} grids");
            }
        }
    }

    [Fact]
    public void Locator_PointOutsideTheDistrict_FindsNothing()
    {
        var locator = new UnitGridLocator(_partition.Grids);

        Assert.Null(locator.Find(116.30, 39.90));
        Assert.Empty(locator.FindAll(121.47, 31.23));
    }
}
