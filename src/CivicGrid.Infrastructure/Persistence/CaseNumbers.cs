using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CivicGrid.Infrastructure.Persistence;

/// <summary>Allocates people's case numbers: the year and a sequence that restarts every year (2026-000123).</summary>
public static class CaseNumbers
{
    // Which years' PostgreSQL sequences this process has already ensured (a cache of a fact in the database).
    private static readonly ConcurrentDictionary<(string Database, int Year), bool> EnsuredSequences = new();

    /// <summary>
    /// Takes the next number for the year. On SQLite one atomic upsert in the caller's transaction
    /// (writers are serialised anyway). On PostgreSQL a per-year sequence: <c>nextval</c> holds no
    /// lock until commit, so concurrent reports do not queue behind each other; a rolled-back report
    /// leaves a gap in the numbers, which is the price of that.
    /// </summary>
    public static async Task<string> NextAsync(CivicGridDbContext db, int year, CancellationToken ct)
    {
        long next;
        if (db.IsSqlite)
        {
            var rows = await db.Database
                .SqlQuery<long>($"""
                    INSERT INTO case_number_sequences ("Year", "Next") VALUES ({year}, 1)
                    ON CONFLICT ("Year") DO UPDATE SET "Next" = case_number_sequences."Next" + 1
                    RETURNING "Next" AS "Value"
                    """)
                .ToListAsync(ct);
            next = rows[0];
        }
        else
        {
            await EnsureSequenceAsync(db, year, ct);
            var name = SequenceName(year);
            var rows = await db.Database.SqlQuery<long>($"SELECT nextval(CAST({name} AS regclass)) AS \"Value\"").ToListAsync(ct);
            next = rows[0];
        }

        return Format(year, next);
    }

    /// <summary>Makes the next number of the year follow <paramref name="last"/> (after a bulk import of numbered cases).</summary>
    public static async Task ReserveAsync(CivicGridDbContext db, int year, long last, CancellationToken ct)
    {
        if (db.IsSqlite)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO case_number_sequences ("Year", "Next") VALUES ({year}, {last})
                ON CONFLICT ("Year") DO UPDATE SET "Next" = MAX(case_number_sequences."Next", {last})
                """, ct);
        }
        else
        {
            await EnsureSequenceAsync(db, year, ct);
            var name = SequenceName(year);
            await db.Database.SqlQuery<long>($"""
                SELECT setval(CAST({name} AS regclass), GREATEST({last}, COALESCE(pg_sequence_last_value(CAST({name} AS regclass)), 0))) AS "Value"
                """).ToListAsync(ct);
        }
    }

    /// <summary>Formats a number: year, dash, six digits at least.</summary>
    public static string Format(int year, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{year}-{sequence:D6}");

    private static string SequenceName(int year) =>
        string.Create(CultureInfo.InvariantCulture, $"case_number_seq_{year:D4}");

    private static async Task EnsureSequenceAsync(CivicGridDbContext db, int year, CancellationToken ct)
    {
        var key = (db.Database.GetDbConnection().Database, year);
        if (EnsuredSequences.ContainsKey(key))
        {
            return;
        }

        // Its own short statement on a fresh connection: DDL must not hold catalogue locks for the
        // length of the caller's transaction, and two nodes racing to create it is harmless.
        // Cloned, not rebuilt from the connection string: once opened, Npgsql strips the password
        // from it, and a server that requires one would refuse the fresh connection.
        await using (var conn = (NpgsqlConnection)((ICloneable)db.Database.GetDbConnection()).Clone())
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand($"CREATE SEQUENCE IF NOT EXISTS {SequenceName(year)}", conn);
            try
            {
                await cmd.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.UniqueViolation)
            {
                // Another node created it a moment ago.
            }
        }

        EnsuredSequences[key] = true;
    }
}
