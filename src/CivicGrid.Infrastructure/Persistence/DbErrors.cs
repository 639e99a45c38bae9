using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CivicGrid.Infrastructure.Persistence;

/// <summary>Classifies database errors the same way on both engines.</summary>
public static class DbErrors
{
    /// <summary>
    /// True when a save lost a race: the concurrency token changed, or a unique key (such as the
    /// next history sequence of a case) was taken by a concurrent writer.
    /// </summary>
    public static bool IsConflict(Exception e) =>
        e is DbUpdateConcurrencyException
        || e is DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } }
        || e is DbUpdateException { InnerException: SqliteException { SqliteErrorCode: 19 } };
}
