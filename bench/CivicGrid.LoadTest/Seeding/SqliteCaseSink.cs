using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CivicGrid.LoadTest.Seeding;

/// <summary>
/// SQLite: one transaction, one prepared parameterised INSERT per table reused for every row. The
/// server must be stopped: the file is switched out of WAL for the load (new pages go straight to
/// the file instead of through a WAL as big as the data) and back to WAL at the end.
/// </summary>
public sealed class SqliteCaseSink : ICaseSink
{
    private readonly SqliteConnection _connection;

    private SqliteCaseSink(SqliteConnection connection) => _connection = connection;

    public static async Task<SqliteCaseSink> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        var sink = new SqliteCaseSink(connection);
        var mode = await sink.ScalarAsync("PRAGMA journal_mode=DELETE;", ct);
        if (!string.Equals(Convert.ToString(mode, CultureInfo.InvariantCulture), "delete", StringComparison.OrdinalIgnoreCase))
        {
            await connection.DisposeAsync();
            throw new LoadTestException($"could not take the SQLite file out of WAL mode (journal_mode={mode}): is the server still running?");
        }

        await sink.ExecuteAsync("PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF;", ct);
        return sink;
    }

    public async Task<string> EngineVersionAsync(CancellationToken ct) =>
        "SQLite " + Convert.ToString(await ScalarAsync("SELECT sqlite_version();", ct), CultureInfo.InvariantCulture);

    public async Task<long> CountBulkAsync(CancellationToken ct) =>
        Convert.ToInt64(await ScalarAsync("""SELECT COUNT(*) FROM "cases" WHERE "Number" >= 'B' AND "Number" < 'C';""", ct), CultureInfo.InvariantCulture);

    public async Task<IReadOnlyList<string>> DropSecondaryIndexesAsync(CancellationToken ct)
    {
        var indexes = new List<(string Name, string Sql)>();
        await using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('cases', 'case_history') AND sql IS NOT NULL ORDER BY name;";
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            await ExecuteAsync($"DROP INDEX \"{name}\";", ct);
        }

        return [.. indexes.Select(i => i.Sql + ";")];
    }

    public Task<long> WriteAsync(IEnumerable<SyntheticCase> cases, SeedReference? reporter, Action<long> progress, CancellationToken ct)
    {
        // Synchronous on purpose: SQLite does the work on this thread either way, and the async API
        // would only add a Task per row.
        using var tx = _connection.BeginTransaction();
        using var insertCase = Prepare(tx, "cases", CaseTables.Cases);
        using var insertHistory = Prepare(tx, "case_history", CaseTables.History);
        using var insertStage = Prepare(tx, "case_stages", CaseTables.Stages);
        long n = 0;
        foreach (var c in cases)
        {
            Run(insertCase, CaseTables.CaseValues(c));
            if (reporter is not null)
            {
                Run(insertHistory, CaseTables.HistoryValues(c.Id, c.ReportedAt, reporter));
            }

            if (c.Stage is { } stage)
            {
                Run(insertStage, CaseTables.StageValues(c.Id, stage));
            }

            if (++n % 100_000 == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress(n);
            }
        }

        tx.Commit();
        return Task.FromResult(n);
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
        await ExecuteAsync("ANALYZE;", ct);
        await ExecuteAsync("PRAGMA journal_mode=WAL;", ct);
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private SqliteCommand Prepare(SqliteTransaction tx, string table, string[] columns)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))});";
        for (var i = 0; i < columns.Length; i++)
        {
            cmd.Parameters.Add(new SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), DBNull.Value));
        }

        cmd.Prepare();
        return cmd;
    }

    private static void Run(SqliteCommand cmd, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters[i].Value = Encode(values[i]);
        }

        cmd.ExecuteNonQuery();
    }

    /// <summary>The model's SQLite storage: GUIDs as upper-case text, instants as UTC ticks.</summary>
    private static object Encode(object? value) => value switch
    {
        null => DBNull.Value,
        Guid g => g.ToString("D").ToUpperInvariant(),
        DateTimeOffset t => t.UtcTicks,
        _ => value,
    };

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(ct);
    }
}
