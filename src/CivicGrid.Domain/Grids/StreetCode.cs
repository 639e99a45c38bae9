using System.Diagnostics.CodeAnalysis;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// A street (街道) or township (乡镇) code: 9 digits = 6-digit administrative division code (GB/T 2260)
/// + 3-digit street code (GB/T 10114: 001–099 街道, 100–199 镇, 200–399 乡), e.g. <c>110101001</c> for 东华门街道.
/// </summary>
public sealed record StreetCode
{
    /// <summary>Number of characters in the code.</summary>
    public const int Length = 9;

    /// <summary>Creates a code, throwing <see cref="ArgumentException"/> when <paramref name="value"/> is not 9 digits.</summary>
    public StreetCode(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException(Explain(value), nameof(value));
        }

        Value = value;
    }

    /// <summary>The 9 digits.</summary>
    public string Value { get; }

    /// <summary>Positions 1–6: the district.</summary>
    public AdminDivisionCode AdminDivisionCode => new(Value[..AdminDivisionCode.Length]);

    /// <summary>Positions 7–9: the street's number inside its district, e.g. <c>001</c>.</summary>
    public string LocalCode => Value[AdminDivisionCode.Length..];

    /// <summary>Builds <c>admin + number</c>, the number zero-padded to 3 digits (1–999).</summary>
    public static StreetCode Create(AdminDivisionCode district, int number)
    {
        ArgumentNullException.ThrowIfNull(district);
        return new StreetCode(district.Value + CodeText.Pad(number, 3, nameof(number)));
    }

    /// <summary>Whether <paramref name="value"/> is exactly 9 ASCII digits.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && CodeText.IsDigits(value, Length);

    /// <summary>Parses a code, throwing <see cref="FormatException"/> when it is not 9 digits.</summary>
    public static StreetCode Parse(string value) =>
        IsValid(value) ? new StreetCode(value) : throw new FormatException(Explain(value));

    /// <summary>Parses a code without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out StreetCode? code)
    {
        code = IsValid(value) ? new StreetCode(value) : null;
        return code is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    private static string Explain(string? value) =>
        $"{CodeText.Describe(value)} is not a valid street code: expected exactly {Length} digits " +
        "(6-digit administrative division + 3-digit street), e.g. 110101001.";
}
