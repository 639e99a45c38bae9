using System.Globalization;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.LoadTest.Seeding;

/// <summary>
/// Registers many devices of one type straight into the database of a seeded server (spread over
/// its unit grids), and writes their ids and tokens (<c>id TAB token</c> per line) for <c>ingest</c>.
/// </summary>
public static class DeviceSeeder
{
    public const string Prefix = "bench-";

    public static async Task<int> SeedAsync(DatabaseProvider provider, string connection, int count, string typeCode, string outFile, CancellationToken ct)
    {
        var type = DeviceTypes.Find(typeCode) ?? throw new ArgumentException($"--type '{typeCode}' is not a device type.");
        var options = new DbContextOptionsBuilder<CivicGridDbContext>();
        PersistenceServiceCollectionExtensions.Configure(options, provider, BulkSeeder.ConnectionString(provider, connection));
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using (var probe = new CivicGridDbContext(options.Options))
        {
            if (await probe.Devices.AnyAsync(d => d.Id.StartsWith(Prefix), ct))
            {
                throw new ArgumentException("The database already holds bench devices: seed a fresh server.");
            }
        }

        List<(string Code, string Community, string Street, double Lon, double Lat)> grids;
        await using (var db = new CivicGridDbContext(options.Options))
        {
            grids = [.. (await db.UnitGrids.AsNoTracking().OrderBy(g => g.Code)
                .Select(g => new { g.Code, g.CommunityCode, g.StreetCode, g.CentroidLongitude, g.CentroidLatitude }).ToListAsync(ct))
                .Select(g => (g.Code, g.CommunityCode, g.StreetCode, g.CentroidLongitude, g.CentroidLatitude))];
        }

        if (grids.Count == 0)
        {
            throw new ArgumentException("The database has no unit grids: start the server once with --demo first.");
        }

        var now = DateTimeOffset.UtcNow;
        await using var writer = new StreamWriter(outFile);
        const int Chunk = 5000;
        for (var start = 0; start < count; start += Chunk)
        {
            await using var db = new CivicGridDbContext(options.Options);
            for (var i = start; i < Math.Min(count, start + Chunk); i++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{type.Code}-{i:D6}");
                var g = grids[i % grids.Count];
                var (device, token) = Device.Register(id, type, null, new DevicePlacement(g.Lon, g.Lat, g.Code, g.Community, g.Street), null, null, now);
                db.Devices.Add(device);
                await writer.WriteLineAsync($"{id}\t{token}");
            }

            await db.SaveChangesAsync(ct);
        }

        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"registered {count} {type.Code} devices in {seconds:0.0} s; tokens in {outFile}"));
        return 0;
    }
}
