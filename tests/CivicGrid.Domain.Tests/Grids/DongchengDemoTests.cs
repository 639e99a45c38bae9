using CivicGrid.Domain.Grids;

namespace CivicGrid.Domain.Tests.Grids;

public class DongchengDemoTests
{
    [Fact]
    public void LoadBoundary_ReturnsTheShippedPolygon()
    {
        var boundary = DongchengDemo.LoadBoundary();

        Assert.Equal(116, boundary.NumPoints);
        Assert.Equal(0, boundary.NumInteriorRings);
        var envelope = boundary.EnvelopeInternal;
        Assert.InRange(envelope.MinX, 116.37, 116.39);
        Assert.InRange(envelope.MaxX, 116.44, 116.46);
        Assert.InRange(envelope.MinY, 39.85, 39.87);
        Assert.InRange(envelope.MaxY, 39.97, 39.98);
        Assert.InRange(GeoMeasure.AreaSquareMetres(boundary), 41.6e6 * 0.98, 41.6e6 * 1.02);
    }

    [Fact]
    public void LoadStreets_ReturnsTheSeventeenStreetsWithPublicCodes()
    {
        var streets = DongchengDemo.LoadStreets();

        Assert.Equal(17, streets.Count);
        Assert.Equal(Enumerable.Range(1, 17).Select(i => $"110101{i:000}"), streets.Select(s => s.Code.Value));
        Assert.Equal(("东华门街道", "Donghuamen"), (streets[0].Name, streets[0].EnglishName));
        Assert.Equal(("永定门外街道", "Yongdingmenwai"), (streets[16].Name, streets[16].EnglishName));
        Assert.All(streets, s => Assert.Equal(DongchengDemo.AdminDivisionCode, s.Code.AdminDivisionCode));
    }
}
