using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml;

namespace CivicGrid.Server.Features.Open311;

/// <summary>The two representations of every Open311 resource, chosen by the path's extension.</summary>
public enum Open311Format
{
    Xml,
    Json,
}

/// <summary>
/// An Open311 element with named children in a fixed order. Values are strings, booleans, numbers,
/// instants, nested <see cref="O311Object"/>s and <see cref="O311List"/>s, or null (an empty XML
/// element, a JSON null).
/// </summary>
internal sealed class O311Object : IEnumerable<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _fields = [];

    public void Add(string name, object? value) => _fields.Add(new(name, value));

    public object? this[string name] => _fields.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.Ordinal)).Value;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _fields.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A list: a JSON array, an XML container whose children are all called <paramref name="ItemName"/>.</summary>
internal sealed record O311List(string ItemName, IReadOnlyList<object?> Items);

/// <summary>
/// A whole reply: the XML root element and its body. A list body becomes a JSON array (the root is
/// dropped, as the spec's examples do); an object body becomes a JSON object.
/// </summary>
internal sealed record O311Reply(string Root, object Body);

/// <summary>
/// Writes replies exactly in the spec's shapes: XML with the <c>&lt;?xml version="1.0" encoding="utf-8"?&gt;</c>
/// declaration, no namespace, root and item names as in GeoReport v2; JSON with arrays for lists,
/// strings for ids and codes, real booleans and numbers, null for absent values.
/// </summary>
internal static class Open311Writer
{
    public const string XmlContentType = "text/xml; charset=utf-8";
    public const string JsonContentType = "application/json; charset=utf-8";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    // Chinese, '+' in offsets and apostrophes stay readable. Safe because the reply is always
    // application/json with nosniff, never inlined into HTML.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    public static string ContentType(Open311Format format) => format == Open311Format.Xml ? XmlContentType : JsonContentType;

    /// <summary>Parses the extension; anything but xml or json is unknown.</summary>
    public static bool TryParse(string? extension, out Open311Format format)
    {
        format = Open311Format.Xml;
        if (string.Equals(extension, "xml", StringComparison.Ordinal))
        {
            return true;
        }

        if (string.Equals(extension, "json", StringComparison.Ordinal))
        {
            format = Open311Format.Json;
            return true;
        }

        return false;
    }

    /// <summary>The format of an extension the route already accepted (XML, the mandatory one, otherwise).</summary>
    public static Open311Format Parse(string? extension) => TryParse(extension, out var format) ? format : Open311Format.Xml;

    public static byte[] Write(O311Reply reply, Open311Format format) =>
        format == Open311Format.Xml ? WriteXml(reply) : WriteJson(reply);

    /// <summary>W3C / ISO 8601 with the offset and no fractions (what mySociety's validator accepts), in Beijing time.</summary>
    public static string FormatInstant(DateTimeOffset instant) =>
        instant.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static byte[] WriteXml(O311Reply reply)
    {
        using var stream = new MemoryStream();
        var settings = new XmlWriterSettings { Encoding = Utf8NoBom, Indent = true, IndentChars = "  ", OmitXmlDeclaration = true };
        using (var xml = XmlWriter.Create(stream, settings))
        {
            // Written by hand so that the declaration reads exactly as the spec prints it.
            xml.WriteRaw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
            xml.WriteStartElement(reply.Root);
            switch (reply.Body)
            {
                case O311List list:
                    WriteXmlItems(xml, list);
                    break;
                case O311Object obj:
                    WriteXmlFields(xml, obj);
                    break;
                default:
                    throw new InvalidOperationException("A reply body is a list or an object.");
            }

            xml.WriteFullEndElement();
        }

        return stream.ToArray();
    }

    private static void WriteXmlFields(XmlWriter xml, O311Object obj)
    {
        foreach (var (name, value) in obj)
        {
            WriteXmlElement(xml, name, value);
        }
    }

    private static void WriteXmlItems(XmlWriter xml, O311List list)
    {
        foreach (var item in list.Items)
        {
            WriteXmlElement(xml, list.ItemName, item);
        }
    }

    private static void WriteXmlElement(XmlWriter xml, string name, object? value)
    {
        xml.WriteStartElement(name);
        switch (value)
        {
            case null:
                break;
            case O311Object obj:
                WriteXmlFields(xml, obj);
                break;
            case O311List list:
                WriteXmlItems(xml, list);
                break;
            default:
                xml.WriteString(Scalar(value));
                break;
        }

        xml.WriteFullEndElement();
    }

    private static string Scalar(object value) => value switch
    {
        string s => XmlSafe(s),
        bool b => b ? "true" : "false",
        DateTimeOffset t => FormatInstant(t),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>Drops characters XML 1.0 cannot carry (control characters other than tab and line breaks).</summary>
    private static string XmlSafe(string s)
    {
        if (!s.Any(ch => ch < 0x20 && ch is not '\t' and not '\n' and not '\r' || ch is '\uFFFE' or '\uFFFF'))
        {
            return s;
        }

        return new string([.. s.Where(ch => !(ch < 0x20 && ch is not '\t' and not '\n' and not '\r' || ch is '\uFFFE' or '\uFFFF'))]);
    }

    private static byte[] WriteJson(O311Reply reply)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, JsonOptions))
        {
            WriteJsonValue(json, reply.Body);
        }

        return stream.ToArray();
    }

    private static void WriteJsonValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case O311Object obj:
                json.WriteStartObject();
                foreach (var (name, field) in obj)
                {
                    json.WritePropertyName(name);
                    WriteJsonValue(json, field);
                }

                json.WriteEndObject();
                break;
            case O311List list:
                json.WriteStartArray();
                foreach (var item in list.Items)
                {
                    WriteJsonValue(json, item);
                }

                json.WriteEndArray();
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int i:
                json.WriteNumberValue(i);
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case double d:
                json.WriteNumberValue(d);
                break;
            case DateTimeOffset t:
                json.WriteStringValue(FormatInstant(t));
                break;
            default:
                json.WriteStringValue(Scalar(value));
                break;
        }
    }
}

/// <summary>Writes an Open311 reply with the spec's content type.</summary>
internal sealed class Open311Result(O311Reply reply, Open311Format format, int statusCode = StatusCodes.Status200OK) : IResult
{
    public O311Reply Reply => reply;

    public int StatusCode => statusCode;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var bytes = Open311Writer.Write(reply, format);
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = Open311Writer.ContentType(format);
        httpContext.Response.ContentLength = bytes.Length;
        httpContext.Response.Headers.XContentTypeOptions = "nosniff";
        await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}
