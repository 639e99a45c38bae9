using System.Globalization;
using System.Text.Json;

namespace CivicGrid.Domain.Telemetry;

/// <summary>One value of a reading: the schema name, the number (booleans as 1/0) and the raw token for non-numbers.</summary>
public sealed record TelemetryValue(string Name, double Value, string? Raw);

/// <summary>A valid telemetry message: when it was measured and its values.</summary>
public sealed record TelemetryMessage(DateTimeOffset Timestamp, IReadOnlyList<TelemetryValue> Values);

/// <summary>Why a payload or one message of it was refused (a metric tag and the dead-letter reason code).</summary>
public enum TelemetryRejectionReason
{
    MalformedJson,
    NotAnObject,
    BatchTooLarge,
    MissingTimestamp,
    BadTimestamp,
    FutureTimestamp,
    TooOld,
    NoValues,
    UnknownValue,
    WrongType,
    OutOfRange,
    TopicNotAllowed,
    UnknownDevice,
}

/// <summary>A refused message: which one of the batch (null for the whole payload), the field at fault, why, and its JSON.</summary>
public sealed record TelemetryRejection(int? Index, string Field, TelemetryRejectionReason Reason, string Message, string Payload);

/// <summary>What a payload held: the valid messages and the refused ones.</summary>
public sealed record TelemetryParseResult(IReadOnlyList<TelemetryMessage> Accepted, IReadOnlyList<TelemetryRejection> Rejected)
{
    /// <summary>How many messages the payload held (valid or not).</summary>
    public int Count => Accepted.Count + Rejected.Count;
}

/// <summary>Limits of the parser.</summary>
/// <param name="MaxFutureSkew">How far past the server's clock a timestamp may lie (device clocks drift a little).</param>
/// <param name="MaxAge">How old a reading may be.</param>
/// <param name="MaxBatch">How many messages one payload may hold.</param>
public sealed record TelemetryLimits(TimeSpan MaxFutureSkew, TimeSpan MaxAge, int MaxBatch)
{
    public static TelemetryLimits Default { get; } = new(TimeSpan.FromMinutes(5), TimeSpan.FromDays(30), 1000);
}

/// <summary>
/// Reads the telemetry payload of DESIGN.md — <c>{"ts": "ISO 8601", "values": {"name": number|bool}}</c>,
/// or a JSON array of such objects — against a device type's schema. Pure: no clock, no I/O.
/// A message is accepted whole or refused whole; each refusal names the field and the reason.
/// </summary>
public static class TelemetryParser
{
    private const int MaxPayloadEcho = 2000;

    public static TelemetryParseResult Parse(ReadOnlySpan<byte> payload, DeviceType type, DateTimeOffset now, TelemetryLimits limits)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            var text = System.Text.Encoding.UTF8.GetString(payload.Length > MaxPayloadEcho ? payload[..MaxPayloadEcho] : payload);
            return new([], [new TelemetryRejection(null, "body", TelemetryRejectionReason.MalformedJson, "The payload is not valid JSON: " + e.Message, text)]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                return Collect([ParseOne(root, null, type, now, limits)]);
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                return new([], [new TelemetryRejection(null, "body", TelemetryRejectionReason.NotAnObject, "The payload is a JSON object or an array of objects.", Echo(root))]);
            }

            var length = root.GetArrayLength();
            if (length == 0 || length > limits.MaxBatch)
            {
                return new([], [new TelemetryRejection(null, "body", TelemetryRejectionReason.BatchTooLarge,
                    string.Create(CultureInfo.InvariantCulture, $"A batch holds 1 to {limits.MaxBatch} messages, not {length}."), Echo(root))]);
            }

            var results = new List<(TelemetryMessage?, TelemetryRejection?)>(length);
            var i = 0;
            foreach (var element in root.EnumerateArray())
            {
                results.Add(ParseOne(element, i++, type, now, limits));
            }

