using System.Globalization;

namespace CivicGrid.Server.Common;

/// <summary>Versions surfaced as strong ETags (<c>"v7"</c>) and checked against If-Match.</summary>
internal static class ETags
{
    public static string For(int version) => string.Create(CultureInfo.InvariantCulture, $"\"v{version}\"");

    /// <summary>Throws 412 when the request's If-Match names another version. No If-Match: no check.</summary>
    public static void CheckIfMatch(HttpRequest request, int currentVersion)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch) || ifMatch.Trim() == "*")
        {
            return;
        }

        var current = For(currentVersion);
        var matches = ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => string.Equals(tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag, current, StringComparison.Ordinal));
        if (!matches)
        {
            throw new PreconditionFailedException($"If-Match {ifMatch} does not match the current version {current}.");
        }
    }
}
