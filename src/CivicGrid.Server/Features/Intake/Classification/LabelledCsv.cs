using System.Globalization;
using System.Text;

namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>Bad training or evaluation data: a missing file or column, no rows, too few classes.</summary>
public sealed class ClassificationDataException(string message) : Exception(message);

/// <summary>
/// Reads labelled texts from a CSV file with a header row. The text of a row is its text columns
/// joined with a space (blank parts left out); rows whose text or label is blank are skipped.
/// </summary>
public static class LabelledCsv
{
    /// <summary>Text columns used when none is named: title + detail (the tipdm2020 layout), else the first of these.</summary>
    public static readonly IReadOnlyList<string> DefaultTextColumns = ["text", "description", "detail", "content"];

    /// <summary>Label columns tried in order when none is named.</summary>
    public static readonly IReadOnlyList<string> DefaultLabelColumns = ["label_l1", "label", "category"];

    /// <summary>Reads <paramref name="path"/>; throws <see cref="ClassificationDataException"/> with a one-line reason on bad input.</summary>
    public static List<(string Text, string Label)> Load(string path, IReadOnlyList<string>? textColumns = null, string? labelColumn = null)
    {
        if (!File.Exists(path))
        {
            throw new ClassificationDataException($"file '{path}' does not exist");
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, textColumns, labelColumn);
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>; <paramref name="name"/> names the source in errors.</summary>
    public static List<(string Text, string Label)> Read(TextReader reader, string name, IReadOnlyList<string>? textColumns = null, string? labelColumn = null)
    {
        using var records = Rfc4180Csv.Read(reader).GetEnumerator();
        string[] header;
        try
        {
            if (!records.MoveNext())
            {
                throw new ClassificationDataException($"'{name}' is empty: no header row");
            }

            header = [.. records.Current.Select(h => h.Trim())];
        }
        catch (FormatException e)
        {
            throw new ClassificationDataException($"'{name}' is not valid CSV: {e.Message}");
        }

        var textIndexes = ResolveTextColumns(header, textColumns, name);
        var labelIndex = ResolveLabelColumn(header, labelColumn, name);
        var rows = new List<(string Text, string Label)>();
        try
        {
            while (records.MoveNext())
            {
                var record = records.Current;
                var label = labelIndex < record.Length ? record[labelIndex].Trim() : string.Empty;
                var text = string.Join(' ', textIndexes.Where(i => i < record.Length).Select(i => record[i].Trim()).Where(t => t.Length > 0));
                if (label.Length > 0 && text.Length > 0)
                {
                    rows.Add((text, label));
                }
            }
        }
        catch (FormatException e)
        {
            throw new ClassificationDataException($"'{name}' is not valid CSV: {e.Message}");
        }

        if (rows.Count == 0)
        {
            throw new ClassificationDataException($"'{name}' has no rows with both a text and a label");
        }

        return rows;
    }

    private static int[] ResolveTextColumns(string[] header, IReadOnlyList<string>? requested, string name)
    {
        if (requested is { Count: > 0 })
        {
            return [.. requested.SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(r => IndexOf(header, r) is var i and >= 0 ? i : throw MissingColumn(name, "text", r, header))];
        }

        if (IndexOf(header, "title") is var title and >= 0 && IndexOf(header, "detail") is var detail and >= 0)
        {
            return [title, detail];
        }

        foreach (var candidate in DefaultTextColumns)
        {
            if (IndexOf(header, candidate) is var i and >= 0)
            {
                return [i];
            }
        }

        throw new ClassificationDataException(
            $"'{name}' has no text column (looked for title+detail, {string.Join(", ", DefaultTextColumns)}); name one with --text-column");
    }

    private static int ResolveLabelColumn(string[] header, string? requested, string name)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return IndexOf(header, requested.Trim()) is var i and >= 0 ? i : throw MissingColumn(name, "label", requested, header);
        }

        foreach (var candidate in DefaultLabelColumns)
        {
            if (IndexOf(header, candidate) is var i and >= 0)
            {
                return i;
            }
        }

        throw new ClassificationDataException(
            $"'{name}' has no label column (looked for {string.Join(", ", DefaultLabelColumns)}); name one with --label-column");
    }

    private static int IndexOf(string[] header, string column) =>
        Array.FindIndex(header, h => string.Equals(h, column, StringComparison.OrdinalIgnoreCase));

    private static ClassificationDataException MissingColumn(string name, string role, string column, string[] header) =>
        new(string.Create(CultureInfo.InvariantCulture, $"'{name}' has no {role} column '{column}' (columns: {string.Join(", ", header)})"));
}
