using System.Text.Json;
using System.Text.Json.Serialization;
using CivicGrid.Domain.Common;

namespace CivicGrid.Domain.Telemetry.Rules;

/// <summary>The JSON form of rules (API, export/import, storage): camelCase names, enums as camelCase strings, conditions tagged by <c>kind</c>.</summary>
public static class RuleJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        RespectRequiredConstructorParameters = true,
    };

    public static string Serialize(RuleDefinition definition) => JsonSerializer.Serialize(definition, Options);

    /// <summary>Reads a definition; a malformed one throws <see cref="DomainValidationException"/> naming the field.</summary>
    public static RuleDefinition Deserialize(JsonElement json, string fieldPrefix = "")
    {
        try
        {
            return json.Deserialize<RuleDefinition>(Options) ?? throw new DomainValidationException(Field(fieldPrefix, "body"), "A rule is a JSON object.");
        }
        catch (JsonException e)
        {
            throw new DomainValidationException(Field(fieldPrefix, string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.')), Explain(e));
        }
        catch (NotSupportedException e)
        {
            // An abstract condition without its kind.
            throw new DomainValidationException(Field(fieldPrefix, "condition.kind"), "Every condition names its kind: threshold, rateOfChange, noData, zScore, seasonal, all or any. " + e.Message);
        }
    }

    /// <summary>Reads a stored definition.</summary>
    public static RuleDefinition Deserialize(string json) => JsonSerializer.Deserialize<RuleDefinition>(json, Options)!;

    private static string Field(string prefix, string field) => prefix.Length == 0 ? field : prefix + "." + field;

    private static string Explain(JsonException e) =>
        e.Message.Contains("type discriminator", StringComparison.Ordinal)
            ? "Unknown or missing condition kind: threshold, rateOfChange, noData, zScore, seasonal, all or any."
            : e.Message;
}
