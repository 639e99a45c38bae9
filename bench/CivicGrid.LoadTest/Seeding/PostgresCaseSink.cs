using System.Globalization;
using CivicGrid.Domain.Sla;
using Npgsql;
using NpgsqlTypes;

namespace CivicGrid.LoadTest.Seeding;

/// <summary>
/// PostgreSQL: binary COPY into cases, then case_history and case_stages (one COPY at a time per
/// connection), all in one transaction; VACUUM ANALYZE afterwards so that the planner has statistics
/// and index-only scans a visibility map, as autovacuum would give a table loaded long ago.
/// </summary>
public sealed class PostgresCaseSink : ICaseSink
{
    private readonly NpgsqlConnection _connection;

    private PostgresCaseSink(NpgsqlConnection connection) => _connection = connection;

    public static async Task<PostgresCaseSink> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var sink = new PostgresCaseSink(connection);
        await sink.ExecuteAsync("SET synchronous_commit = off; SET maintenance_work_mem = '512MB';", ct);
        return sink;
    }

    public async Task<string> EngineVersionAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT 'PostgreSQL ' || current_setting('server_version') || COALESCE(' + PostGIS ' || (SELECT extversion FROM pg_extension WHERE extname = 'postgis'), '')", _connection);
        return Convert.ToString(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) ?? "PostgreSQL";
    }

    public async Task<long> CountBulkAsync(CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""SELECT COUNT(*) FROM cases WHERE "Number" >= 'B' AND "Number" < 'C'""", _connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<string>> DropSecondaryIndexesAsync(CancellationToken ct)
    {
        // Indexes that back a constraint (the primary keys) stay.
        var indexes = new List<(string Name, string Definition)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename IN ('cases', 'case_history')
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            ORDER BY i.indexname
            """, _connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync($"DROP INDEX \"{name}\"", ct);
        }

        return [.. indexes.Select(i => i.Definition)];
    }

    public async Task<long> WriteAsync(IEnumerable<SyntheticCase> cases, SeedReference? reporter, Action<long> progress, CancellationToken ct)
    {
        await using var tx = await _connection.BeginTransactionAsync(ct);
        var reports = new List<(Guid Id, DateTimeOffset At)>();
        var stages = new List<(Guid Id, StageClock Stage)>();
        long n = 0;
        using (var copy = await _connection.BeginBinaryImportAsync(CopyCommand("cases", CaseTables.Cases), ct))
        {
            foreach (var c in cases)
            {
                WriteRow(copy, CaseTables.CaseValues(c));
                if (reporter is not null)
                {
                    reports.Add((c.Id, c.ReportedAt));
                }

                if (c.Stage is { } stage)
                {
                    stages.Add((c.Id, stage));
                }

                if (++n % 100_000 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress(n);
                }
            }

            await copy.CompleteAsync(ct);
        }

        if (reporter is not null)
        {
            using var copy = await _connection.BeginBinaryImportAsync(CopyCommand("case_history", CaseTables.History), ct);
            foreach (var (id, at) in reports)
            {
                WriteRow(copy, CaseTables.HistoryValues(id, at, reporter));
            }

            await copy.CompleteAsync(ct);
        }

        using (var copy = await _connection.BeginBinaryImportAsync(CopyCommand("case_stages", CaseTables.Stages), ct))
        {
            foreach (var (id, stage) in stages)
            {
                WriteRow(copy, CaseTables.StageValues(id, stage));
            }

            await copy.CompleteAsync(ct);
        }

        await tx.CommitAsync(ct);
        return n;
    }

    public async Task CreateIndexesAsync(IReadOnlyList<string> statements, CancellationToken ct)
    {
        foreach (var sql in statements)
        {
            await ExecuteAsync(sql, ct);
        }
    }

    public async Task AnalyzeAsync(CancellationToken ct)
    {
        // One statement per command: VACUUM refuses to run inside a batch (an implicit transaction).
        foreach (var sql in (string[])["VACUUM (ANALYZE) cases", "VACUUM (ANALYZE) case_history", "ANALYZE case_stages"])
        {
            await ExecuteAsync(sql, ct);
        }
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private static string CopyCommand(string table, string[] columns) =>
        $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// Rows are written with the synchronous API: the importer buffers and only flushes when its
    /// buffer is full, and a Task per value would cost more than the copy.
    /// </summary>
    private static void WriteRow(NpgsqlBinaryImporter copy, object?[] values)
    {
        copy.StartRow();
        foreach (var value in values)
        {
            switch (value)
            {
                case null: copy.WriteNull(); break;
                case Guid g: copy.Write(g, NpgsqlDbType.Uuid); break;
                case string s: copy.Write(s, NpgsqlDbType.Varchar); break;
                case double d: copy.Write(d, NpgsqlDbType.Double); break;
                case bool b: copy.Write(b, NpgsqlDbType.Boolean); break;
                case int i: copy.Write(i, NpgsqlDbType.Integer); break;
                case decimal m: copy.Write(m, NpgsqlDbType.Numeric); break;
                case TimeSpan t: copy.Write(t, NpgsqlDbType.Interval); break;
                case DateTimeOffset t: copy.Write(t.ToUniversalTime(), NpgsqlDbType.TimestampTz); break;
                default: throw new InvalidOperationException($"No COPY encoding for {value.GetType().Name}.");
            }
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, _connection) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
