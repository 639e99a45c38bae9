using System.Text.Json;
using NetTopologySuite.Geometries;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// Reads the first Polygon or MultiPolygon out of a small GeoJSON document (a FeatureCollection, a Feature or a bare
/// geometry). Enough for the shipped district outlines, without a GeoJSON package in the Domain.
/// </summary>
internal static class GeoJsonBoundaryReader
{
    private static readonly GeometryFactory Factory = new(new PrecisionModel(), Overlay.LonLatSrid);

    public static Geometry Read(Stream stream)
    {
        using var document = JsonDocument.Parse(stream);
        return ReadGeometry(FindGeometry(document.RootElement));
    }

    private static JsonElement FindGeometry(JsonElement element)
    {
        var type = element.GetProperty("type").GetString();
        return type switch
        {
            "FeatureCollection" => FirstPolygonal(element.GetProperty("features")),
            "Feature" => element.GetProperty("geometry"),
            _ => element,
        };
    }

    private static JsonElement FirstPolygonal(JsonElement features)
    {
        foreach (var feature in features.EnumerateArray())
        {
            if (feature.TryGetProperty("geometry", out var geometry) && geometry.ValueKind == JsonValueKind.Object && IsPolygonal(geometry))
            {
                return geometry;
            }
        }

        throw new FormatException("The GeoJSON FeatureCollection holds no Polygon or MultiPolygon feature.");
    }

    private static bool IsPolygonal(JsonElement geometry) =>
        geometry.GetProperty("type").GetString() is "Polygon" or "MultiPolygon";

    private static Geometry ReadGeometry(JsonElement geometry)
    {
        var coordinates = geometry.GetProperty("coordinates");
        return geometry.GetProperty("type").GetString() switch
        {
            "Polygon" => ReadPolygon(coordinates),
            "MultiPolygon" => Factory.CreateMultiPolygon([.. coordinates.EnumerateArray().Select(ReadPolygon)]),
            var other => throw new FormatException($"Expected a GeoJSON Polygon or MultiPolygon, found '{other}'."),
        };
    }

    private static Polygon ReadPolygon(JsonElement rings)
    {
        var linearRings = rings.EnumerateArray().Select(ReadRing).ToList();
        if (linearRings.Count == 0)
        {
            throw new FormatException("A GeoJSON Polygon needs at least one ring.");
        }

        return Factory.CreatePolygon(linearRings[0], [.. linearRings.Skip(1)]);
    }

    private static LinearRing ReadRing(JsonElement positions)
    {
        var coordinates = positions.EnumerateArray()
            .Select(p => new Coordinate(p[0].GetDouble(), p[1].GetDouble()))
            .ToList();
        if (coordinates.Count > 0 && !coordinates[0].Equals2D(coordinates[^1]))
        {
            coordinates.Add(coordinates[0].Copy());
        }

        return Factory.CreateLinearRing([.. coordinates]);
    }
}
