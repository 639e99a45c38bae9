using System.Diagnostics.CodeAnalysis;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// A component or matter classification code per GB/T 47678.5-2026: 5 digits = 2-digit major class (大类)
/// + 3-digit minor class (小类), e.g. <c>01001</c> 供水井盖, <c>09006</c> 占道经营.
/// </summary>
public sealed record CategoryCode
{
    /// <summary>Number of characters in the code.</summary>
    public const int Length = 5;

    /// <summary>Creates a code, throwing <see cref="ArgumentException"/> when <paramref name="value"/> is not 5 digits.</summary>
    public CategoryCode(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException(Explain(value), nameof(value));
        }

        Value = value;
    }

    /// <summary>The 5 digits.</summary>
    public string Value { get; }

    /// <summary>Positions 1–2: the major class, e.g. <c>01</c> 市政公用设施.</summary>
    public string MajorCode => Value[..2];

    /// <summary>Positions 3–5: the minor class inside the major, e.g. <c>001</c>.</summary>
    public string MinorCode => Value[2..];

    /// <summary>Builds a code from a major (1–99) and a minor (1–999) class number.</summary>
    public static CategoryCode Create(int major, int minor) =>
        new(CodeText.Pad(major, 2, nameof(major)) + CodeText.Pad(minor, 3, nameof(minor)));

    /// <summary>Whether <paramref name="value"/> is exactly 5 ASCII digits.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && CodeText.IsDigits(value, Length);

    /// <summary>Parses a code, throwing <see cref="FormatException"/> when it is not 5 digits.</summary>
    public static CategoryCode Parse(string value) =>
        IsValid(value) ? new CategoryCode(value) : throw new FormatException(Explain(value));

    /// <summary>Parses a code without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out CategoryCode? code)
    {
        code = IsValid(value) ? new CategoryCode(value) : null;
        return code is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    private static string Explain(string? value) =>
        $"{CodeText.Describe(value)} is not a valid category code: expected exactly {Length} digits " +
        "(2-digit major class + 3-digit minor class, GB/T 47678.5), e.g. 01001.";
}
