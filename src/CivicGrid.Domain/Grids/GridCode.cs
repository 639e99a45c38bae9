using System.Diagnostics.CodeAnalysis;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// A unit grid identifier (单元网格标识码), 15 characters:
/// positions 1–6 administrative division (GB/T 2260), 7–9 street, 10–12 community, 13–15 sequence inside the
/// community, numbered west→east, north→south (DB11/T 2157, GB/T 47678.5 field SZDYWGBSM C(15)).
/// </summary>
/// <remarks>
/// The standards use digits only. Some systems also put capital letters in the code, so any
/// <c>^[0-9A-Z]{15}$</c> is accepted; such a code still exposes its raw segments, but the typed
/// <see cref="AdminDivisionCode"/>, <see cref="StreetCode"/> and <see cref="CommunityCode"/> parts exist only
/// when the first 12 characters are digits (check <see cref="HasNumericPrefix"/>).
/// </remarks>
public sealed record GridCode
{
    /// <summary>Number of characters in the code.</summary>
    public const int Length = 15;

    /// <summary>Largest sequence number a community can give out with 3 digits.</summary>
    public const int MaxSequence = 999;

    /// <summary>Creates a code, throwing <see cref="ArgumentException"/> when <paramref name="value"/> is not 15 of 0–9/A–Z.</summary>
    public GridCode(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException(Explain(value), nameof(value));
        }

        Value = value;
    }

    /// <summary>The 15 characters.</summary>
    public string Value { get; }

    /// <summary>Positions 1–6, as written.</summary>
    public string AdminDivisionSegment => Value[..6];

    /// <summary>Positions 7–9, as written.</summary>
    public string StreetSegment => Value[6..9];

    /// <summary>Positions 10–12, as written.</summary>
    public string CommunitySegment => Value[9..12];

    /// <summary>Positions 13–15: the grid's sequence code inside its community, e.g. <c>001</c>.</summary>
    public string Sequence => Value[12..];

    /// <summary>Whether positions 1–12 are digits, so the typed parent codes are available.</summary>
    public bool HasNumericPrefix => CodeText.IsDigits(Value.AsSpan(0, CommunityCode.Length), CommunityCode.Length);

    /// <summary>Positions 1–6 as a typed code.</summary>
    /// <exception cref="InvalidOperationException">The segment holds letters (see <see cref="HasNumericPrefix"/>).</exception>
    public AdminDivisionCode AdminDivisionCode => new(NumericPrefix(AdminDivisionCode.Length));

    /// <summary>Positions 1–9: the street the grid belongs to.</summary>
    /// <exception cref="InvalidOperationException">The segment holds letters (see <see cref="HasNumericPrefix"/>).</exception>
    public StreetCode StreetCode => new(NumericPrefix(StreetCode.Length));

    /// <summary>Positions 1–12: the community the grid belongs to.</summary>
    /// <exception cref="InvalidOperationException">The segment holds letters (see <see cref="HasNumericPrefix"/>).</exception>
    public CommunityCode CommunityCode => new(NumericPrefix(CommunityCode.Length));

    /// <summary>Builds <c>community + sequence</c>, the sequence zero-padded to 3 digits (1–999).</summary>
    public static GridCode Create(CommunityCode community, int sequence)
    {
        ArgumentNullException.ThrowIfNull(community);
        return new GridCode(community.Value + CodeText.Pad(sequence, 3, nameof(sequence)));
    }

    /// <summary>Whether <paramref name="value"/> matches <c>^[0-9A-Z]{15}$</c>.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value) =>
        value is not null && CodeText.IsDigitsOrCapitals(value, Length);

    /// <summary>Parses a code, throwing <see cref="FormatException"/> when it does not match <c>^[0-9A-Z]{15}$</c>.</summary>
    public static GridCode Parse(string value) =>
        IsValid(value) ? new GridCode(value) : throw new FormatException(Explain(value));

    /// <summary>Parses a code without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out GridCode? code)
    {
        code = IsValid(value) ? new GridCode(value) : null;
        return code is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    private string NumericPrefix(int length)
    {
        var prefix = Value[..length];
        return CodeText.IsDigits(prefix, length)
            ? prefix
            : throw new InvalidOperationException(
                $"Grid code '{Value}' has letters in its first {length} characters, so they are not a standard code.");
    }

    private static string Explain(string? value) =>
        $"{CodeText.Describe(value)} is not a valid grid code: expected exactly {Length} characters 0-9 or A-Z " +
        "(6 administrative division + 3 street + 3 community + 3 sequence), e.g. 110101001003012.";
}
