using CivicGrid.Domain.Grids;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;

namespace CivicGrid.Domain.Tests.Grids;

public class DistrictPartitionerTests
{
    private static readonly AdminDivisionCode District = new("110101");
    private static readonly GeometryFactory Factory = new();

    private static StreetDefinition Street(int number, string name = "测试街道", string english = "Ceshi") =>
        new(StreetCode.Create(District, number), name, english);

    /// <summary>A square of <paramref name="sideMetres"/> centred on 39.9 N, 116.4 E, sized with the partitioner's own metres-to-degrees rule.</summary>
    private static Polygon Square(double sideMetres)
    {
        const double centreLat = 39.9, centreLon = 116.4;
        var height = sideMetres / GeoMeasure.MetresPerDegree;
        var width = sideMetres / GeoMeasure.MetresPerDegreeLongitude(centreLat);
        return (Polygon)Factory.ToGeometry(new Envelope(
            centreLon - (width / 2), centreLon + (width / 2), centreLat - (height / 2), centreLat + (height / 2)));
    }

    [Fact]
    public void Partition_KilometreSquare_GivesOneHundredCellsNumberedWestToEastNorthToSouth()
    {
        var options = DistrictPartitionOptions.Default with { MinCommunitiesPerStreet = 1, MaxCommunitiesPerStreet = 1 };

        var partition = DistrictPartitioner.Partition(Square(1_000), District, [Street(1)], options);

        var community = Assert.Single(partition.Communities);
        Assert.Equal("110101001001", community.Code.Value);
        Assert.Equal("测试第一社区", community.Name);
        Assert.Equal("Ceshi Community 1", community.EnglishName);
        Assert.Equal(100, partition.Grids.Count);
        Assert.All(partition.Grids, g => Assert.InRange(g.AreaSquareMetres, 9_950, 10_050));
        Assert.Equal(
            Enumerable.Range(1, 100).Select(i => $"110101001001{i:000}"),
            partition.Grids.Select(g => g.Code.Value));

        UnitGrid Grid(int sequence) => partition.Grids[sequence - 1];
        Assert.Equal((0, 0), (Grid(1).Row, Grid(1).Column));
        Assert.Equal((0, 9), (Grid(10).Row, Grid(10).Column));
        Assert.Equal((1, 0), (Grid(11).Row, Grid(11).Column));
        Assert.Equal((9, 9), (Grid(100).Row, Grid(100).Column));
        Assert.Equal(partition.Grids.Max(g => g.Centroid.Y), Grid(1).Centroid.Y, 6);
        Assert.Equal(partition.Grids.Min(g => g.Centroid.X), Grid(1).Centroid.X, 6);
        Assert.True(Grid(2).Centroid.X > Grid(1).Centroid.X, "002 lies east of 001");
        Assert.True(Grid(11).Centroid.Y < Grid(1).Centroid.Y, "011 starts the second row, south of 001");
    }

    [Fact]
    public void Partition_ConcaveBoundary_KeepsEveryStreetAndGridOnePolygonAndCoversTheBoundary()
    {
        // A U of 3 km × 2 km with a 1 km × 1.5 km notch: Voronoi cells clipped to it can fall apart.
        var w = 1_000 / GeoMeasure.MetresPerDegreeLongitude(39.9);
        var h = 1_000 / GeoMeasure.MetresPerDegree;
        var u = Factory.CreatePolygon(
        [
            new(116.4, 39.9), new(116.4 + (3 * w), 39.9), new(116.4 + (3 * w), 39.9 + (2 * h)),
            new(116.4 + (2 * w), 39.9 + (2 * h)), new(116.4 + (2 * w), 39.9 + (0.5 * h)), new(116.4 + w, 39.9 + (0.5 * h)),
            new(116.4 + w, 39.9 + (2 * h)), new(116.4, 39.9 + (2 * h)), new(116.4, 39.9),
        ]);

        var partition = DistrictPartitioner.Partition(u, District, [Street(1), Street(2), Street(3)], new DistrictPartitionOptions { Seed = 7 });

        Assert.Equal(3, partition.Streets.Count);
        Assert.All(partition.Streets, s => Assert.IsType<Polygon>(s.Geometry));
        Assert.All(partition.Communities, c => Assert.IsType<Polygon>(c.Geometry));
        Assert.All(partition.Grids, g => Assert.True(g.Geometry.IsValid));
        Assert.Equal(partition.BoundaryAreaSquareMetres, partition.Grids.Sum(g => g.AreaSquareMetres), partition.BoundaryAreaSquareMetres * 1e-6);
        Assert.Equal(partition.BoundaryAreaSquareMetres, partition.Streets.Sum(s => s.AreaSquareMetres), partition.BoundaryAreaSquareMetres * 1e-6);
    }