            return Collect(results);
        }
    }

    /// <summary>Parses a payload given as text.</summary>
    public static TelemetryParseResult Parse(string payload, DeviceType type, DateTimeOffset now, TelemetryLimits limits) =>
        Parse(System.Text.Encoding.UTF8.GetBytes(payload), type, now, limits);

    private static TelemetryParseResult Collect(IEnumerable<(TelemetryMessage? Message, TelemetryRejection? Rejection)> results)
    {
        var accepted = new List<TelemetryMessage>();
        var rejected = new List<TelemetryRejection>();
        foreach (var (m, r) in results)
        {
            if (m is not null)
            {
                accepted.Add(m);
            }
            else if (r is not null)
            {
                rejected.Add(r);
            }
        }

        return new(accepted, rejected);
    }

    private static (TelemetryMessage?, TelemetryRejection?) ParseOne(JsonElement e, int? index, DeviceType type, DateTimeOffset now, TelemetryLimits limits)
    {
        TelemetryRejection Reject(string field, TelemetryRejectionReason reason, string message) =>
            new(index, index is null ? field : string.Create(CultureInfo.InvariantCulture, $"[{index}].{field}"), reason, message, Echo(e));

        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, Reject("body", TelemetryRejectionReason.NotAnObject, "A message is a JSON object with ts and values."));
        }

        if (!e.TryGetProperty("ts", out var tsElement) || tsElement.ValueKind == JsonValueKind.Null)
        {
            return (null, Reject("ts", TelemetryRejectionReason.MissingTimestamp, "ts (an ISO 8601 instant) is required."));
        }

        if (tsElement.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(tsElement.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var ts))
        {
            return (null, Reject("ts", TelemetryRejectionReason.BadTimestamp, "ts is not an ISO 8601 instant such as 2026-03-02T01:30:00Z."));
        }

        // Microseconds: what both engines store exactly, so a retransmission has the same key.
        ts = new DateTimeOffset(ts.UtcTicks - ts.UtcTicks % 10, TimeSpan.Zero);
        if (ts > now + limits.MaxFutureSkew)
        {
            return (null, Reject("ts", TelemetryRejectionReason.FutureTimestamp,
                string.Create(CultureInfo.InvariantCulture, $"ts {ts:O} lies more than {limits.MaxFutureSkew.TotalMinutes:0} minutes in the future (server time {now:O}).")));
        }

        if (ts < now - limits.MaxAge)
        {
            return (null, Reject("ts", TelemetryRejectionReason.TooOld,
                string.Create(CultureInfo.InvariantCulture, $"ts {ts:O} is older than {limits.MaxAge.TotalDays:0} days.")));
        }

        if (!e.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            return (null, Reject("values", TelemetryRejectionReason.NoValues, "values (an object of name: value) is required."));
        }

        var parsed = new List<TelemetryValue>();
        foreach (var p in values.EnumerateObject())
        {
            var field = type.Field(p.Name);
            if (field is null)
            {
                return (null, Reject("values." + p.Name, TelemetryRejectionReason.UnknownValue,
                    $"'{p.Name}' is not a value of {type.Code}; known: {string.Join(", ", type.Fields.Select(f => f.Name))}."));
            }

            if (parsed.Exists(v => string.Equals(v.Name, p.Name, StringComparison.Ordinal)))
            {
                return (null, Reject("values." + p.Name, TelemetryRejectionReason.UnknownValue, $"'{p.Name}' appears twice."));
            }

            switch (field.Kind)
            {
                case TelemetryValueKind.Number when p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out var number) && double.IsFinite(number):
                    if (!field.InRange(number))
                    {
                        return (null, Reject("values." + p.Name, TelemetryRejectionReason.OutOfRange,
                            string.Create(CultureInfo.InvariantCulture, $"{p.Name} = {number} lies outside {field.Min} … {field.Max} {field.Unit}.")));
                    }

                    parsed.Add(new TelemetryValue(p.Name, number, null));
                    break;
                case TelemetryValueKind.Boolean when p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    var on = p.Value.ValueKind == JsonValueKind.True;
                    parsed.Add(new TelemetryValue(p.Name, on ? 1 : 0, on ? "true" : "false"));
                    break;
                default:
                    return (null, Reject("values." + p.Name, TelemetryRejectionReason.WrongType,
                        $"{p.Name} must be a {(field.Kind == TelemetryValueKind.Boolean ? "boolean" : "finite number")}, not {p.Value.ValueKind.ToString().ToLowerInvariant()}."));
            }
        }

        if (parsed.Count == 0)
        {
            return (null, Reject("values", TelemetryRejectionReason.NoValues, "values holds no value."));
        }

        return (new TelemetryMessage(ts, parsed), null);
    }

    private static string Echo(JsonElement e)
    {
        var text = e.GetRawText();
        return text.Length > MaxPayloadEcho ? text[..MaxPayloadEcho] : text;
    }
}
