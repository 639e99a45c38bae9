namespace CivicGrid.Domain.Geography;

/// <summary>The coordinate systems positions arrive in.</summary>
public enum CoordinateSystem
{
    /// <summary>WGS-84: GPS, Open311 clients, OpenStreetMap. What CivicGrid stores.</summary>
    Wgs84,
    /// <summary>GCJ-02 (国测局坐标, "Mars coordinates"): WeChat, AMap/Gaode, Tencent maps, most Chinese apps.</summary>
    Gcj02,
    /// <summary>BD-09: Baidu maps (GCJ-02 with a further offset).</summary>
    Bd09,
}

/// <summary>A longitude/latitude pair in degrees.</summary>
public readonly record struct LonLat(double Longitude, double Latitude);

/// <summary>
/// Conversions between WGS-84, GCJ-02 and BD-09. GCJ-02 is an obfuscated datum defined only inside
/// mainland China (positions outside pass through unchanged); its published forward transform is
/// evaluated here and inverted by fixed-point iteration to well below a millimetre.
/// </summary>
public static class CoordinateSystems
{
    private const double SemiMajorAxis = 6378245.0;
    private const double EccentricitySquared = 0.00669342162296594323;
    private const double BaiduFactor = Math.PI * 3000.0 / 180.0;

    /// <summary>Converts a position to WGS-84, the stored system.</summary>
    public static LonLat ToWgs84(LonLat p, CoordinateSystem from) => from switch
    {
        CoordinateSystem.Wgs84 => p,
        CoordinateSystem.Gcj02 => Gcj02ToWgs84(p),
        CoordinateSystem.Bd09 => Gcj02ToWgs84(Bd09ToGcj02(p)),
        _ => throw new ArgumentOutOfRangeException(nameof(from), from, "Unknown coordinate system."),
    };

    /// <summary>Converts a stored WGS-84 position for display in another system.</summary>
    public static LonLat FromWgs84(LonLat p, CoordinateSystem to) => to switch
    {
        CoordinateSystem.Wgs84 => p,
        CoordinateSystem.Gcj02 => Wgs84ToGcj02(p),
        CoordinateSystem.Bd09 => Gcj02ToBd09(Wgs84ToGcj02(p)),
        _ => throw new ArgumentOutOfRangeException(nameof(to), to, "Unknown coordinate system."),
    };

    /// <summary>Parses "wgs84", "gcj02", "bd09" (any case, with or without dash); null or empty means WGS-84.</summary>
    public static bool TryParse(string? text, out CoordinateSystem system)
    {
        system = CoordinateSystem.Wgs84;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        switch (text.Trim().Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
        {
            case "WGS84":
            case "EPSG:4326":
                system = CoordinateSystem.Wgs84;
                return true;
            case "GCJ02":
                system = CoordinateSystem.Gcj02;
                return true;
            case "BD09":
            case "BD09LL":
                system = CoordinateSystem.Bd09;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The rough mainland-China box inside which GCJ-02 differs from WGS-84.</summary>
    public static bool IsInsideChina(LonLat p) =>
        p.Longitude is >= 72.004 and <= 137.8347 && p.Latitude is >= 0.8293 and <= 55.8271;

    public static LonLat Wgs84ToGcj02(LonLat p)
    {
        if (!IsInsideChina(p))
        {
            return p;
        }

        var (dLon, dLat) = Offset(p.Longitude, p.Latitude);
        return new LonLat(p.Longitude + dLon, p.Latitude + dLat);
    }

    public static LonLat Gcj02ToWgs84(LonLat gcj)
    {
        if (!IsInsideChina(gcj))
        {
            return gcj;
        }

        // Fixed-point iteration: find w with Wgs84ToGcj02(w) = gcj. Converges in a few steps
        // because the offset changes slowly with position.
        var w = gcj;
        for (var i = 0; i < 10; i++)
        {
            var g = Wgs84ToGcj02(w);
            var dx = gcj.Longitude - g.Longitude;
            var dy = gcj.Latitude - g.Latitude;
            w = new LonLat(w.Longitude + dx, w.Latitude + dy);
            if (Math.Abs(dx) < 1e-10 && Math.Abs(dy) < 1e-10)
            {
                break;
            }
        }

        return w;
    }

    public static LonLat Gcj02ToBd09(LonLat p)
    {
        var x = p.Longitude;
        var y = p.Latitude;
        var z = Math.Sqrt(x * x + y * y) + 0.00002 * Math.Sin(y * BaiduFactor);
        var theta = Math.Atan2(y, x) + 0.000003 * Math.Cos(x * BaiduFactor);
        return new LonLat(z * Math.Cos(theta) + 0.0065, z * Math.Sin(theta) + 0.006);
    }

    public static LonLat Bd09ToGcj02(LonLat p)
    {
        // The usual closed-form inverse is off by a few centimetres; refine it by fixed-point iteration.
        var x = p.Longitude - 0.0065;
        var y = p.Latitude - 0.006;
        var z = Math.Sqrt(x * x + y * y) - 0.00002 * Math.Sin(y * BaiduFactor);
        var theta = Math.Atan2(y, x) - 0.000003 * Math.Cos(x * BaiduFactor);
        var g = new LonLat(z * Math.Cos(theta), z * Math.Sin(theta));
        for (var i = 0; i < 10; i++)
        {
            var b = Gcj02ToBd09(g);
            var dx = p.Longitude - b.Longitude;
            var dy = p.Latitude - b.Latitude;
            g = new LonLat(g.Longitude + dx, g.Latitude + dy);
            if (Math.Abs(dx) < 1e-11 && Math.Abs(dy) < 1e-11)
            {
                break;
            }
        }

        return g;
    }

    private static (double DLon, double DLat) Offset(double lon, double lat)
    {
        var x = lon - 105.0;
        var y = lat - 35.0;
        var dLat = TransformLatitude(x, y);
        var dLon = TransformLongitude(x, y);
        var radLat = lat / 180.0 * Math.PI;
        var magic = Math.Sin(radLat);
        magic = 1 - EccentricitySquared * magic * magic;
        var sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (SemiMajorAxis * (1 - EccentricitySquared) / (magic * sqrtMagic) * Math.PI);
        dLon = dLon * 180.0 / (SemiMajorAxis / sqrtMagic * Math.Cos(radLat) * Math.PI);
        return (dLon, dLat);
    }

    private static double TransformLatitude(double x, double y)
    {
        var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.Sqrt(Math.Abs(x));
        r += (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
        r += (20.0 * Math.Sin(y * Math.PI) + 40.0 * Math.Sin(y / 3.0 * Math.PI)) * 2.0 / 3.0;
        r += (160.0 * Math.Sin(y / 12.0 * Math.PI) + 320.0 * Math.Sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
        return r;
    }

    private static double TransformLongitude(double x, double y)
    {
        var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.Sqrt(Math.Abs(x));
        r += (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0;
        r += (20.0 * Math.Sin(x * Math.PI) + 40.0 * Math.Sin(x / 3.0 * Math.PI)) * 2.0 / 3.0;
        r += (150.0 * Math.Sin(x / 12.0 * Math.PI) + 300.0 * Math.Sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
        return r;
    }
}
