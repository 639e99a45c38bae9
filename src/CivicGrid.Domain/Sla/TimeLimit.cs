using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CivicGrid.Domain.Sla;

/// <summary>
/// A time limit as written in the standards' tables: a positive amount and a unit, e.g. "4 工作时".
/// Fractions are allowed in every unit (0.5 <see cref="TimeLimitUnit.WorkHour"/> is half an hour of
/// working time; 0.5 <see cref="TimeLimitUnit.WorkDay"/> is half a working day's working time).
/// </summary>
/// <remarks>
/// <c>default(TimeLimit)</c> (value 0) is not a valid limit; every API that takes a limit rejects it.
/// For storage use <see cref="ToInvariantString"/> and <see cref="Parse(string)"/> ("4 WorkHour"),
/// or map <see cref="Value"/> and <see cref="Unit"/> as two columns.
/// </remarks>
public readonly record struct TimeLimit
{
    /// <summary>The largest accepted value in any unit; it guards against typos and arithmetic overflow.</summary>
    public const decimal MaxValue = 100_000m;

    private const string NumberFormat = "0.############################";

    /// <summary>Creates a validated limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in (0, <see cref="MaxValue"/>] or the unit is unknown.</exception>
    public TimeLimit(decimal value, TimeLimitUnit unit)
    {
        if (value <= 0m || value > MaxValue)
        {
            throw new ArgumentOutOfRangeException(
                nameof(value), value, $"A time limit must be greater than 0 and at most {MaxValue.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (!Enum.IsDefined(unit))
        {
            throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown time-limit unit.");
        }

        Value = value;
        Unit = unit;
    }

    /// <summary>The amount, always positive for a constructed limit.</summary>
    public decimal Value { get; }

    /// <summary>The unit the amount is counted in.</summary>
    public TimeLimitUnit Unit { get; }

    /// <summary>True for a limit made by the constructor; false for <c>default(TimeLimit)</c>.</summary>
    public bool IsValid => Value > 0m;

    /// <summary>A limit in 紧急工作时 (counted around the clock).</summary>
    public static TimeLimit EmergencyWorkHours(decimal value) => new(value, TimeLimitUnit.EmergencyWorkHour);

    /// <summary>A limit in 工作时.</summary>
    public static TimeLimit WorkHours(decimal value) => new(value, TimeLimitUnit.WorkHour);

    /// <summary>A limit in 工作日.</summary>
    public static TimeLimit WorkDays(decimal value) => new(value, TimeLimitUnit.WorkDay);

    /// <summary>A limit in natural hours (小时).</summary>
    public static TimeLimit NaturalHours(decimal value) => new(value, TimeLimitUnit.NaturalHour);

    /// <summary>A limit in natural days (天, 24 h each).</summary>
    public static TimeLimit NaturalDays(decimal value) => new(value, TimeLimitUnit.NaturalDay);

    /// <summary>The Chinese display form, e.g. "4 工作时", "0.5 工作时".</summary>
    public override string ToString() => $"{FormatValue()} {Unit.ChineseName()}";

    /// <summary>The English display form, e.g. "4 working hours".</summary>
    public string ToEnglishString() => $"{FormatValue()} {Unit.EnglishName()}";

    /// <summary>The culture-independent storage form read back by <see cref="Parse(string)"/>, e.g. "4 WorkHour".</summary>
    public string ToInvariantString() => $"{FormatValue()} {Unit}";

    /// <summary>
    /// Reads "4 WorkHour", "0.5 workhour", "4 工作时" or "4工作时": an invariant-culture decimal number,
    /// optional white space, then a unit's enum name (case-insensitive) or Chinese name.
    /// </summary>
    /// <exception cref="FormatException">The text is not a time limit; the message says why.</exception>
    public static TimeLimit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParseCore(text, out var limit, out var error) ? limit : throw new FormatException(error);
    }

    /// <summary>Like <see cref="Parse(string)"/> but returns false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeLimit result) =>
        TryParseCore(text, out result, out _);

    private string FormatValue() => Value.ToString(NumberFormat, CultureInfo.InvariantCulture);

    private static bool TryParseCore(string? text, out TimeLimit result, out string error)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A time limit is empty; expected a number and a unit, e.g. \"4 WorkHour\".";
            return false;
        }

        var span = text.AsSpan().Trim();
        var numberLength = 0;
        while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] is '.' or '-' or '+'))
        {
            numberLength++;
        }

        var numberText = span[..numberLength];
        var unitText = span[numberLength..].Trim().ToString();
        if (!decimal.TryParse(numberText, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            error = $"Time limit \"{text}\" does not start with a number.";
            return false;
        }

        if (!TimeLimitUnitExtensions.TryParseUnit(unitText, out var unit))
        {
            error = $"Time limit \"{text}\" has no known unit; expected one of {string.Join(", ", Enum.GetNames<TimeLimitUnit>())} or its Chinese name.";
            return false;
        }

        if (value <= 0m || value > MaxValue)
        {
            error = $"Time limit \"{text}\" must be greater than 0 and at most {MaxValue.ToString(CultureInfo.InvariantCulture)}.";
            return false;
        }

        result = new TimeLimit(value, unit);
        error = string.Empty;
        return true;
    }
}
