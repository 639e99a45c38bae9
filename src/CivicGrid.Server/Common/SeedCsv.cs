using System.Text;

namespace CivicGrid.Server.Common;

/// <summary>Reads the small RFC 4180 CSV files the server ships as seed data (embedded resources).</summary>
public static class SeedCsv
{
    /// <summary>Rows as dictionaries keyed by the header's column names.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ReadResource(string fileName)
    {
        var assembly = typeof(SeedCsv).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("SeedData." + fileName, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Read(reader);
    }

    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Read(TextReader reader)
    {
        var rows = new List<IReadOnlyDictionary<string, string>>();
        string[]? header = null;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var fields = Split(line);
            if (header is null)
            {
                header = fields;
                continue;
            }

            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = i < fields.Length ? fields[i] : string.Empty;
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        fields.Add(current.ToString());
        return [.. fields];
    }
}
