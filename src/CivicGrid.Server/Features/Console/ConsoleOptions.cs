namespace CivicGrid.Server.Features.WebConsole;

/// <summary>Console settings (section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>
    /// A tile server the city runs, as a Leaflet URL template (<c>https://tiles.example.gov/{z}/{x}/{y}.png</c>).
    /// Empty (the default): the maps draw the district's own boundaries on a plain background and
    /// nothing is fetched from anywhere else.
    /// </summary>
    public string? TileUrl { get; set; }

    /// <summary>The attribution the tile server requires, shown in the map corner.</summary>
    public string? TileAttribution { get; set; }

    /// <summary>At most this many open cases are drawn on the overview map (newest first).</summary>
    public int MaxMapCases { get; set; } = 1500;

    /// <summary>Whether <see cref="TileUrl"/> is empty or an absolute http(s) URL template.</summary>
    public bool HasValidTileUrl() =>
        string.IsNullOrWhiteSpace(TileUrl)
        || (Uri.TryCreate(TileUrl.Replace("{", string.Empty, StringComparison.Ordinal).Replace("}", string.Empty, StringComparison.Ordinal), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp));
}
