using System.Globalization;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Geography;
using CivicGrid.Domain.Grids;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.CityModel;

/// <summary>A component near a position, with the case category a report about it is filed under.</summary>
/// <param name="Id">The 17-digit component id.</param>
/// <param name="CategoryCode">The component category (部件类别).</param>
/// <param name="CategoryName">The component category's Chinese name.</param>
/// <param name="CategoryNameEn">The component category's English name.</param>
/// <param name="CaseCategoryCode">The event category of a case about this component (the same code), or null when none is active.</param>
/// <param name="Name">The component's own name.</param>
/// <param name="State">Intact, damaged, missing, abandoned or removed.</param>
/// <param name="GridCode">Its unit grid.</param>
/// <param name="Longitude">WGS-84 longitude.</param>
/// <param name="Latitude">WGS-84 latitude.</param>
/// <param name="DistanceMetres">From the asked position, rounded to 0.1 m.</param>
public sealed record NearbyComponentDto(
    string Id, string CategoryCode, string CategoryName, string CategoryNameEn, string? CaseCategoryCode,
    string Name, ComponentState State, string GridCode, double Longitude, double Latitude, double DistanceMetres);

/// <summary>
/// 附近部件: the components of the inventory within a radius of a position, nearest first, for
/// the inspector who reports a damaged one with one tap.
/// </summary>
public static class NearbyComponents
{
    /// <summary>The radius when none is asked for.</summary>
    public const double DefaultRadiusMetres = 100;

    /// <summary>The largest radius one request may ask for.</summary>
    public const double MaxRadiusMetres = 1000;

    /// <summary>The most components one answer lists.</summary>
    public const int MaxLimit = 100;

    public static async Task<IResult> HandleAsync(string? lon, string? lat, string? radius, string? limit, string? coordinateSystem, CivicGridDbContext db, CancellationToken ct)
    {
        var at = PositionQuery.Parse(lon, lat, coordinateSystem);
        var metres = radius is null ? DefaultRadiusMetres : PositionQuery.Number(radius, "radius");
        if (metres is <= 0 or > MaxRadiusMetres)
        {
            throw new DomainValidationException("radius", string.Create(CultureInfo.InvariantCulture, $"radius is in metres, above 0 and at most {MaxRadiusMetres}."));
        }

        var count = 20;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            throw new DomainValidationException("limit", $"limit is a whole number from 1 to {MaxLimit}.");
        }

        return TypedResults.Ok(await FindAsync(db, at, metres, count, ct));
    }

    /// <summary>Components within <paramref name="radiusMetres"/> of a WGS-84 position, nearest first (a box on the position index, then exact distances).</summary>
    public static async Task<IReadOnlyList<NearbyComponentDto>> FindAsync(CivicGridDbContext db, LonLat at, double radiusMetres, int limit, CancellationToken ct)
    {
        var dLat = radiusMetres / GeoMeasure.MetresPerDegree;
        var dLon = radiusMetres / GeoMeasure.MetresPerDegreeLongitude(at.Latitude);
        var (minLon, maxLon, minLat, maxLat) = (at.Longitude - dLon, at.Longitude + dLon, at.Latitude - dLat, at.Latitude + dLat);
        var rows = await db.Components.AsNoTracking()
            .Where(c => c.Longitude >= minLon && c.Longitude <= maxLon && c.Latitude >= minLat && c.Latitude <= maxLat)
            .Where(c => c.State != ComponentState.Removed)
            .Select(c => new { c.Id, c.CategoryCode, c.Name, c.State, c.GridCode, c.Longitude, c.Latitude })
            .ToListAsync(ct);
        var nearest = rows
            .Select(c => (Row: c, Distance: GeoMeasure.DistanceMetres(at.Longitude, at.Latitude, c.Longitude, c.Latitude)))
            .Where(x => x.Distance <= radiusMetres)
            .OrderBy(x => x.Distance)
            .ThenBy(x => x.Row.Id, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
        if (nearest.Count == 0)
        {
            return [];
        }

        var codes = nearest.Select(x => x.Row.CategoryCode).Distinct().ToList();
        var categories = await db.Categories.AsNoTracking()
            .Where(c => codes.Contains(c.Code) && (c.Kind == CategoryKind.Component || (c.Kind == CategoryKind.Event && c.IsActive)))
            .Select(c => new { c.Kind, c.Code, c.NameZh, c.NameEn })
            .ToListAsync(ct);
        return
        [
            .. nearest.Select(x =>
            {
                var component = categories.FirstOrDefault(c => c.Kind == CategoryKind.Component && c.Code == x.Row.CategoryCode);
                var caseCategory = categories.FirstOrDefault(c => c.Kind == CategoryKind.Event && c.Code == x.Row.CategoryCode);
                return new NearbyComponentDto(
                    x.Row.Id, x.Row.CategoryCode, component?.NameZh ?? x.Row.CategoryCode, component?.NameEn ?? x.Row.CategoryCode, caseCategory?.Code,
                    x.Row.Name, x.Row.State, x.Row.GridCode, x.Row.Longitude, x.Row.Latitude, Math.Round(x.Distance, 1));
            }),
        ];
    }
}

/// <summary>
/// A position in query parameters (<c>lon</c>, <c>lat</c>, <c>coordinateSystem</c>), parsed here
/// rather than bound, so that a malformed value is answered with a 400 naming its parameter.
/// </summary>
public static class PositionQuery
{
    /// <summary>The position in WGS-84.</summary>
    /// <exception cref="DomainValidationException">A missing, malformed or out-of-range value, or an unknown system (names the parameter).</exception>
    public static LonLat Parse(string? lon, string? lat, string? coordinateSystem)
    {
        if (string.IsNullOrWhiteSpace(lon) || string.IsNullOrWhiteSpace(lat))
        {
            throw new DomainValidationException(string.IsNullOrWhiteSpace(lon) ? "lon" : "lat", "Give the position as lon and lat.");
        }

        var longitude = Number(lon, "lon");
        var latitude = Number(lat, "lat");
        if (longitude is < -180 or > 180)
        {
            throw new DomainValidationException("lon", "lon must be between -180 and 180.");
        }

        if (latitude is < -90 or > 90)
        {
            throw new DomainValidationException("lat", "lat must be between -90 and 90.");
        }

        if (!CoordinateSystems.TryParse(coordinateSystem, out var system))
        {
            throw new DomainValidationException("coordinateSystem", $"'{coordinateSystem}' is not wgs84, gcj02 or bd09.");
        }

        return CoordinateSystems.ToWgs84(new LonLat(longitude, latitude), system);
    }

    /// <summary>A finite number in invariant notation.</summary>
    /// <exception cref="DomainValidationException">Anything else (names <paramref name="field"/>).</exception>
    public static double Number(string text, string field) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new DomainValidationException(field, $"'{text}' is not a number.");
}
