using System.Data.Common;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace CivicGrid.Infrastructure.Telemetry;

/// <summary>One payload of one device, parsed, ready to be stored.</summary>
/// <param name="DeviceId">The authenticated device.</param>
/// <param name="Channel"><c>mqtt</c> or <c>http</c>.</param>
/// <param name="Topic">The MQTT topic, if any.</param>
/// <param name="ReceivedAt">Server time of arrival.</param>
/// <param name="Messages">The valid messages.</param>
/// <param name="Rejections">The refused messages, to be dead-lettered.</param>
public sealed record TelemetryBatchItem(string DeviceId, string Channel, string? Topic, DateTimeOffset ReceivedAt, IReadOnlyList<TelemetryMessage> Messages, IReadOnlyList<TelemetryRejection> Rejections);

/// <summary>What happened to one payload: its new messages (stored now), how many were duplicates, how many were dead-lettered.</summary>
public sealed record TelemetryItemResult(IReadOnlyList<TelemetryMessage> Stored, int Duplicates, int DeadLettered);

/// <summary>
/// Writes telemetry in bulk, in one transaction per batch: readings (duplicates of an earlier
/// (device, name, ts) are skipped by the primary key), dead letters, and the devices' last-seen
/// instant. PostgreSQL: binary COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING
/// RETURNING; SQLite: one prepared INSERT … ON CONFLICT DO NOTHING per value. When this returns,
/// the batch is committed.
/// </summary>
public static class TelemetryStore
{
    private const int MaxText = 4000;

