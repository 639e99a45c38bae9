using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace CivicGrid.Server.Features.CityModel;

/// <summary>Where a position falls: its unit grid, community and street.</summary>
public sealed record GridLocation(string GridCode, string CommunityCode, string StreetCode);

/// <summary>
/// Resolves positions to unit grids with an STR-tree over the grid polygons (the same lookup on
/// SQLite and PostgreSQL). The index is rebuilt from the database when grids change; it holds
/// nothing a second node could not rebuild for itself.
/// </summary>
public sealed class GridLocator(IServiceScopeFactory scopes) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Index? _index;

    /// <summary>The grid containing the point, or null when it lies outside every grid.</summary>
    public async Task<GridLocation?> LocateAsync(double longitude, double latitude, CancellationToken ct)
    {
        var index = await GetIndexAsync(ct);
        var point = new Point(longitude, latitude);
        foreach (var candidate in index.Tree.Query(point.EnvelopeInternal))
        {
            if (candidate.Shape.Covers(point))
            {
                return candidate.Location;
            }
        }

        return null;
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Forgets the index; the next lookup reloads the grids.</summary>
    public void Invalidate() => _index = null;

    private async Task<Index> GetIndexAsync(CancellationToken ct)
    {
        if (_index is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_index is { } loaded)
            {
                return loaded;
            }

            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var grids = await db.UnitGrids.AsNoTracking()
                .Select(g => new { g.Code, g.CommunityCode, g.StreetCode, g.Boundary })
                .ToListAsync(ct);
            var tree = new STRtree<Entry>();
            foreach (var g in grids)
            {
                tree.Insert(g.Boundary.EnvelopeInternal, new Entry(PreparedGeometryFactory.Prepare(g.Boundary), new GridLocation(g.Code, g.CommunityCode, g.StreetCode)));
            }

            tree.Build();
            _index = new Index(tree);
            return _index;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record Entry(IPreparedGeometry Shape, GridLocation Location);

    private sealed record Index(STRtree<Entry> Tree);
}
