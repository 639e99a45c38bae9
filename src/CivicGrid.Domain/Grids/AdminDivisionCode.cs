using System.Diagnostics.CodeAnalysis;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// A county-level (or higher) administrative division code per GB/T 2260: 6 digits, e.g. <c>110101</c>
/// for 北京市东城区. Held as a string because leading zeros matter.
/// </summary>
public sealed record AdminDivisionCode
{
    /// <summary>Number of characters in the code.</summary>
    public const int Length = 6;

    /// <summary>Creates a code, throwing <see cref="ArgumentException"/> when <paramref name="value"/> is not 6 digits.</summary>
    public AdminDivisionCode(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException(Explain(value), nameof(value));
        }

        Value = value;
    }

    /// <summary>The 6 digits.</summary>
    public string Value { get; }

    /// <summary>First two digits: the province-level division (省级), e.g. <c>11</c> for 北京市.</summary>
    public string ProvinceCode => Value[..2];

    /// <summary>Whether <paramref name="value"/> is exactly 6 ASCII digits.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && CodeText.IsDigits(value, Length);

    /// <summary>Parses a code, throwing <see cref="FormatException"/> when it is not 6 digits.</summary>
    public static AdminDivisionCode Parse(string value) =>
        IsValid(value) ? new AdminDivisionCode(value) : throw new FormatException(Explain(value));

    /// <summary>Parses a code without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out AdminDivisionCode? code)
    {
        code = IsValid(value) ? new AdminDivisionCode(value) : null;
        return code is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    private static string Explain(string? value) =>
        $"{CodeText.Describe(value)} is not a valid administrative division code: expected exactly {Length} digits (GB/T 2260), e.g. 110101.";
}
