using System.Text;

namespace CivicGrid.Server.Features.Intake.Classification;

/// <summary>
/// A small RFC 4180 reader: fields separated by commas, records by CRLF or LF; a quoted field may
/// hold commas, line breaks and doubled quotes. A UTF-8 byte-order mark is skipped by the reader.
/// </summary>
public static class Rfc4180Csv
{
    /// <summary>Reads every record. Throws <see cref="FormatException"/> on an unterminated quote or a quote inside an unquoted field.</summary>
    public static IEnumerable<string[]> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;     // inside a quoted field
        var wasQuoted = false;  // the current field was quoted (only a separator may follow the closing quote)
        var any = false;        // the current record has any content
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when field.Length == 0 && !wasQuoted:
                    quoted = true;
                    wasQuoted = true;
                    any = true;
                    break;
                case '"':
                    throw new FormatException($"line {line}: a quote inside an unquoted field");
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    wasQuoted = false;
                    any = true;
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\r' or '\n':
                    if (any || field.Length > 0)
                    {
                        fields.Add(field.ToString());
                        yield return [.. fields];
                    }

                    fields.Clear();
                    field.Clear();
                    wasQuoted = false;
                    any = false;
                    line++;
                    recordLine = line;
                    break;
                default:
                    if (wasQuoted)
                    {
                        throw new FormatException($"line {line}: text after the closing quote of a field");
                    }

                    field.Append(ch);
                    any = true;
                    break;
            }
        }

        if (quoted)
        {
            throw new FormatException($"line {recordLine}: a quoted field is not closed before the end of the file");
        }

        if (any || field.Length > 0)
        {
            fields.Add(field.ToString());
            yield return [.. fields];
        }
    }
}
