namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>A reproducible stratified train/test split: every class keeps its share in both parts.</summary>
public static class StratifiedSplit
{
    /// <summary>The seed the CLI and the tests use unless told otherwise.</summary>
    public const int DefaultSeed = 42;

    /// <summary>
    /// Puts round(<paramref name="testFraction"/> × n) rows of each class (at least one when the class
    /// has two or more) into the test part, chosen by a seeded shuffle; both parts keep the input order.
    /// </summary>
    public static (List<T> Train, List<T> Test) Split<T>(IReadOnlyList<T> rows, Func<T, string> label, double testFraction = 0.2, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(testFraction, 1.0);
        var random = new Random(seed);
        var inTest = new bool[rows.Count];
        var byClass = Enumerable.Range(0, rows.Count).GroupBy(i => label(rows[i]), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in byClass)
        {
            var indexes = group.ToArray();
            random.Shuffle(indexes);
            var take = (int)Math.Round(indexes.Length * testFraction, MidpointRounding.AwayFromZero);
            if (take == 0 && indexes.Length >= 2)
            {
                take = 1;
            }

            foreach (var i in indexes.Take(take))
            {
                inTest[i] = true;
            }
        }

        var train = new List<T>(rows.Count);
        var test = new List<T>();
        for (var i = 0; i < rows.Count; i++)
        {
            (inTest[i] ? test : train).Add(rows[i]);
        }

        return (train, test);
    }
}
