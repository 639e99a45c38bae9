using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Geography;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.CityModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Geocoding;

/// <summary>A code with its names (a street, a community).</summary>
public sealed record NamedCode(string Code, string NameZh, string NameEn);

/// <summary>A department with its names.</summary>
public sealed record DepartmentRef(Guid Id, string Code, string NameZh, string NameEn);

/// <summary>Where a place is in the city model: its unit grid, community, street and the department responsible there.</summary>
public sealed record PlaceDto(string? GridCode, NamedCode? Community, NamedCode? Street, DepartmentRef? Department);

/// <summary>
/// 地名库: the district's gazetteer (streets, communities, roads, landmarks, components) as an
/// in-memory <see cref="GazetteerIndex"/>, built from the database on first use, rebuilt at once
/// when this node changes the city model (<see cref="Invalidate"/>) and in the background when it
/// is older than <see cref="GeocodingOptions.RefreshSeconds"/> (changes made by another node). Each
/// entry is resolved to its grid, community and street when the index is built, so a lookup is a
/// pure in-memory search.
/// </summary>
public sealed class Gazetteer(IServiceScopeFactory scopes, GridLocator grids, IOptions<GeocodingOptions> options, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;
    private int _refreshing;

    public GeocodingOptions Options => options.Value;

    /// <summary>Forgets the index; the next lookup rebuilds it.</summary>
    public void Invalidate() => _snapshot = null;

    public void Dispose() => _gate.Dispose();

    /// <summary>The best matches for a query, with their place in the city model.</summary>
    public async Task<IReadOnlyList<(GazetteerMatch Match, PlaceDto Place)>> SearchAsync(string query, int limit, string? categoryCode, CancellationToken ct)
    {
        var s = await GetAsync(ct);
        return [.. s.Index.Search(query, limit).Select(m => (m, s.PlaceOf(m.Entry, categoryCode)))];
    }

    /// <summary>What is at a WGS-84 position: its place, the nearest road and landmark; null outside the district.</summary>
    public async Task<ReverseResult?> ReverseAsync(double longitude, double latitude, string? categoryCode, CancellationToken ct)
    {
        if (await grids.LocateAsync(longitude, latitude, ct) is not { } location)
        {
            return null;
        }

        var s = await GetAsync(ct);
        var road = s.Index.Nearby(longitude, latitude, GazetteerKind.Road, Options.RoadRadiusMetres, 1) is [var r, ..] ? r : null;
        var landmark = s.Index.Nearby(longitude, latitude, GazetteerKind.Landmark, Options.LandmarkRadiusMetres, 1) is [var l, ..] ? l : null;
        var place = s.PlaceOf(location, categoryCode, owner: null);
        return new ReverseResult(place, road, landmark);
    }

    /// <summary>The index itself (for counts and tests).</summary>
    public async Task<GazetteerIndex> IndexAsync(CancellationToken ct) => (await GetAsync(ct)).Index;

    private async Task<Snapshot> GetAsync(CancellationToken ct)
    {
        if (_snapshot is { } ready)
        {
            if (clock.GetUtcNow() - ready.BuiltAt > TimeSpan.FromSeconds(Math.Max(1, Options.RefreshSeconds))
                && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
            {
                // Stale: keep answering from it while a fresh one is built.
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var fresh = await BuildAsync(CancellationToken.None);
                        if (ReferenceEquals(_snapshot, ready))
                        {
                            _snapshot = fresh;
                        }
                    }
                    catch (Exception e) when (e is InvalidOperationException or DbUpdateException or System.Data.Common.DbException)
                    {
                        // The next stale lookup tries again; the old index keeps answering.
                    }
                    finally
                    {
                        Volatile.Write(ref _refreshing, 0);
                    }
                }, CancellationToken.None);
            }

            return ready;
        }

        await _gate.WaitAsync(ct);
        try
        {
            return _snapshot ??= await BuildAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Snapshot> BuildAsync(CancellationToken ct)
    {
        var builtAt = clock.GetUtcNow();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var streets = await db.Streets.AsNoTracking().ToListAsync(ct);
        var communities = await db.Communities.AsNoTracking().ToListAsync(ct);
        var landmarks = await db.Landmarks.AsNoTracking().ToListAsync(ct);
        var gridsByCode = (await db.UnitGrids.AsNoTracking().Select(g => new { g.Code, g.CommunityCode, g.StreetCode }).ToListAsync(ct))
            .ToDictionary(g => g.Code, g => new GridLocation(g.Code, g.CommunityCode, g.StreetCode), StringComparer.Ordinal);
        var componentNames = await db.Categories.AsNoTracking().Where(c => c.Kind == CategoryKind.Component)
            .ToDictionaryAsync(c => c.Code, c => c.NameEn, StringComparer.Ordinal, ct);
        var components = await db.Components.AsNoTracking()
            .Select(c => new { c.Id, c.Name, c.CategoryCode, c.Longitude, c.Latitude, c.GridCode, c.OwnerDepartmentId })
            .ToListAsync(ct);
        var departments = await db.Departments.AsNoTracking().Where(d => d.IsActive).ToListAsync(ct);
        var rules = await db.ResponsibilityRules.AsNoTracking().ToListAsync(ct);

        var entries = new List<GazetteerEntry>();
        var locations = new Dictionary<string, (GridLocation? Location, Guid? Owner)>(StringComparer.Ordinal);
        foreach (var s in streets)
        {
            var p = s.Boundary.InteriorPoint;
            entries.Add(new GazetteerEntry(s.Code, GazetteerKind.Street, s.NameZh, s.NameEn, ShortNames(s.NameZh, "街道"), p.X, p.Y));
            locations[s.Code] = (await grids.LocateAsync(p.X, p.Y, ct), null);
        }

        foreach (var c in communities)
        {
            var p = c.Boundary.InteriorPoint;
            entries.Add(new GazetteerEntry(c.Code, GazetteerKind.Community, c.NameZh, c.NameEn, ShortNames(c.NameZh, "社区"), p.X, p.Y));
            locations[c.Code] = (await grids.LocateAsync(p.X, p.Y, ct), null);
        }

        foreach (var l in landmarks)
        {
            var id = l.Id.ToString();
            var path = l.Path is { } line ? line.Coordinates.Select(c => new LonLat(c.X, c.Y)).ToList() : null;
            var kind = l.Kind == LandmarkKind.Road ? GazetteerKind.Road : GazetteerKind.Landmark;
            entries.Add(new GazetteerEntry(id, kind, l.NameZh, l.NameEn, l.Aliases, l.Longitude, l.Latitude, l.Kind.ToString(), path));
            locations[id] = (await grids.LocateAsync(l.Longitude, l.Latitude, ct), null);
        }

        foreach (var c in components)
        {
            entries.Add(new GazetteerEntry(c.Id, GazetteerKind.Component, c.Name, componentNames.GetValueOrDefault(c.CategoryCode) ?? c.Name, [], c.Longitude, c.Latitude, c.CategoryCode));
            locations[c.Id] = (gridsByCode.GetValueOrDefault(c.GridCode), c.OwnerDepartmentId);
        }

        return new Snapshot(
            new GazetteerIndex(entries),
            locations,
            streets.ToDictionary(s => s.Code, s => new NamedCode(s.Code, s.NameZh, s.NameEn), StringComparer.Ordinal),
            communities.ToDictionary(c => c.Code, c => new NamedCode(c.Code, c.NameZh, c.NameEn), StringComparer.Ordinal),
            departments.ToDictionary(d => d.Id, d => new DepartmentRef(d.Id, d.Code, d.NameZh, d.NameEn)),
            rules,
            departments.Where(d => string.Equals(d.Kind, "street", StringComparison.Ordinal)).OrderBy(d => d.Code, StringComparer.Ordinal).Select(d => (Guid?)d.Id).FirstOrDefault(),
            builtAt);
    }

    /// <summary>"东华门街道" is also found as "东华门".</summary>
    private static string[] ShortNames(string name, string suffix)
    {
        var bare = name.Replace("（模拟）", string.Empty, StringComparison.Ordinal).Trim();
        return bare.EndsWith(suffix, StringComparison.Ordinal) && bare.Length > suffix.Length + 1 ? [bare[..^suffix.Length]] : [];
    }

    /// <summary>What reverse geocoding found at a position.</summary>
    public sealed record ReverseResult(PlaceDto Place, GazetteerNearby? Road, GazetteerNearby? Landmark);

    private sealed record Snapshot(
        GazetteerIndex Index,
        Dictionary<string, (GridLocation? Location, Guid? Owner)> Locations,
        Dictionary<string, NamedCode> Streets,
        Dictionary<string, NamedCode> Communities,
        Dictionary<Guid, DepartmentRef> Departments,
        List<ResponsibilityRule> Rules,
        Guid? Territorial,
        DateTimeOffset BuiltAt)
    {
        public PlaceDto PlaceOf(GazetteerEntry entry, string? categoryCode)
        {
            var (location, owner) = Locations.GetValueOrDefault(entry.Id);
            if (location is null)
            {
                // A street or community whose inner point has no grid still names itself.
                return entry.Kind switch
                {
                    GazetteerKind.Street => new PlaceDto(null, null, Streets.GetValueOrDefault(entry.Id), Department(Territorial)),
                    GazetteerKind.Community => new PlaceDto(null, Communities.GetValueOrDefault(entry.Id), null, Department(Territorial)),
                    _ => new PlaceDto(null, null, null, null),
                };
            }

            return PlaceOf(location, categoryCode, owner);
        }

        /// <summary>
        /// The department responsible: the rule for the category in that street when a category is
        /// given, else a component's owner, else the street office (属地).
        /// </summary>
        public PlaceDto PlaceOf(GridLocation location, string? categoryCode, Guid? owner)
        {
            Guid? department = null;
            if (categoryCode is { Length: 5 })
            {
                department = ResponsibilityRule.Resolve(Rules, categoryCode, location.StreetCode);
            }

            department ??= owner ?? Territorial;
            return new PlaceDto(location.GridCode, Communities.GetValueOrDefault(location.CommunityCode), Streets.GetValueOrDefault(location.StreetCode), Department(department));
        }

        private DepartmentRef? Department(Guid? id) => id is { } d ? Departments.GetValueOrDefault(d) : null;
    }
}
