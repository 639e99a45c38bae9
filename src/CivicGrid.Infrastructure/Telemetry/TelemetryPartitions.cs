using System.Globalization;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Infrastructure.Telemetry;

/// <summary>
/// The daily partitions of <c>telemetry_readings</c> on PostgreSQL. The migration creates the table
/// range-partitioned on "Ts" with a DEFAULT partition (<see cref="PartitioningMigrationsSqlGenerator"/>);
/// one partition per UTC day, <c>telemetry_readings_pYYYYMMDD</c> covering [day, day + 1), is added
/// ahead of time by <see cref="EnsureAsync"/> and dropped whole by <see cref="TelemetryRetention"/>.
/// Readings of a day without a partition land in the default one. Every change of the partitions runs
/// under one transaction-scoped advisory lock, so several nodes never race. Names and bounds are made
/// from <see cref="DateOnly"/> values, never from input. On SQLite, and on a PostgreSQL table created
/// before partitioning, everything here does nothing.
/// </summary>
public static class TelemetryPartitions
{
    public const string Table = "telemetry_readings";

    public const string DefaultPartition = "telemetry_readings_default";

    private const string Prefix = "telemetry_readings_p";

    /// <summary>The key of the advisory lock that serialises partition changes across nodes (any fixed number of our own).</summary>
    private const long LockKey = 7_007_001;

    /// <summary>The partition of a UTC day.</summary>
    public static string NameOf(DateOnly day) => Prefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>The first instant of a UTC day.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));

    /// <summary>The UTC day an instant lies in.</summary>
    public static DateOnly DayOf(DateTimeOffset t) => DateOnly.FromDateTime(t.UtcDateTime);

    /// <summary>The days that should have a partition at <paramref name="now"/>: yesterday (a reading sent just before midnight) to <paramref name="daysAhead"/> days ahead.</summary>
    public static IReadOnlyList<DateOnly> Window(DateTimeOffset now, int daysAhead)
    {
        var today = DayOf(now);
        return [.. Enumerable.Range(-1, daysAhead + 2).Select(today.AddDays)];
    }

    /// <summary>True when <c>telemetry_readings</c> is a partitioned PostgreSQL table.</summary>
    public static async Task<bool> IsPartitionedAsync(CivicGridDbContext db, CancellationToken ct)
    {
        if (db.IsSqlite)
        {
            return false;
        }

        return await db.Database.SqlQuery<bool>(
            $"""SELECT COALESCE((SELECT relkind = 'p' FROM pg_class WHERE oid = to_regclass({Table})), false) AS "Value" """).SingleAsync(ct);
    }

    /// <summary>The days that have a partition, oldest first (none when the table is not partitioned).</summary>
    public static async Task<IReadOnlyList<DateOnly>> ListAsync(CivicGridDbContext db, CancellationToken ct)
    {
        if (db.IsSqlite)
        {
            return [];
        }

        var names = await db.Database.SqlQuery<string>($"""
            SELECT c.relname::text AS "Value" FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass({Table})
            """).ToListAsync(ct);
        return [.. names
            .Select(n => n.StartsWith(Prefix, StringComparison.Ordinal)
                && DateOnly.TryParseExact(n[Prefix.Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : (DateOnly?)null)
            .OfType<DateOnly>()
            .Order()];
    }

    /// <summary>
    /// Gives a day its partition unless it has one: in one transaction, under the advisory lock, a
    /// table like <c>telemetry_readings</c> is created, the day's rows are moved into it out of the
    /// default partition (readings that arrived before the partition existed), and it is attached.
    /// Concurrent inserts into the default partition wait for the commit (it is locked first), so
    /// none of the day's rows can slip in between the move and the attach.
    /// </summary>
    /// <returns>True when this call created the partition.</returns>
    public static async Task<bool> EnsureAsync(CivicGridDbContext db, DateOnly day, CancellationToken ct)
    {
        if (!await IsPartitionedAsync(db, ct))
        {
            return false;
        }

        var name = NameOf(day);
        var (start, end) = (StartOf(day), StartOf(day.AddDays(1)));
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await LockAsync(db, ct);
            if (await ExistsAsync(db, name, ct))
            {
                await tx.CommitAsync(ct);
                return false;
            }

            const string Columns = """ "DeviceId", "Name", "Ts", "Value", "Raw" """;
            string[] statements =
            [
                $"LOCK TABLE {DefaultPartition} IN ACCESS EXCLUSIVE MODE",
                $"CREATE TABLE {name} (LIKE {Table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
            ];
            foreach (var sql in statements)
            {
                await db.Database.ExecuteSqlRawAsync(sql, ct);
            }

            var move = $$"""
                WITH moved AS (DELETE FROM {{DefaultPartition}} WHERE "Ts" >= {0} AND "Ts" < {1} RETURNING {{Columns}})
                INSERT INTO {{name}} ({{Columns}}) SELECT {{Columns}} FROM moved
                """;
            await db.Database.ExecuteSqlRawAsync(move, [start, end], ct);
            var attach = $"ALTER TABLE {Table} ATTACH PARTITION {name} FOR VALUES FROM ('{Literal(start)}') TO ('{Literal(end)}')";
            await db.Database.ExecuteSqlRawAsync(attach, ct);
            await tx.CommitAsync(ct);
            return true;
        });
    }

    /// <summary>
    /// Takes the partitions' advisory lock for the current transaction, then bounds every further
    /// lock wait of the transaction to 5 s: a DDL statement waiting behind a long query would make
    /// every writer queue behind it; it fails instead and is retried at the next pass.
    /// </summary>
    internal static async Task LockAsync(CivicGridDbContext db, CancellationToken ct)
    {
        await db.Database.SqlQuery<int>($"""SELECT 1 AS "Value" FROM pg_advisory_xact_lock({LockKey})""").ToListAsync(ct);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '5s'", ct);
    }

    /// <summary>True when the named table exists (an attached partition, as every change is one transaction).</summary>
    internal static async Task<bool> ExistsAsync(CivicGridDbContext db, string name, CancellationToken ct) =>
        await db.Database.SqlQuery<bool>($"""SELECT to_regclass({name}) IS NOT NULL AS "Value" """).SingleAsync(ct);

    private static string Literal(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+00";
}
