namespace CivicGrid.Domain.Grids;

/// <summary>Tuning for <see cref="DistrictPartitioner"/>. The defaults suit a city district of 20–100 km².</summary>
public sealed record DistrictPartitionOptions
{
    /// <summary>The defaults: seed 0, 100 m cells, 4–8 communities per street, 8 relaxation rounds, merge pieces under 40 % of a cell.</summary>
    public static DistrictPartitionOptions Default { get; } = new();

    /// <summary>Seed of every random choice; the same seed and inputs give the same partition, byte for byte.</summary>
    public int Seed { get; init; }

    /// <summary>Side of a unit grid cell in metres (万米单元网格: 100 m × 100 m ≈ 10,000 m²). 10–1,000.</summary>
    public double CellSizeMetres { get; init; } = 100;

    /// <summary>Fewest communities a street is split into (1–999).</summary>
    public int MinCommunitiesPerStreet { get; init; } = 4;

    /// <summary>Most communities a street is split into (≥ <see cref="MinCommunitiesPerStreet"/>, ≤ 999).</summary>
    public int MaxCommunitiesPerStreet { get; init; } = 8;

    /// <summary>Lloyd relaxation rounds that spread the Voronoi seed points before the final split (0–50).</summary>
    public int RelaxationIterations { get; init; } = 8;

    /// <summary>
    /// A piece of a cell smaller than this fraction of a full cell is merged into the neighbouring grid of the
    /// same community that shares the longest border with it (0–0.5; 0 keeps every piece).
    /// </summary>
    /// <remarks>
    /// The default 0.4 keeps grids between about 0.4 and 1.8 cells (4,000–18,000 m² for 100 m cells) and gives
    /// Dongcheng about 4,400 grids. With 0.05 the community boundaries would cut off some 1,100 extra small pieces.
    /// </remarks>
    public double MinGridAreaFraction { get; init; } = 0.4;

    internal void Validate()
    {
        if (!double.IsFinite(CellSizeMetres) || CellSizeMetres < 10 || CellSizeMetres > 1_000)
        {
            throw new ArgumentOutOfRangeException(nameof(CellSizeMetres), CellSizeMetres, "The cell size must be between 10 and 1,000 metres.");
        }

        if (MinCommunitiesPerStreet < 1 || MaxCommunitiesPerStreet > 999 || MinCommunitiesPerStreet > MaxCommunitiesPerStreet)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MinCommunitiesPerStreet),
                $"{MinCommunitiesPerStreet}–{MaxCommunitiesPerStreet}",
                "Communities per street must satisfy 1 ≤ min ≤ max ≤ 999 (the community code has 3 digits).");
        }

        if (RelaxationIterations is < 0 or > 50)
        {
            throw new ArgumentOutOfRangeException(nameof(RelaxationIterations), RelaxationIterations, "Relaxation iterations must be between 0 and 50.");
        }

        if (!double.IsFinite(MinGridAreaFraction) || MinGridAreaFraction < 0 || MinGridAreaFraction > 0.5)
        {
            throw new ArgumentOutOfRangeException(nameof(MinGridAreaFraction), MinGridAreaFraction, "The minimum grid area fraction must be between 0 and 0.5.");
        }
    }
}
