using System.Globalization;

namespace CivicGrid.Domain.Sla;

/// <summary>
/// Reads holiday / make-up-day files in the <c>date,kind,name</c> format of calendar-cn.csv:
/// a required header line <c>date,kind,name</c>, then one row per date with an ISO date (yyyy-MM-dd),
/// <c>holiday</c> or <c>workday</c> (case-insensitive) and a non-empty name. Fields are not quoted, so
/// names cannot contain commas (the official names use "、"). Blank lines are skipped.
/// </summary>
public static class CalendarCsv
{
    /// <summary>The required header line.</summary>
    public const string Header = "date,kind,name";

    /// <summary>Parses the text of a calendar file.</summary>
    /// <exception cref="FormatException">A bad header or row; the message starts with "line N:".</exception>
    public static IReadOnlyList<CalendarException> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var reader = new StringReader(text);
        return Parse(reader);
    }

    /// <summary>Parses a calendar file from a reader.</summary>
    /// <exception cref="FormatException">A bad header or row; the message starts with "line N:".</exception>
    public static IReadOnlyList<CalendarException> Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);

        var header = reader.ReadLine();
        if (header is null)
        {
            throw Error(1, $"the file is empty; expected the header \"{Header}\"");
        }

        header = header.TrimStart('\uFEFF').Trim();
        if (!string.Equals(header.Replace(" ", string.Empty, StringComparison.Ordinal), Header, StringComparison.OrdinalIgnoreCase))
        {
            throw Error(1, $"expected the header \"{Header}\" but found \"{header}\"");
        }

        var result = new List<CalendarException>();
        var lineOfDate = new Dictionary<DateOnly, int>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 3)
            {
                throw Error(lineNumber, $"expected 3 fields (date,kind,name) but found {fields.Length}");
            }

            var dateText = fields[0].Trim();
            if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw Error(lineNumber, $"\"{dateText}\" is not a date in the form yyyy-MM-dd");
            }

            var kindText = fields[1].Trim();
            CalendarDayKind kind;
            if (string.Equals(kindText, "holiday", StringComparison.OrdinalIgnoreCase))
            {
                kind = CalendarDayKind.Holiday;
            }
            else if (string.Equals(kindText, "workday", StringComparison.OrdinalIgnoreCase))
            {
                kind = CalendarDayKind.Workday;
            }
            else
            {
                throw Error(lineNumber, $"kind \"{kindText}\" is neither \"holiday\" nor \"workday\"");
            }

            var name = fields[2].Trim();
            if (name.Length == 0)
            {
                throw Error(lineNumber, "the name is empty");
            }

            if (!lineOfDate.TryAdd(date, lineNumber))
            {
                throw Error(lineNumber, $"{dateText} is already listed on line {lineOfDate[date].ToString(CultureInfo.InvariantCulture)}");
            }

            result.Add(new CalendarException(date, kind, name));
        }

        return result;
    }

    private static FormatException Error(int lineNumber, string problem) =>
        new($"Calendar CSV line {lineNumber.ToString(CultureInfo.InvariantCulture)}: {problem}.");
}
