using CivicGrid.Domain.Common;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>How finely a series is returned.</summary>
public enum TelemetryResolution
{
    Raw,
    Minute,
    Hour,
}

/// <summary>One raw point.</summary>
public sealed record TelemetryPointDto(DateTimeOffset Ts, double Value, string? Raw);

/// <summary>One bucket of an aggregated series (the bucket's start, UTC).</summary>
public sealed record TelemetryBucketDto(DateTimeOffset Ts, double Min, double Max, double Avg, long Count);

/// <summary>A device's series per value name, raw or aggregated.</summary>
public sealed record TelemetrySeriesDto(
    string DeviceId,
    TelemetryResolution Resolution,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyDictionary<string, IReadOnlyList<TelemetryPointDto>>? Points,
    IReadOnlyDictionary<string, IReadOnlyList<TelemetryBucketDto>>? Buckets);

/// <summary>Reads of the time series: latest values and ranges, raw or rolled up by minute or hour.</summary>
public static class TelemetryQueries
{
    public const int MaxRawPoints = 10_000;

    /// <summary>How far back <see cref="NewestAsync"/> looks first.</summary>
    private static readonly TimeSpan RecentSpan = TimeSpan.FromDays(1);

    /// <summary>The latest value of each of the device type's names (one index seek each).</summary>
    public static async Task<IReadOnlyDictionary<string, LatestValueDto>> LatestAsync(CivicGridDbContext db, Device device, DateTimeOffset now, CancellationToken ct)
    {
        var latest = new Dictionary<string, LatestValueDto>(StringComparer.Ordinal);
        foreach (var field in DeviceTypes.Find(device.Type)?.Fields ?? [])
        {
            var name = field.Name;
            var readings = db.TelemetryReadings.AsNoTracking().Where(r => r.DeviceId == device.Id && r.Name == name);
            var row = (await NewestAsync(readings, now, 1, r => r, ct)).FirstOrDefault();
            if (row is not null)
            {
                latest[name] = new LatestValueDto(row.Value, row.Raw, row.Ts);
            }
        }

        return latest;
    }

    /// <summary>
    /// The newest <paramref name="count"/> readings of a query, newest first, looked for in the day
    /// before <paramref name="recentUntil"/> first and in the whole query only when that day holds
    /// fewer. The answer is the same; on PostgreSQL the first query is pruned to the one or two day
    /// partitions it touches, where an unbounded newest-first query would probe every partition
    /// (the default partition keeps PostgreSQL from scanning them in order).
    /// </summary>
    public static async Task<List<T>> NewestAsync<T>(IQueryable<TelemetryReadingRecord> readings, DateTimeOffset recentUntil, int count,
        System.Linq.Expressions.Expression<Func<TelemetryReadingRecord, T>> select, CancellationToken ct)
    {
        var since = recentUntil - RecentSpan;
        var recent = await readings.Where(r => r.Ts >= since).OrderByDescending(r => r.Ts).Take(count).Select(select).ToListAsync(ct);
        return recent.Count >= count ? recent : await readings.OrderByDescending(r => r.Ts).Take(count).Select(select).ToListAsync(ct);
    }

    public static async Task<TelemetrySeriesDto> SeriesAsync(
        CivicGridDbContext db, Device device, DateTimeOffset? from, DateTimeOffset? to, TelemetryResolution resolution, string? name, DateTimeOffset now, CancellationToken ct)
    {
        var type = DeviceTypes.Find(device.Type);
        if (name is not null && type?.Field(name) is null)
        {
            throw new DomainValidationException("name", $"'{name}' is not a value of {device.Type}.");
        }

        var end = (to ?? now).ToUniversalTime();
        var start = (from ?? end.AddDays(-1)).ToUniversalTime();
        if (start >= end)
        {
            throw new DomainValidationException("from", "from must be before to.");
        }

        var maxSpan = resolution switch
        {
            TelemetryResolution.Raw => TimeSpan.FromDays(31),
            TelemetryResolution.Minute => TimeSpan.FromDays(14),
            _ => TimeSpan.FromDays(400),
        };
        if (end - start > maxSpan)
        {
            throw new DomainValidationException("from", $"At {resolution.ToString().ToLowerInvariant()} resolution a range spans at most {maxSpan.TotalDays:0} days.");
        }

        if (resolution == TelemetryResolution.Raw)
        {
            var q = db.TelemetryReadings.AsNoTracking().Where(r => r.DeviceId == device.Id && r.Ts >= start && r.Ts < end);
            q = name is null ? q : q.Where(r => r.Name == name);
            var rows = await q.OrderBy(r => r.Name).ThenBy(r => r.Ts).Take(MaxRawPoints).ToListAsync(ct);
            var points = rows.GroupBy(r => r.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<TelemetryPointDto>)[.. g.Select(r => new TelemetryPointDto(r.Ts, r.Value, r.Raw))], StringComparer.Ordinal);
            return new TelemetrySeriesDto(device.Id, resolution, start, end, points, null);
        }