    [Fact]
    public void Partition_MultiPolygonBoundary_TilesBothParts()
    {
        var west = Square(1_500);
        var east = (Polygon)AffineTransformation.TranslationInstance(0.05, 0.01).Transform(west);
        var boundary = Factory.CreateMultiPolygon([west, east]);

        var partition = DistrictPartitioner.Partition(boundary, District, [Street(1), Street(2), Street(3)]);

        Assert.Equal(3, partition.Streets.Count);
        Assert.All(partition.Grids, g => Assert.True(g.Geometry.IsValid));
        Assert.Equal(partition.BoundaryAreaSquareMetres, partition.Grids.Sum(g => g.AreaSquareMetres), partition.BoundaryAreaSquareMetres * 1e-6);
        Assert.Contains(partition.Grids, g => g.Centroid.X < west.EnvelopeInternal.MaxX);
        Assert.Contains(partition.Grids, g => g.Centroid.X > east.EnvelopeInternal.MinX);
    }

    [Fact]
    public void Partition_CommunityOverNineHundredNinetyNineGrids_FailsClearly()
    {
        var options = new DistrictPartitionOptions { CellSizeMetres = 10, MinCommunitiesPerStreet = 1, MaxCommunitiesPerStreet = 1 };

        var error = Assert.Throws<InvalidOperationException>(
            () => DistrictPartitioner.Partition(Square(400), District, [Street(1)], options));

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
        Assert.Contains("110101001001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_StreetOfAnotherDistrict_IsRejected()
    {
        var foreign = new StreetDefinition(new StreetCode("110102001"), "西长安街街道", "Xichang'anjie");

        var error = Assert.Throws<ArgumentException>(() => DistrictPartitioner.Partition(Square(1_000), District, [Street(1), foreign]));

        Assert.Contains("110102001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_DuplicateStreet_IsRejected() =>
        Assert.Throws<ArgumentException>(() => DistrictPartitioner.Partition(Square(1_000), District, [Street(1), Street(1)]));

    [Fact]
    public void Partition_NoStreets_IsRejected() =>
        Assert.Throws<ArgumentException>(() => DistrictPartitioner.Partition(Square(1_000), District, []));

    [Fact]
    public void Partition_NonPolygonalBoundary_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(
            () => DistrictPartitioner.Partition(Factory.CreatePoint(new Coordinate(116.4, 39.9)), District, [Street(1)]));

        Assert.Contains("Polygon", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_ProjectedCoordinates_AreRejected()
    {
        var metres = (Polygon)Factory.ToGeometry(new Envelope(440_000, 441_000, 4_420_000, 4_421_000));

        Assert.Throws<ArgumentException>(() => DistrictPartitioner.Partition(metres, District, [Street(1)]));
    }

    [Theory]
    [InlineData(5, 4, 8, 0.4)]
    [InlineData(100, 0, 8, 0.4)]
    [InlineData(100, 6, 5, 0.4)]
    [InlineData(100, 4, 1000, 0.4)]
    [InlineData(100, 4, 8, 0.6)]
    public void Partition_OptionsOutOfRange_AreRejected(double cell, int min, int max, double sliver)
    {
        var options = new DistrictPartitionOptions
        {
            CellSizeMetres = cell,
            MinCommunitiesPerStreet = min,
            MaxCommunitiesPerStreet = max,
            MinGridAreaFraction = sliver,
        };

        Assert.Throws<ArgumentOutOfRangeException>(() => DistrictPartitioner.Partition(Square(1_000), District, [Street(1)], options));
    }

    [Fact]
    public void StreetDefinition_ShortName_DropsTheStreetSuffix()
    {
        Assert.Equal("东华门", new StreetDefinition(new StreetCode("110101001"), "东华门街道", "Donghuamen").ShortName);
        Assert.Equal("某某镇", new StreetDefinition(new StreetCode("110101101"), "某某镇", "Moumou").ShortName);
        Assert.Throws<ArgumentException>(() => new StreetDefinition(new StreetCode("110101001"), " ", "Donghuamen"));
    }
}