    /// <summary>Writes a batch in one transaction.</summary>
    /// <param name="db">A fresh context.</param>
    /// <param name="items">The payloads.</param>
    /// <param name="touch">
    /// Devices whose last-seen instant is set to the batch's latest arrival (and that become active
    /// again); null: every device with a valid message. The writer leaves out devices it touched
    /// moments ago, so that a device sending every second does not cost a row update every second.
    /// </param>
    /// <param name="ct">Cancels the write (nothing is committed).</param>
    public static async Task<IReadOnlyList<TelemetryItemResult>> WriteAsync(CivicGridDbContext db, IReadOnlyList<TelemetryBatchItem> items, IReadOnlyCollection<string>? touch, CancellationToken ct)
    {
        // Duplicates inside the batch (a retransmission queued behind its original) are settled here,
        // so that the database only decides about earlier batches.
        var seen = new HashSet<(string, DateTimeOffset)>();
        var candidates = new List<(int Item, TelemetryMessage Message)>();
        var inBatchDuplicates = new int[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            foreach (var m in items[i].Messages)
            {
                if (seen.Add((items[i].DeviceId, m.Timestamp)))
                {
                    candidates.Add((i, m));
                }
                else
                {
                    inBatchDuplicates[i]++;
                }
            }
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var isNew = db.IsSqlite
                ? await InsertSqliteAsync(db, tx, items, candidates, ct)
                : await InsertPostgresAsync(db, tx, items, candidates, ct);

            var deadLetters = items.SelectMany(item => item.Rejections.Select(r => new TelemetryDeadLetterRecord
            {
                DeviceId = item.DeviceId,
                Channel = item.Channel,
                Topic = Clip(item.Topic, 200),
                ReceivedAt = item.ReceivedAt,
                Reason = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(r.Reason.ToString()),
                Field = Clip(r.Field, 100)!,
                Message = Clip(r.Message, 500)!,
                Payload = Clip(r.Payload, MaxText)!,
            })).ToList();
            if (deadLetters.Count > 0)
            {
                db.TelemetryDeadLetters.AddRange(deadLetters);
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }

            // One statement for the whole batch: its payloads arrived within moments of each other.
            var seen = touch ?? [.. items.Where(i => i.Messages.Count > 0).Select(i => i.DeviceId).Distinct(StringComparer.Ordinal)];
            if (seen.Count > 0)
            {
                var ids = seen.ToList();
                var at = items.Max(i => i.ReceivedAt);
                await db.Devices.Where(d => ids.Contains(d.Id) && d.State != DeviceState.Retired)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(d => d.LastSeenAt, at)
                        .SetProperty(d => d.State, DeviceState.Active), ct);
            }

            await tx.CommitAsync(ct);

            var results = new TelemetryItemResult[items.Count];
            var stored = items.Select(_ => new List<TelemetryMessage>()).ToArray();
            var duplicates = (int[])inBatchDuplicates.Clone();
            for (var c = 0; c < candidates.Count; c++)
            {
                if (isNew[c])
                {
                    stored[candidates[c].Item].Add(candidates[c].Message);
                }
                else
                {
                    duplicates[candidates[c].Item]++;
                }
            }

            for (var i = 0; i < items.Count; i++)
            {
                results[i] = new TelemetryItemResult(stored[i], duplicates[i], items[i].Rejections.Count);
            }

            return (IReadOnlyList<TelemetryItemResult>)results;
        });
    }

    private static async Task<bool[]> InsertSqliteAsync(CivicGridDbContext db, IDbContextTransaction tx, IReadOnlyList<TelemetryBatchItem> items, List<(int Item, TelemetryMessage Message)> candidates, CancellationToken ct)
    {
        var isNew = new bool[candidates.Count];
        if (candidates.Count == 0)
        {
            return isNew;
        }

        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = (SqliteTransaction)tx.GetDbTransaction();
        cmd.CommandText = """INSERT INTO telemetry_readings ("DeviceId", "Name", "Ts", "Value", "Raw") VALUES ($d, $n, $t, $v, $r) ON CONFLICT DO NOTHING""";
        var pd = cmd.Parameters.Add("$d", SqliteType.Text);
        var pn = cmd.Parameters.Add("$n", SqliteType.Text);
        var pt = cmd.Parameters.Add("$t", SqliteType.Integer);
        var pv = cmd.Parameters.Add("$v", SqliteType.Real);
        var pr = cmd.Parameters.Add("$r", SqliteType.Text);
        cmd.Prepare();
        for (var c = 0; c < candidates.Count; c++)
        {
            var (item, message) = candidates[c];
            pd.Value = items[item].DeviceId;
            pt.Value = message.Timestamp.UtcTicks; // SQLite stores instants as UTC ticks (ADR 0002)
            foreach (var v in message.Values)
            {
                pn.Value = v.Name;
                pv.Value = v.Value;
                pr.Value = (object?)v.Raw ?? DBNull.Value;
                if (await cmd.ExecuteNonQueryAsync(ct) > 0)
                {
                    isNew[c] = true;
                }
            }
        }

        return isNew;
    }

    private static async Task<bool[]> InsertPostgresAsync(CivicGridDbContext db, IDbContextTransaction tx, IReadOnlyList<TelemetryBatchItem> items, List<(int Item, TelemetryMessage Message)> candidates, CancellationToken ct)
    {
        var isNew = new bool[candidates.Count];
        if (candidates.Count == 0)
        {
            return isNew;
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        _ = tx; // COPY and the statements below run inside the connection's open transaction.
        await ExecuteAsync(connection, """
            CREATE TEMP TABLE IF NOT EXISTS telemetry_staging (
                device_id varchar(64) NOT NULL, name varchar(32) NOT NULL, ts timestamptz NOT NULL,
                value double precision NOT NULL, raw varchar(16), candidate integer NOT NULL
            ) ON COMMIT DELETE ROWS
            """, ct);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY telemetry_staging (device_id, name, ts, value, raw, candidate) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var c = 0; c < candidates.Count; c++)
            {
                var (item, message) = candidates[c];
                var device = items[item].DeviceId;
                var ts = message.Timestamp.UtcDateTime;
                foreach (var v in message.Values)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(device, NpgsqlDbType.Varchar, ct);
                    await copy.WriteAsync(v.Name, NpgsqlDbType.Varchar, ct);
                    await copy.WriteAsync(ts, NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(v.Value, NpgsqlDbType.Double, ct);
                    if (v.Raw is null)
                    {
                        await copy.WriteNullAsync(ct);
                    }
                    else
                    {
                        await copy.WriteAsync(v.Raw, NpgsqlDbType.Varchar, ct);
                    }

                    await copy.WriteAsync(c, NpgsqlDbType.Integer, ct);
                }
            }

            await copy.CompleteAsync(ct);
        }

        await using var insert = new NpgsqlCommand("""
            WITH inserted AS (
                INSERT INTO telemetry_readings ("DeviceId", "Name", "Ts", "Value", "Raw")
                SELECT device_id, name, ts, value, raw FROM telemetry_staging
                ON CONFLICT DO NOTHING
                RETURNING "DeviceId", "Ts")
            SELECT DISTINCT s.candidate FROM telemetry_staging s
            JOIN inserted i ON i."DeviceId" = s.device_id AND i."Ts" = s.ts
            """, connection);
        await using var reader = await insert.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            isNew[reader.GetInt32(0)] = true;
        }

        return isNew;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string? Clip(string? text, int max) => text is null || text.Length <= max ? text : text[..max];
}
