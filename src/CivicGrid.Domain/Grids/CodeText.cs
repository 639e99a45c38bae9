namespace CivicGrid.Domain.Grids;

/// <summary>Shared checks for the code value objects, which are always strings because leading zeros matter.</summary>
internal static class CodeText
{
    public static bool IsDigits(ReadOnlySpan<char> text, int length) =>
        text.Length == length && !text.ContainsAnyExceptInRange('0', '9');

    public static bool IsDigitsOrCapitals(ReadOnlySpan<char> text, int length)
    {
        if (text.Length != length)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c) && !char.IsAsciiLetterUpper(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Formats a positive number as a zero-padded segment, e.g. 7 → "007".</summary>
    public static string Pad(int number, int width, string paramName)
    {
        var max = (int)Math.Pow(10, width) - 1;
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1, paramName);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, max, paramName);
        return number.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0');
    }

    public static string Describe(string? value) => value is null ? "null" : $"'{value}'";
}
