using System.Diagnostics.CodeAnalysis;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// A community (社区) or village (村) code: 12 digits = 9-digit <see cref="Grids.StreetCode"/> + 3-digit community
/// code, e.g. <c>110101001003</c>.
/// </summary>
public sealed record CommunityCode
{
    /// <summary>Number of characters in the code.</summary>
    public const int Length = 12;

    /// <summary>Creates a code, throwing <see cref="ArgumentException"/> when <paramref name="value"/> is not 12 digits.</summary>
    public CommunityCode(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException(Explain(value), nameof(value));
        }

        Value = value;
    }

    /// <summary>The 12 digits.</summary>
    public string Value { get; }

    /// <summary>Positions 1–6: the district.</summary>
    public AdminDivisionCode AdminDivisionCode => new(Value[..AdminDivisionCode.Length]);

    /// <summary>Positions 1–9: the street the community belongs to.</summary>
    public StreetCode StreetCode => new(Value[..StreetCode.Length]);

    /// <summary>Positions 10–12: the community's number inside its street, e.g. <c>003</c>.</summary>
    public string LocalCode => Value[StreetCode.Length..];

    /// <summary>Builds <c>street + number</c>, the number zero-padded to 3 digits (1–999).</summary>
    public static CommunityCode Create(StreetCode street, int number)
    {
        ArgumentNullException.ThrowIfNull(street);
        return new CommunityCode(street.Value + CodeText.Pad(number, 3, nameof(number)));
    }

    /// <summary>Whether <paramref name="value"/> is exactly 12 ASCII digits.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && CodeText.IsDigits(value, Length);

    /// <summary>Parses a code, throwing <see cref="FormatException"/> when it is not 12 digits.</summary>
    public static CommunityCode Parse(string value) =>
        IsValid(value) ? new CommunityCode(value) : throw new FormatException(Explain(value));

    /// <summary>Parses a code without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out CommunityCode? code)
    {
        code = IsValid(value) ? new CommunityCode(value) : null;
        return code is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    private static string Explain(string? value) =>
        $"{CodeText.Describe(value)} is not a valid community code: expected exactly {Length} digits " +
        "(9-digit street code + 3-digit community), e.g. 110101001003.";
}
