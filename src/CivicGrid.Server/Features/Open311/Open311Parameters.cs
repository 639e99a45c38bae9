using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Primitives;

namespace CivicGrid.Server.Features.Open311;

/// <summary>
/// The arguments of an Open311 call, from the form body (POST) or the query string. As the spec
/// asks, an argument sent empty is treated as absent; the body wins over the query.
/// </summary>
internal sealed partial class Open311Parameters(IQueryCollection query, IFormCollection? form)
{
    public IFormCollection? Form => form;

    public static async Task<Open311Parameters> ReadAsync(HttpRequest request, bool withBody, CancellationToken ct)
    {
        if (!withBody)
        {
            return new Open311Parameters(request.Query, null);
        }

        if (!request.HasFormContentType)
        {
            throw Open311Exception.BadRequest(
                $"The body must be application/x-www-form-urlencoded or multipart/form-data, not '{request.ContentType ?? "(none)"}'.");
        }

        var form = await request.ReadFormAsync(ct);
        return new Open311Parameters(request.Query, form);
    }

    /// <summary>The value, trimmed; null when absent or empty.</summary>
    public string? Get(string name)
    {
        var value = First(form is not null && form.TryGetValue(name, out var f) ? f : StringValues.Empty);
        value ??= First(query.TryGetValue(name, out var q) ? q : StringValues.Empty);
        return value;
    }

    /// <summary>A required value; 400 naming the argument when missing.</summary>
    public string Required(string name) =>
        Get(name) ?? throw Open311Exception.BadRequest($"{name}: this argument is required.");

    /// <summary>A value that must not exceed a length; 400 naming it otherwise.</summary>
    public string? Bounded(string name, int maxLength)
    {
        var value = Get(name);
        if (value is not null && value.Length > maxLength)
        {
            throw Open311Exception.BadRequest($"{name}: longer than {maxLength} characters.");
        }

        return value;
    }

    /// <summary>A comma-separated list; empty items dropped; null when absent.</summary>
    public IReadOnlyList<string>? List(string name) =>
        Get(name) is { } text ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;

    /// <summary>A W3C datetime with its time zone; 400 naming the argument when it is not one.</summary>
    public DateTimeOffset? Instant(string name)
    {
        var text = Get(name);
        if (text is null)
        {
            return null;
        }

        if (!W3cDateTime().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            throw Open311Exception.BadRequest($"{name}: '{text}' is not a W3C datetime with a time zone, e.g. 2026-03-02T09:30:00+08:00.");
        }

        return parsed;
    }

    /// <summary>A positive whole number within bounds; 400 naming the argument otherwise.</summary>
    public int? Int(string name, int min, int max)
    {
        var text = Get(name);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw Open311Exception.BadRequest($"{name}: must be a whole number from {min} to {max}.");
        }

        return value;
    }

    /// <summary>A number (invariant culture, finite); 400 naming the argument otherwise.</summary>
    public double? Number(string name)
    {
        var text = Get(name);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            throw Open311Exception.BadRequest($"{name}: '{text}' is not a number.");
        }

        return value;
    }

    /// <summary>true / false (any case), 1 / 0; 400 otherwise.</summary>
    public bool Flag(string name)
    {
        var text = Get(name);
        return text switch
        {
            null => false,
            _ when string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) || text == "1" => true,
            _ when string.Equals(text, "false", StringComparison.OrdinalIgnoreCase) || text == "0" => false,
            _ => throw Open311Exception.BadRequest($"{name}: must be true or false."),
        };
    }

    /// <summary>
    /// The <c>attribute[CODE]=value</c> and <c>attribute[CODE][]=v1&amp;attribute[CODE][]=v2</c> arguments,
    /// code → non-empty values.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes()
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        IEnumerable<KeyValuePair<string, StringValues>> pairs = form is not null ? [.. form, .. query] : query;
        foreach (var (key, values) in pairs)
        {
            var match = AttributeKey().Match(key);
            if (!match.Success)
            {
                continue;
            }

            var code = match.Groups["code"].Value;
            var list = values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList();
            if (list.Count > 0 && !result.ContainsKey(code))
            {
                result[code] = list;
            }
        }

        return result;
    }

    private static string? First(StringValues values)
    {
        foreach (var v in values)
        {
            if (!string.IsNullOrWhiteSpace(v))
            {
                return v.Trim();
            }
        }

        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex W3cDateTime();

    [GeneratedRegex(@"^attribute\[(?<code>[^\[\]]{1,100})\](\[\])?$", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeKey();
}
