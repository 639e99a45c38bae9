namespace CivicGrid.LoadTest.Seeding;

/// <summary>Where seed-bulk writes: one engine's fast path into the three case tables.</summary>
public interface ICaseSink : IAsyncDisposable
{
    /// <summary>The engine and its version, for the report.</summary>
    Task<string> EngineVersionAsync(CancellationToken ct);

    /// <summary>How many cases carry a bulk number (B…) already.</summary>
    Task<long> CountBulkAsync(CancellationToken ct);

    /// <summary>Drops the secondary indexes of cases and case_history; returns the statements that re-create them.</summary>
    Task<IReadOnlyList<string>> DropSecondaryIndexesAsync(CancellationToken ct);

    /// <summary>
    /// Writes the cases, their open stage and, when <paramref name="reporter"/> is given, their report
    /// step, in one transaction; returns how many cases.
    /// </summary>
    Task<long> WriteAsync(IEnumerable<SyntheticCase> cases, SeedReference? reporter, Action<long> progress, CancellationToken ct);

    Task CreateIndexesAsync(IReadOnlyList<string> statements, CancellationToken ct);

    /// <summary>Refreshes the planner statistics (and, where it matters, the visibility map).</summary>
    Task AnalyzeAsync(CancellationToken ct);
}
