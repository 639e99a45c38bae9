using System.Diagnostics;
using System.Globalization;
using CivicGrid.Domain.Cases;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.LoadTest.Seeding;

/// <summary>What seed-bulk writes, and where.</summary>
public sealed record BulkSeedSettings(DatabaseProvider Provider, string Connection, int Count, int Days, int Seed, bool History, bool KeepIndexes);

/// <summary>
/// seed-bulk: a million cases into the database of a stopped server that was started once with
/// --demo (the district, departments and users it seeded are what the cases refer to).
/// </summary>
public static class BulkSeeder
{
    public static async Task<int> RunAsync(BulkSeedSettings settings, CancellationToken ct)
    {
        if (settings.Count < 1 || settings.Days < 1)
        {
            throw new ArgumentException("--count and --days must be positive.");
        }

        var connectionString = ConnectionString(settings);
        var reference = await LoadReferenceAsync(settings.Provider, connectionString, ct);
        await using ICaseSink sink = settings.Provider == DatabaseProvider.Sqlite
            ? await SqliteCaseSink.OpenAsync(connectionString, ct)
            : await PostgresCaseSink.OpenAsync(connectionString, ct);
        if (await sink.CountBulkAsync(ct) is > 0 and var existing)
        {
            throw new LoadTestException($"the database already holds {existing} bulk cases (numbers B…); seed a fresh one.");
        }

        var engine = await sink.EngineVersionAsync(ct);
        var total = Stopwatch.StartNew();
        var indexes = settings.KeepIndexes ? [] : await sink.DropSecondaryIndexesAsync(ct);
        var byStatus = new Dictionary<CaseStatus, long>();
        var overdue = 0L;
        IEnumerable<SyntheticCase> Counted(IEnumerable<SyntheticCase> cases)
        {
            foreach (var c in cases)
            {
                byStatus[c.Status] = byStatus.GetValueOrDefault(c.Status) + 1;
                overdue += c.IsOverdue ? 1 : 0;
                yield return c;
            }
        }

        var now = DateTimeOffset.UtcNow;
        var cases = new SyntheticCases(reference, settings.Seed).Generate(settings.Count, settings.Days, now);
        var write = Stopwatch.StartNew();
        var written = await sink.WriteAsync(Counted(cases), settings.History ? reference : null,
            n => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {n,9:N0} cases  {n / write.Elapsed.TotalSeconds,8:N0}/s")), ct);
        var writeSeconds = write.Elapsed.TotalSeconds;

        var step = Stopwatch.StartNew();
        await sink.CreateIndexesAsync(indexes, ct);
        var indexSeconds = step.Elapsed.TotalSeconds;
        step.Restart();
        await sink.AnalyzeAsync(ct);
        var analyzeSeconds = step.Elapsed.TotalSeconds;

        var statuses = string.Join(", ", byStatus.OrderByDescending(p => p.Value).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:N0}")));
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"""
            seed-bulk into {engine}: {written:N0} cases{(settings.History ? " + 1 history row each" : "")} over {settings.Days} days in {total.Elapsed.TotalSeconds:F1} s
              insert {writeSeconds:F1} s ({written / writeSeconds:N0} cases/s), {indexes.Count} indexes re-created in {indexSeconds:F1} s, analyze {analyzeSeconds:F1} s
              {statuses}; {overdue:N0} open and overdue
            """));
        return 0;
    }

    private static string ConnectionString(BulkSeedSettings settings) => ConnectionString(settings.Provider, settings.Connection);

    /// <summary>The full connection string; for SQLite a bare path is accepted, and the file must exist.</summary>
    internal static string ConnectionString(DatabaseProvider provider, string connection)
    {
        if (provider != DatabaseProvider.Sqlite)
        {
            return connection;
        }

        var builder = connection.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(connection)
            : new SqliteConnectionStringBuilder { DataSource = connection };
        if (!File.Exists(builder.DataSource))
        {
            throw new LoadTestException($"'{builder.DataSource}' does not exist: start the server once with --demo --data-dir first.");
        }

        builder.Mode = SqliteOpenMode.ReadWrite;
        builder.Pooling = false;
        builder.DefaultTimeout = 0;
        return builder.ToString();
    }

    /// <summary>The district, rules, fallback department and reporter, read through the EF model (which is checked first).</summary>
    private static async Task<SeedReference> LoadReferenceAsync(DatabaseProvider provider, string connectionString, CancellationToken ct)
    {
        var options = new DbContextOptionsBuilder<CivicGridDbContext>();
        PersistenceServiceCollectionExtensions.Configure(options, provider, connectionString);
        await using var db = new CivicGridDbContext(options.Options);
        CaseTables.CheckAgainstModel(db);

        var grids = await db.UnitGrids.AsNoTracking().OrderBy(g => g.Code).ToListAsync(ct);
        if (grids.Count == 0)
        {
            throw new LoadTestException("the database has no unit grids: start the server once with --demo first.");
        }

        var rules = await db.ResponsibilityRules.AsNoTracking().ToListAsync(ct);
        var departments = await db.Departments.AsNoTracking().OrderBy(d => d.Code).ToListAsync(ct);
        var fallback = departments.FirstOrDefault(d => d.Code == "street-office") ?? departments.FirstOrDefault()
            ?? throw new LoadTestException("the database has no departments: start the server once with --demo first.");
        var reporter = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.UserName == "inspector", ct)
            ?? throw new LoadTestException("the database has no 'inspector' user: start the server once with --demo first.");
        if (provider == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
        }

        return new SeedReference(grids, rules, fallback.Id, reporter.Id, reporter.DisplayName);
    }
}
