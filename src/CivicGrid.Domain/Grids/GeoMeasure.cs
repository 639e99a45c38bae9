using NetTopologySuite.Geometries;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// Metric measures of small lon/lat geometries on a sphere: 1° of latitude ≈ 111,320 m and 1° of longitude ≈
/// 111,320 m × cos(latitude). Good to a few tenths of a percent for district-sized shapes, which is all the
/// grid work needs; use a proper projection for survey work.
/// </summary>
public static class GeoMeasure
{
    /// <summary>Metres in one degree of latitude (and of longitude at the equator).</summary>
    public const double MetresPerDegree = 111_320;

    /// <summary>Metres in one degree of longitude at <paramref name="latitude"/> degrees.</summary>
    public static double MetresPerDegreeLongitude(double latitude) => MetresPerDegree * Math.Cos(latitude * Math.PI / 180);

    /// <summary>Equirectangular distance in metres between two lon/lat points: exact enough within a few kilometres.</summary>
    public static double DistanceMetres(double lon1, double lat1, double lon2, double lat2)
    {
        var dx = (lon2 - lon1) * MetresPerDegreeLongitude((lat1 + lat2) / 2);
        var dy = (lat2 - lat1) * MetresPerDegree;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    /// <summary>Area in m² of a lon/lat geometry, scaled at its centroid's latitude.</summary>
    public static double AreaSquareMetres(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (geometry.IsEmpty)
        {
            return 0;
        }

        var latitude = geometry.Centroid.Y;
        return geometry.Area * MetresPerDegree * MetresPerDegreeLongitude(latitude);
    }
}
