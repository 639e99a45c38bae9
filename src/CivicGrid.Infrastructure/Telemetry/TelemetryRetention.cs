using System.Globalization;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Infrastructure.Telemetry;

/// <summary>How long each resolution of the time series is kept.</summary>
/// <param name="Raw">Raw readings; older hours are rolled up into minute and hour buckets, then deleted.</param>
/// <param name="Minute">Minute roll-ups.</param>
/// <param name="Hour">Hour roll-ups.</param>
public sealed record RetentionPolicy(TimeSpan Raw, TimeSpan Minute, TimeSpan Hour);

/// <summary>What one retention pass did.</summary>
public sealed record RetentionResult(int HoursRolledUp, int RawDeleted, int RollupsWritten, int MinuteRollupsDeleted, int HourRollupsDeleted);

/// <summary>
/// Enforces the retention of the time series. Raw readings older than the raw retention are
/// compacted one whole hour at a time: in one transaction, the hour's minute and hour roll-ups are
/// written and its raw rows deleted, so no reader and no other node ever sees the hour half
/// compacted. Roll-ups older than their own retention are then deleted. Every step is idempotent:
/// a second node running the same pass at the same moment rolls up the same rows to the same
/// buckets (an existing bucket is only replaced by one counting more readings), and deletes rows
/// that are either still there or already gone. The caller guarantees that no reading older than
/// the raw retention can still arrive (the server refuses readings older than Telemetry:MaxAge, and
/// the raw retention is at least that long), so a compacted hour never receives late rows.
/// </summary>
public static class TelemetryRetention
{
    public static async Task<RetentionResult> RunAsync(CivicGridDbContext db, RetentionPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        var rawCutoff = FloorToHour(now - policy.Raw);
        var (hours, rawDeleted, written) = (0, 0, 0);
        while (true)
        {
            var oldest = await db.TelemetryReadings.AsNoTracking()
                .Where(r => r.Ts < rawCutoff)
                .OrderBy(r => r.Ts)
                .Select(r => (DateTimeOffset?)r.Ts)
                .FirstOrDefaultAsync(ct);
            if (oldest is not { } first)
            {
                break;
            }

            var start = FloorToHour(first);
            var end = start.AddHours(1);
            var strategy = db.Database.CreateExecutionStrategy();
            var (rollups, deleted) = await strategy.ExecuteAsync(async () =>
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var rollups = await RollUpAsync(db, start, end, TelemetryRollupRecord.Minute, ct)
                    + await RollUpAsync(db, start, end, TelemetryRollupRecord.Hour, ct);
                var deleted = await db.TelemetryReadings.Where(r => r.Ts >= start && r.Ts < end).ExecuteDeleteAsync(ct);
                await tx.CommitAsync(ct);
                return (rollups, deleted);
            });
            hours++;
            rawDeleted += deleted;
            written += rollups;
        }

        var minuteCutoff = FloorToHour(now - policy.Minute);
        var minuteDeleted = await db.TelemetryRollups
            .Where(r => r.BucketSeconds == TelemetryRollupRecord.Minute && r.BucketStart < minuteCutoff)
            .ExecuteDeleteAsync(ct);
        var hourCutoff = FloorToHour(now - policy.Hour);
        var hourDeleted = await db.TelemetryRollups
            .Where(r => r.BucketSeconds == TelemetryRollupRecord.Hour && r.BucketStart < hourCutoff)
            .ExecuteDeleteAsync(ct);
        return new RetentionResult(hours, rawDeleted, written, minuteDeleted, hourDeleted);
    }

    /// <summary>The start of the UTC hour an instant lies in.</summary>
    public static DateTimeOffset FloorToHour(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);

    private static Task<int> RollUpAsync(CivicGridDbContext db, DateTimeOffset start, DateTimeOffset end, int seconds, CancellationToken ct)
    {
        // The bucket expressions are constants of the code, not input: only the period is a parameter.
        const string Upsert = """
            ON CONFLICT ("DeviceId", "Name", "BucketSeconds", "BucketStart") DO UPDATE
            SET "Min" = excluded."Min", "Max" = excluded."Max", "Sum" = excluded."Sum", "Count" = excluded."Count"
            WHERE telemetry_rollups."Count" < excluded."Count"
            """;
        string sql;
        if (db.IsSqlite)
        {
            // Instants are UTC ticks on SQLite (ADR 0002): integer division makes the buckets.
            var ticks = (seconds * TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture);
            sql = $$"""
                INSERT INTO telemetry_rollups ("DeviceId", "Name", "BucketSeconds", "BucketStart", "Min", "Max", "Sum", "Count")
                SELECT "DeviceId", "Name", {{seconds.ToString(CultureInfo.InvariantCulture)}}, ("Ts" / {{ticks}}) * {{ticks}}, MIN("Value"), MAX("Value"), SUM("Value"), COUNT(*)
                FROM telemetry_readings
                WHERE "Ts" >= {0} AND "Ts" < {1}
                GROUP BY "DeviceId", "Name", ("Ts" / {{ticks}})
                {{Upsert}}
                """;
            return db.Database.ExecuteSqlRawAsync(sql, [start.UtcTicks, end.UtcTicks], ct);
        }

        var interval = seconds == TelemetryRollupRecord.Minute ? "1 minute" : "1 hour";
        sql = $$"""
            INSERT INTO telemetry_rollups ("DeviceId", "Name", "BucketSeconds", "BucketStart", "Min", "Max", "Sum", "Count")
            SELECT "DeviceId", "Name", {{seconds.ToString(CultureInfo.InvariantCulture)}}, date_bin(INTERVAL '{{interval}}', "Ts", TIMESTAMPTZ '2000-01-01 00:00:00+00'),
                   MIN("Value"), MAX("Value"), SUM("Value"), COUNT(*)
            FROM telemetry_readings
            WHERE "Ts" >= {0} AND "Ts" < {1}
            GROUP BY 1, 2, 4
            {{Upsert}}
            """;
        return db.Database.ExecuteSqlRawAsync(sql, [start, end], ct);
    }
}
