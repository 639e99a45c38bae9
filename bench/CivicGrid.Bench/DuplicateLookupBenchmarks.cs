using BenchmarkDotNet.Attributes;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Intake;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Bench;

/// <summary>
/// Duplicate lookup (<see cref="DuplicateFinder"/>, what the citizen page and the hotline form ask
/// while a report is typed) against a big SQLite database: <c>$CIVICGRID_BENCH_SQLITE</c>, a server's
/// <c>civicgrid.db</c> filled by <c>civicgrid-loadtest seed-bulk --count 1000000</c>. Each
/// invocation looks up positions of existing cases (so the 300 m box always holds some), with and
/// without a category, and a description.
/// </summary>
public class DuplicateLookupBenchmarks : IDisposable
{
    private const int Lookups = 64;
    private CivicGridDbContext _db = null!;
    private DuplicateFinder _finder = null!;
    private DuplicateQuery[] _queries = [];

    [GlobalSetup]
    public void Setup()
    {
        var file = Environment.GetEnvironmentVariable("CIVICGRID_BENCH_SQLITE") is { Length: > 0 } f && File.Exists(f)
            ? f
            : throw new FileNotFoundException("Set CIVICGRID_BENCH_SQLITE to a civicgrid.db seeded with seed-bulk.");
        var options = new DbContextOptionsBuilder<CivicGridDbContext>();
        PersistenceServiceCollectionExtensions.Configure(options, DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly }.ToString());
        _db = new CivicGridDbContext(options.Options);

        // The newest case is "now": the seeded reports lie in the past of the day they were seeded.
        var newest = _db.Cases.AsNoTracking().Max(c => c.ReportedAt);
        _finder = new DuplicateFinder(_db, new FixedClock(newest));
        var random = new Random(11);
        var sample = _db.Cases.AsNoTracking()
            .OrderByDescending(c => c.ReportedAt)
            .Take(5000)
            .Select(c => new { c.Longitude, c.Latitude, c.CategoryCode, c.Description })
            .ToList();
        _queries =
        [
            .. Enumerable.Range(0, Lookups).Select(i =>
            {
                var c = sample[random.Next(sample.Count)];
                return new DuplicateQuery(c.Longitude + 0.0005, c.Latitude - 0.0003, i % 2 == 0 ? c.CategoryCode : null, c.Description);
            }),
        ];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _db?.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Lookups)]
    public async Task<int> FindAsync_Top5()
    {
        var found = 0;
        foreach (var q in _queries)
        {
            found += (await _finder.FindAsync(q, 5, CancellationToken.None)).Count;
        }

        return found;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
