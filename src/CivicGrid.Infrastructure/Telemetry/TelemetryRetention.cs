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
public sealed record RetentionResult(int HoursRolledUp, int RawDeleted, int RollupsWritten, int MinuteRollupsDeleted, int HourRollupsDeleted, int PartitionsDropped = 0);

/// <summary>
/// Enforces the retention of the time series. Raw readings older than the raw retention are
/// compacted: on a partitioned PostgreSQL table (<see cref="TelemetryPartitions"/>) each day
/// partition that lies wholly before the cutoff is rolled up into minute and hour buckets and
/// dropped, in one transaction under the partitions' advisory lock; then, and on SQLite, what is
/// left (on PostgreSQL: the default partition only) is compacted one whole hour at a time — in one
/// transaction, the hour's minute and hour roll-ups are written and its raw rows deleted. So no
/// reader and no other node ever sees a day or an hour half compacted, and raw readings in a day
/// partition live until their whole day is past the cutoff (between the raw retention and one day
/// more). Roll-ups older than their own retention are then deleted. Every step is idempotent: a
/// second node running the same pass at the same moment waits for the lock and finds the partition
/// gone, rolls up the same rows to the same buckets (an existing bucket is only replaced by one
/// counting more readings), and deletes rows that are either still there or already gone. The
/// caller guarantees that no reading older than the raw retention can still arrive (the server
/// refuses readings older than Telemetry:MaxAge, and the raw retention is at least that long), so a
/// compacted hour or a dropped day never receives late rows.
/// </summary>
public static class TelemetryRetention
{
    public static async Task<RetentionResult> RunAsync(CivicGridDbContext db, RetentionPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        var rawCutoff = FloorToHour(now - policy.Raw);
        var (hours, rawDeleted, written, dropped) = (0, 0, 0, 0);
        var partitioned = await TelemetryPartitions.IsPartitionedAsync(db, ct);
        if (partitioned)
        {
            foreach (var day in await TelemetryPartitions.ListAsync(db, ct))
            {
                if (TelemetryPartitions.StartOf(day.AddDays(1)) > rawCutoff)
                {
                    break;
                }

                if (await DropDayAsync(db, day, ct) is { } part)
                {
                    dropped++;
                    rawDeleted += part.Deleted;
                    written += part.Rollups;
                }
            }
        }

        while (true)
        {
            // On a partitioned table only the default partition holds rows of days without a partition.
            var oldest = partitioned
                ? await db.Database.SqlQuery<DateTimeOffset?>($"""SELECT min("Ts") AS "Value" FROM telemetry_readings_default WHERE "Ts" < {rawCutoff}""").SingleAsync(ct)
                : await db.TelemetryReadings.AsNoTracking()
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
        return new RetentionResult(hours, rawDeleted, written, minuteDeleted, hourDeleted, dropped);
    }

    /// <summary>
    /// Rolls up a day partition into minute and hour buckets and drops it, in one transaction under
    /// the partitions' lock; null when another node dropped it first. The partition is locked against
    /// writes before the roll-up, so the count and the buckets describe exactly the rows dropped.
    /// </summary>
    private static async Task<(int Deleted, int Rollups)?> DropDayAsync(CivicGridDbContext db, DateOnly day, CancellationToken ct)
    {
        var name = TelemetryPartitions.NameOf(day);
        var (start, end) = (TelemetryPartitions.StartOf(day), TelemetryPartitions.StartOf(day.AddDays(1)));
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await TelemetryPartitions.LockAsync(db, ct);
            if (!await TelemetryPartitions.ExistsAsync(db, name, ct))
            {
                await tx.CommitAsync(ct);
                return ((int, int)?)null;
            }

            var lockPartition = $"LOCK TABLE {name} IN SHARE MODE";
            await db.Database.ExecuteSqlRawAsync(lockPartition, ct);
            var rollups = await RollUpAsync(db, start, end, TelemetryRollupRecord.Minute, ct)
                + await RollUpAsync(db, start, end, TelemetryRollupRecord.Hour, ct);
            var count = $"""SELECT count(*)::int AS "Value" FROM {name}""";
            var deleted = await db.Database.SqlQueryRaw<int>(count).SingleAsync(ct);
            var drop = $"DROP TABLE {name}";
            await db.Database.ExecuteSqlRawAsync(drop, ct);
            await tx.CommitAsync(ct);
            return (deleted, rollups);
        });
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
