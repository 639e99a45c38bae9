using CivicGrid.Domain.Geography;

namespace CivicGrid.Domain.Tests.Geography;

public class CoordinateSystemsTests
{
    private static readonly LonLat TiananmenWgs = new(116.3912, 39.9073);

    [Fact]
    public void Gcj02_InBeijing_IsOffsetByAFewHundredMetres()
    {
        var gcj = CoordinateSystems.Wgs84ToGcj02(TiananmenWgs);

        var dLonMetres = (gcj.Longitude - TiananmenWgs.Longitude) * 111_320 * Math.Cos(TiananmenWgs.Latitude * Math.PI / 180);
        var dLatMetres = (gcj.Latitude - TiananmenWgs.Latitude) * 111_320;
        var metres = Math.Sqrt(dLonMetres * dLonMetres + dLatMetres * dLatMetres);
        Assert.InRange(metres, 300, 800);
        Assert.True(gcj.Longitude > TiananmenWgs.Longitude, "GCJ-02 lies east of WGS-84 in Beijing");
        Assert.True(gcj.Latitude > TiananmenWgs.Latitude, "GCJ-02 lies north of WGS-84 in Beijing");
    }

    [Theory]
    [InlineData(116.3912, 39.9073)]
    [InlineData(121.4737, 31.2304)]
    [InlineData(113.2644, 23.1291)]
    [InlineData(87.6168, 43.8256)]
    [InlineData(126.5350, 45.8038)]
    public void Gcj02_RoundTrip_IsWithinAMillimetre(double lon, double lat)
    {
        var wgs = new LonLat(lon, lat);

        var back = CoordinateSystems.ToWgs84(CoordinateSystems.FromWgs84(wgs, CoordinateSystem.Gcj02), CoordinateSystem.Gcj02);

        Assert.Equal(lon, back.Longitude, 1e-8);
        Assert.Equal(lat, back.Latitude, 1e-8);
    }

    [Theory]
    [InlineData(116.3912, 39.9073)]
    [InlineData(121.4737, 31.2304)]
    public void Bd09_RoundTrip_IsWithinACentimetre(double lon, double lat)
    {
        var wgs = new LonLat(lon, lat);

        var bd = CoordinateSystems.FromWgs84(wgs, CoordinateSystem.Bd09);
        var back = CoordinateSystems.ToWgs84(bd, CoordinateSystem.Bd09);

        Assert.NotEqual(wgs, bd);
        Assert.Equal(lon, back.Longitude, 1e-7);
        Assert.Equal(lat, back.Latitude, 1e-7);
    }

    [Fact]
    public void Bd09_IsFurtherOffsetThanGcj02()
    {
        var gcj = CoordinateSystems.Wgs84ToGcj02(TiananmenWgs);
        var bd = CoordinateSystems.Gcj02ToBd09(gcj);
        Assert.InRange(bd.Longitude - gcj.Longitude, 0.005, 0.008);
        Assert.InRange(bd.Latitude - gcj.Latitude, 0.004, 0.008);
    }

    [Theory]
    [InlineData(-73.9857, 40.7484)]
    [InlineData(2.2945, 48.8584)]
    [InlineData(151.2153, -33.8568)]
    public void OutsideChina_Gcj02EqualsWgs84(double lon, double lat)
    {
        var p = new LonLat(lon, lat);
        Assert.Equal(p, CoordinateSystems.Wgs84ToGcj02(p));
        Assert.Equal(p, CoordinateSystems.Gcj02ToWgs84(p));
    }

    [Theory]
    [InlineData(null, CoordinateSystem.Wgs84)]
    [InlineData("", CoordinateSystem.Wgs84)]
    [InlineData("WGS84", CoordinateSystem.Wgs84)]
    [InlineData("wgs-84", CoordinateSystem.Wgs84)]
    [InlineData("gcj02", CoordinateSystem.Gcj02)]
    [InlineData("GCJ-02", CoordinateSystem.Gcj02)]
    [InlineData("bd09", CoordinateSystem.Bd09)]
    [InlineData("bd09ll", CoordinateSystem.Bd09)]
    public void TryParse_KnownNames(string? text, CoordinateSystem expected)
    {
        Assert.True(CoordinateSystems.TryParse(text, out var system));
        Assert.Equal(expected, system);
    }

    [Theory]
    [InlineData("utm")]
    [InlineData("cgcs2000x")]
    public void TryParse_UnknownName_Fails(string text) => Assert.False(CoordinateSystems.TryParse(text, out _));
}
