using System.Globalization;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Geography;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Security;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace CivicGrid.Server.Features.Geocoding;

/// <summary>A place found by name: what it is, where (in the reply's coordinate system) and its place in the city model.</summary>
public sealed record GeocodeResultDto(
    string Id, GazetteerKind Kind, string Name, string NameEn, string MatchedName, GazetteerMatchKind Match, double Score,
    double Longitude, double Latitude, CoordinateSystem CoordinateSystem, string? Detail, PlaceDto Place);

/// <summary>The answer to an address search.</summary>
public sealed record GeocodeReply(string Query, CoordinateSystem CoordinateSystem, IReadOnlyList<GeocodeResultDto> Results);

/// <summary>A road or landmark near a position.</summary>
public sealed record NearbyDto(string Id, string Name, string NameEn, double DistanceMetres);

/// <summary>
/// What is at a position: a readable address in both languages, the stored (WGS-84) position, the
/// system the position was given in, its place in the city model and the nearest road and landmark.
/// </summary>
public sealed record ReverseGeocodeReply(
    string Address, string AddressEn, double Longitude, double Latitude, CoordinateSystem CoordinateSystem,
    CoordinateSystem GivenIn, PlaceDto Place, NearbyDto? Road, NearbyDto? Landmark);

/// <summary>A landmark of the gazetteer.</summary>
public sealed record LandmarkDto(Guid Id, string NameZh, string NameEn, IReadOnlyList<string> Aliases, LandmarkKind Kind, double Longitude, double Latitude, IReadOnlyList<double[]>? Path);

/// <summary>A new landmark; a road may give its centre line as [[lon, lat], ...] (WGS-84).</summary>
public sealed record AddLandmarkRequest(string? NameZh, string? NameEn, IReadOnlyList<string>? Aliases, LandmarkKind? Kind, double? Longitude, double? Latitude, IReadOnlyList<double[]>? Path);

/// <summary>
/// 地理编码: address search over the district's own gazetteer (<c>GET /api/v1/geocode</c>), reverse
/// geocoding to a readable address (<c>GET /api/v1/geocode/reverse</c>), and the landmarks list.
/// </summary>
public static class GeocodingFeature
{
    public const int MaxQueryLength = 100;
    public const int DefaultLimit = 10;
    public const int MaxLimit = 50;

