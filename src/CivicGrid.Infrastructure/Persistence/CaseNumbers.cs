using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Infrastructure.Persistence;

/// <summary>Allocates people's case numbers: the year and a sequence that restarts every year (2026-000123).</summary>
public static class CaseNumbers
{
    /// <summary>
    /// Takes the next number for the year in the caller's transaction. One atomic upsert works on
    /// both engines (SQLite ≥ 3.35 and PostgreSQL), so two nodes never hand out the same number.
    /// </summary>
    public static async Task<string> NextAsync(CivicGridDbContext db, int year, CancellationToken ct)
    {
        var next = await db.Database
            .SqlQuery<long>($"""
                INSERT INTO case_number_sequences ("Year", "Next") VALUES ({year}, 1)
                ON CONFLICT ("Year") DO UPDATE SET "Next" = case_number_sequences."Next" + 1
                RETURNING "Next" AS "Value"
                """)
            .ToListAsync(ct);
        return Format(year, next[0]);
    }

    /// <summary>Formats a number: year, dash, six digits at least.</summary>
    public static string Format(int year, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{year}-{sequence:D6}");
}