        var bucket = resolution == TelemetryResolution.Minute ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1);
        var buckets = await AggregateAsync(db, [device.Id], name, start, end, bucket, ct);
        return new TelemetrySeriesDto(device.Id, resolution, start, end, null, buckets);
    }

    /// <summary>min/max/avg/count per name and time bucket over a set of devices, computed by the database.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<TelemetryBucketDto>>> AggregateAsync(
        CivicGridDbContext db, IReadOnlyList<string> deviceIds, string? name, DateTimeOffset start, DateTimeOffset end, TimeSpan bucket, CancellationToken ct)
    {
        List<BucketRow> rows;
        var ids = deviceIds.ToArray();
        if (db.IsSqlite)
        {
            // Instants are UTC ticks on SQLite (ADR 0002): integer division makes the buckets.
            var size = bucket.Ticks;
            var (s, e) = (start.UtcTicks, end.UtcTicks);
            rows = await db.Database.SqlQuery<BucketRow>($"""
                SELECT "Name" AS "Name", ("Ts" / {size}) * {size} AS "Bucket", MIN("Value") AS "Min", MAX("Value") AS "Max", AVG("Value") AS "Avg", COUNT(*) AS "Count"
                FROM telemetry_readings
                WHERE "DeviceId" IN (SELECT value FROM json_each({System.Text.Json.JsonSerializer.Serialize(ids)}))
                  AND "Ts" >= {s} AND "Ts" < {e} AND ({name} IS NULL OR "Name" = {name})
                GROUP BY "Name", ("Ts" / {size})
                ORDER BY "Name", "Bucket"
                """).ToListAsync(ct);
        }
        else
        {
            var interval = bucket;
            rows = await db.Database.SqlQuery<BucketRow>($"""
                SELECT "Name" AS "Name", (EXTRACT(EPOCH FROM date_bin({interval}, "Ts", TIMESTAMPTZ '2000-01-01 00:00:00+00'))::bigint * 10000000 + 621355968000000000) AS "Bucket",
                       MIN("Value") AS "Min", MAX("Value") AS "Max", AVG("Value") AS "Avg", COUNT(*) AS "Count"
                FROM telemetry_readings
                WHERE "DeviceId" = ANY({ids}) AND "Ts" >= {start} AND "Ts" < {end} AND ({name}::text IS NULL OR "Name" = {name})
                GROUP BY 1, 2
                ORDER BY 1, 2
                """).ToListAsync(ct);
        }

        // Hours past the raw retention live only as stored roll-ups (TelemetryRetention compacts an
        // hour in one transaction, so a bucket is either raw or stored, never half of each).
        var seconds = (int)bucket.TotalSeconds;
        var stored = await db.TelemetryRollups.AsNoTracking()
            .Where(r => r.BucketSeconds == seconds && ids.Contains(r.DeviceId) && r.BucketStart >= start && r.BucketStart < end && (name == null || r.Name == name))
            .ToListAsync(ct);
        if (stored.Count > 0)
        {
            var fromRaw = rows.Select(r => (r.Name, r.Bucket)).ToHashSet();
            rows.AddRange(stored.GroupBy(r => (r.Name, Bucket: r.BucketStart.UtcTicks))
                .Where(g => !fromRaw.Contains(g.Key))
                .Select(g => new BucketRow
                {
                    Name = g.Key.Name,
                    Bucket = g.Key.Bucket,
                    Min = g.Min(r => r.Min),
                    Max = g.Max(r => r.Max),
                    Avg = g.Sum(r => r.Sum) / g.Sum(r => r.Count),
                    Count = g.Sum(r => r.Count),
                }));
            rows = [.. rows.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Bucket)];
        }

        return rows.GroupBy(r => r.Name, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<TelemetryBucketDto>)[.. g.Select(r => new TelemetryBucketDto(new DateTimeOffset(r.Bucket, TimeSpan.Zero), r.Min, r.Max, r.Avg, r.Count))],
                StringComparer.Ordinal);
    }

    /// <summary>A row of the aggregate query; <see cref="Bucket"/> is the bucket start in UTC ticks on both engines.</summary>
    public sealed class BucketRow
    {
        public string Name { get; set; } = string.Empty;

        public long Bucket { get; set; }

        public double Min { get; set; }

        public double Max { get; set; }

        public double Avg { get; set; }

        public long Count { get; set; }
    }
}
