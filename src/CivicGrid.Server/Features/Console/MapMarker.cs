namespace CivicGrid.Server.Features.WebConsole;

/// <summary>A case on a map: where, what colour (its light) and a plain-text label.</summary>
public sealed record MapMarker(string Id, double Lon, double Lat, string Color, string Label);
