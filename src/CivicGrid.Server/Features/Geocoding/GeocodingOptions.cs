namespace CivicGrid.Server.Features.Geocoding;

/// <summary>The gazetteer and how addresses read. Section <c>Geocoding</c>.</summary>
public sealed class GeocodingOptions
{
    public const string SectionName = "Geocoding";

    /// <summary>The district's name at the head of every address.</summary>
    public string DistrictNameZh { get; set; } = "东城区";

    public string DistrictNameEn { get; set; } = "Dongcheng District";

    /// <summary>
    /// How old the in-memory index may get before it is rebuilt in the background (picks up changes
    /// another server node made; changes made on this node rebuild it at once).
    /// </summary>
    public int RefreshSeconds { get; set; } = 300;

    /// <summary>A road counts as "nearby" (王府井大街附近) within this distance.</summary>
    public double RoadRadiusMetres { get; set; } = 150;

    /// <summary>The nearest landmark is named (距某地标 120 米) within this distance.</summary>
    public double LandmarkRadiusMetres { get; set; } = 1000;
}
