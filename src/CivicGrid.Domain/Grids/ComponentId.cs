using System.Diagnostics.CodeAnalysis;

namespace CivicGrid.Domain.Grids;

/// <summary>
/// A management component instance identifier (管理部件标识码, GB/T 47678.5 field GLBJBSM C(17)): 17 digits =
/// 6-digit administrative division + 5-digit <see cref="Grids.CategoryCode"/> + 6-digit serial,
/// e.g. <c>11010101001000042</c>. (The 2013 scheme used 16 digits with a 2-digit minor class; not accepted here.)
/// </summary>
public sealed record ComponentId
{
    /// <summary>Number of characters in the identifier.</summary>
    public const int Length = 17;

    /// <summary>Creates an identifier, throwing <see cref="ArgumentException"/> when <paramref name="value"/> is not 17 digits.</summary>
    public ComponentId(string value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentException(Explain(value), nameof(value));
        }

        Value = value;
    }

    /// <summary>The 17 digits.</summary>
    public string Value { get; }

    /// <summary>Positions 1–6: the district that owns the component.</summary>
    public AdminDivisionCode AdminDivisionCode => new(Value[..AdminDivisionCode.Length]);

    /// <summary>Positions 7–11: the component's class.</summary>
    public CategoryCode CategoryCode => new(Value.Substring(AdminDivisionCode.Length, CategoryCode.Length));

    /// <summary>Positions 12–17: the serial number inside district and class, e.g. <c>000042</c>.</summary>
    public string Serial => Value[(AdminDivisionCode.Length + CategoryCode.Length)..];

    /// <summary>Builds <c>district + category + serial</c>, the serial zero-padded to 6 digits (1–999999).</summary>
    public static ComponentId Create(AdminDivisionCode district, CategoryCode category, int serial)
    {
        ArgumentNullException.ThrowIfNull(district);
        ArgumentNullException.ThrowIfNull(category);
        return new ComponentId(district.Value + category.Value + CodeText.Pad(serial, 6, nameof(serial)));
    }

    /// <summary>Whether <paramref name="value"/> is exactly 17 ASCII digits.</summary>
    public static bool IsValid([NotNullWhen(true)] string? value) => value is not null && CodeText.IsDigits(value, Length);

    /// <summary>Parses an identifier, throwing <see cref="FormatException"/> when it is not 17 digits.</summary>
    public static ComponentId Parse(string value) =>
        IsValid(value) ? new ComponentId(value) : throw new FormatException(Explain(value));

    /// <summary>Parses an identifier without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out ComponentId? id)
    {
        id = IsValid(value) ? new ComponentId(value) : null;
        return id is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Value;

    private static string Explain(string? value) =>
        $"{CodeText.Describe(value)} is not a valid component identifier: expected exactly {Length} digits " +
        "(6-digit administrative division + 5-digit category + 6-digit serial), e.g. 11010101001000042.";
}
