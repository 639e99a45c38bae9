namespace CivicGrid.Domain.Grids;

/// <summary>A street (街道) to place inside a district: its official code and names.</summary>
/// <param name="Code">The 9-digit street code, e.g. <c>110101001</c>.</param>
/// <param name="Name">The Chinese name, e.g. <c>东华门街道</c>.</param>
/// <param name="EnglishName">The English (pinyin) name, e.g. <c>Donghuamen</c>.</param>
public sealed record StreetDefinition(StreetCode Code, string Name, string EnglishName)
{
    /// <summary>The 9-digit street code.</summary>
    public StreetCode Code { get; } = Code ?? throw new ArgumentNullException(nameof(Code));

    /// <summary>The Chinese name, e.g. <c>东华门街道</c>.</summary>
    public string Name { get; } = !string.IsNullOrWhiteSpace(Name)
        ? Name.Trim()
        : throw new ArgumentException("A street needs a Chinese name.", nameof(Name));

    /// <summary>The English (pinyin) name, e.g. <c>Donghuamen</c>.</summary>
    public string EnglishName { get; } = !string.IsNullOrWhiteSpace(EnglishName)
        ? EnglishName.Trim()
        : throw new ArgumentException("A street needs an English name.", nameof(EnglishName));

    /// <summary>The Chinese name without the trailing 街道, e.g. <c>东华门</c>; used to name simulated communities.</summary>
    public string ShortName => Name.Length > 2 && Name.EndsWith("街道", StringComparison.Ordinal) ? Name[..^2] : Name;
}