    public static IHostApplicationBuilder AddGeocoding(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GeocodingOptions>().BindConfiguration(GeocodingOptions.SectionName)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DistrictNameZh) && !string.IsNullOrWhiteSpace(o.DistrictNameEn), "Geocoding:DistrictNameZh and DistrictNameEn are required.")
            .Validate(o => o.RefreshSeconds is >= 1 and <= 86400, "Geocoding:RefreshSeconds must be between 1 and 86400.")
            .Validate(o => o.RoadRadiusMetres is > 0 and <= 5000 && o.LandmarkRadiusMetres is > 0 and <= 10000, "Geocoding radii must be positive (roads ≤ 5 km, landmarks ≤ 10 km).")
            .ValidateOnStart();
        builder.Services.AddSingleton<Gazetteer>();
        return builder;
    }

    public static IEndpointRouteBuilder MapGeocoding(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequirePermission(Permission.ReferenceRead).WithTags("Geocoding");
        api.MapGet("/geocode", GeocodeAsync).WithName("Geocode")
            .WithSummary("Address search over the district's gazetteer (streets, communities, roads, landmarks, components by id or name): exact, prefix, contains, then similar names; each result with its grid, community, street and responsible department.")
            .Produces<GeocodeReply>().ProducesValidationProblem();
        api.MapGet("/geocode/reverse", ReverseAsync).WithName("ReverseGeocode")
            .WithSummary("A readable address for a position (wgs84, gcj02 or bd09): street, community, nearby road and landmark, with its grid and responsible department.")
            .Produces<ReverseGeocodeReply>().ProducesValidationProblem();
        api.MapGet("/landmarks", ListLandmarksAsync).WithName("ListLandmarks").WithSummary("The gazetteer's landmarks and roads.")
            .Produces<IReadOnlyList<LandmarkDto>>();
        api.MapPost("/landmarks", AddLandmarkAsync).WithName("AddLandmark").RequirePermission(Permission.ReferenceManage)
            .WithSummary("Add a landmark or road to the gazetteer (admin).")
            .Produces<LandmarkDto>(StatusCodes.Status201Created).ProducesValidationProblem();
        return app;
    }

    /// <summary>Checks a search query: present, not longer than <see cref="MaxQueryLength"/>, with a letter or digit.</summary>
    public static string ValidQuery(string? q)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            throw new DomainValidationException("q", "Type a place to search for (q).");
        }

        if (q.Length > MaxQueryLength)
        {
            throw new DomainValidationException("q", $"q is at most {MaxQueryLength} characters.");
        }

        return GazetteerText.Normalize(q).Length == 0
            ? throw new DomainValidationException("q", "q needs at least one letter or digit.")
            : q;
    }

    private static async Task<IResult> GeocodeAsync(string? q, int? limit, string? coordinateSystem, string? categoryCode, Gazetteer gazetteer, CancellationToken ct)
    {
        var query = ValidQuery(q);
        if (limit is < 1 or > MaxLimit)
        {
            throw new DomainValidationException("limit", $"limit is between 1 and {MaxLimit}.");
        }

        var system = System(coordinateSystem);
        ValidCategory(categoryCode);
        var found = await gazetteer.SearchAsync(query, limit ?? DefaultLimit, categoryCode, ct);
        return Results.Ok(new GeocodeReply(query, system, [.. found.Select(f => ToDto(f.Match, f.Place, system))]));
    }

    /// <summary>A match as the API shows it, its position converted to <paramref name="system"/>.</summary>
    public static GeocodeResultDto ToDto(GazetteerMatch m, PlaceDto place, CoordinateSystem system)
    {
        var p = CoordinateSystems.FromWgs84(new LonLat(m.Entry.Longitude, m.Entry.Latitude), system);
        return new GeocodeResultDto(m.Entry.Id, m.Entry.Kind, m.Entry.NameZh, m.Entry.NameEn, m.MatchedName, m.Match, m.Score,
            Math.Round(p.Longitude, 7), Math.Round(p.Latitude, 7), system, m.Entry.Detail, place);
    }

    private static async Task<IResult> ReverseAsync(double? lon, double? lat, string? coordinateSystem, string? categoryCode, Gazetteer gazetteer, CancellationToken ct)
    {
        if (lon is null || lat is null)
        {
            throw new DomainValidationException(lon is null ? "lon" : "lat", "Give lon and lat.");
        }

        if (!double.IsFinite(lon.Value) || lon is < -180 or > 180)
        {
            throw new DomainValidationException("lon", "lon is between -180 and 180.");
        }

        if (!double.IsFinite(lat.Value) || lat is < -90 or > 90)
        {
            throw new DomainValidationException("lat", "lat is between -90 and 90.");
        }

        var system = System(coordinateSystem);
        ValidCategory(categoryCode);
        var reply = await ReverseGeocodeAsync(gazetteer, lon.Value, lat.Value, system, categoryCode, ct)
            ?? throw new DomainValidationException("lon", "The position lies outside the district (no unit grid contains it).");
        return Results.Ok(reply);
    }

    /// <summary>Reverse geocoding for the API and the console; null outside the district.</summary>
    public static async Task<ReverseGeocodeReply?> ReverseGeocodeAsync(Gazetteer gazetteer, double lon, double lat, CoordinateSystem system, string? categoryCode, CancellationToken ct)
    {
        var wgs = CoordinateSystems.ToWgs84(new LonLat(lon, lat), system);
        if (await gazetteer.ReverseAsync(wgs.Longitude, wgs.Latitude, categoryCode, ct) is not { } found)
        {
            return null;
        }

        var (zh, en) = Address(gazetteer.Options, found);
        return new ReverseGeocodeReply(zh, en, Math.Round(wgs.Longitude, 7), Math.Round(wgs.Latitude, 7), CoordinateSystem.Wgs84, system, found.Place,
            Nearby(found.Road), Nearby(found.Landmark));

        static NearbyDto? Nearby(GazetteerNearby? n) => n is null ? null : new NearbyDto(n.Entry.Id, n.Entry.NameZh, n.Entry.NameEn, n.DistanceMetres);
    }

    /// <summary>"东城区 东华门街道 某社区 王府井大街附近（距王府井百货大楼 120 米）" and its English form.</summary>
    public static (string Zh, string En) Address(GeocodingOptions options, Gazetteer.ReverseResult r)
    {
        var zh = new List<string> { options.DistrictNameZh };
        var en = new List<string>();
        if (r.Place.Street is { } street)
        {
            zh.Add(street.NameZh);
            en.Insert(0, street.NameEn);
        }

        if (r.Place.Community is { } community)
        {
            zh.Add(community.NameZh);
            en.Insert(0, community.NameEn);
        }

        if (r.Road is { } road)
        {
            zh.Add(road.Entry.NameZh + "附近");
            en.Insert(0, "Near " + road.Entry.NameEn);
        }

        en.Add(options.DistrictNameEn);
        var textZh = string.Join(' ', zh);
        var textEn = string.Join(", ", en);
        if (r.Landmark is { } landmark)
        {
            var metres = RoundMetres(landmark.DistanceMetres);
            textZh += string.Create(CultureInfo.InvariantCulture, $"（距{landmark.Entry.NameZh} {metres} 米）");
            textEn += string.Create(CultureInfo.InvariantCulture, $" ({metres} m from {landmark.Entry.NameEn})");
        }

        return (textZh, textEn);
    }

    /// <summary>Whole metres below 100, tens above (a caller does not need "距地坛 437 米").</summary>
    public static int RoundMetres(double metres) =>
        metres < 100 ? (int)Math.Round(metres, MidpointRounding.AwayFromZero) : (int)(Math.Round(metres / 10, MidpointRounding.AwayFromZero) * 10);

    private static CoordinateSystem System(string? text) =>
        CoordinateSystems.TryParse(text, out var system)
            ? system
            : throw new DomainValidationException("coordinateSystem", $"'{text}' is not wgs84, gcj02 or bd09.");

    private static void ValidCategory(string? categoryCode)
    {
        if (categoryCode is not null && !Domain.Grids.CategoryCode.IsValid(categoryCode))
        {
            throw new DomainValidationException("categoryCode", "categoryCode is a 5-digit category code.");
        }
    }

    private static async Task<IResult> ListLandmarksAsync(CivicGridDbContext db, CancellationToken ct) =>
        Results.Ok((await db.Landmarks.AsNoTracking().OrderBy(l => l.NameZh).ToListAsync(ct)).Select(ToDto).ToList());

    private static async Task<IResult> AddLandmarkAsync(AddLandmarkRequest request, CivicGridDbContext db, GridLocator grids, Gazetteer gazetteer, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.NameZh) || request.NameZh.Trim().Length > Landmark.MaxNameLength)
        {
            throw new DomainValidationException("nameZh", $"Name the place in Chinese (at most {Landmark.MaxNameLength} characters).");
        }

        if (string.IsNullOrWhiteSpace(request.NameEn) || request.NameEn.Trim().Length > Landmark.MaxNameLength * 2)
        {
            throw new DomainValidationException("nameEn", $"Name the place in English (at most {Landmark.MaxNameLength * 2} characters).");
        }

        var aliases = (request.Aliases ?? []).Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).Distinct(StringComparer.Ordinal).ToList();
        if (aliases.Count > Landmark.MaxAliases || aliases.Any(a => a.Length > Landmark.MaxNameLength))
        {
            throw new DomainValidationException("aliases", $"At most {Landmark.MaxAliases} aliases of at most {Landmark.MaxNameLength} characters.");
        }

        if (request.Kind is not { } kind || !Enum.IsDefined(kind))
        {
            throw new DomainValidationException("kind", "kind is road, transit, park, heritage, religion, culture, commerce, hospital, school, government, residential or other.");
        }

        if (request.Longitude is not { } lon || request.Latitude is not { } lat)
        {
            throw new DomainValidationException(request.Longitude is null ? "longitude" : "latitude", "Give the place's position (WGS-84).");
        }

        if (await grids.LocateAsync(lon, lat, ct) is null)
        {
            throw new DomainValidationException("longitude", "The position lies outside the district (no unit grid contains it).");
        }

        LineString? path = null;
        if (request.Path is { Count: > 0 } points)
        {
            if (points.Count < 2 || points.Count > 500 || points.Any(p => p is not { Length: 2 } || !double.IsFinite(p[0]) || !double.IsFinite(p[1]) || p[0] is < -180 or > 180 || p[1] is < -90 or > 90))
            {
                throw new DomainValidationException("path", "path is 2 to 500 [lon, lat] pairs.");
            }

            path = new LineString([.. points.Select(p => new Coordinate(p[0], p[1]))]) { SRID = 4326 };
        }

        var landmark = new Landmark
        {
            NameZh = request.NameZh.Trim(),
            NameEn = request.NameEn.Trim(),
            Aliases = aliases,
            Kind = kind,
            Longitude = lon,
            Latitude = lat,
            Path = path,
        };
        db.Landmarks.Add(landmark);
        await db.SaveChangesAsync(ct);
        gazetteer.Invalidate();
        return Results.Created($"/api/v1/landmarks/{landmark.Id}", ToDto(landmark));
    }

    private static LandmarkDto ToDto(Landmark l) =>
        new(l.Id, l.NameZh, l.NameEn, l.Aliases, l.Kind, l.Longitude, l.Latitude, l.Path?.Coordinates.Select(c => new[] { c.X, c.Y }).ToList());
}
