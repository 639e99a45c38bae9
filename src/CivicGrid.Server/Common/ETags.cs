using System.Globalization;

namespace CivicGrid.Server.Common;

/// <summary>Versions surfaced as strong ETags (<c>"v7"</c>) and checked against If-Match.</summary>
internal static class ETags
{
    public static string For(int version) => string.Create(CultureInfo.InvariantCulture, $"\"v{version}\"");

    /// <summary>A version no resource has: an If-Match that names none of ours never matches.</summary>
    public const int NoVersion = -1;

    /// <summary>
    /// The version a request's If-Match asks for: null without one (or with <c>*</c>): no check;
    /// <see cref="NoVersion"/> when it names no single version of ours, so the check fails with 412.
    /// </summary>
    public static int? ExpectedVersion(HttpRequest request)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch) || ifMatch.Trim() == "*")
        {
            return null;
        }

        int? expected = null;
        foreach (var raw in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var tag = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
            if (tag.Length < 4 || !tag.StartsWith("\"v", StringComparison.Ordinal) || tag[^1] != '"'
                || !int.TryParse(tag.AsSpan(2, tag.Length - 3), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                || (expected is { } other && other != version))
            {
                return NoVersion;
            }

            expected = version;
        }

        return expected ?? NoVersion;
    }

    /// <summary>Throws 412 when the request's If-Match names another version. No If-Match: no check.</summary>
    public static void CheckIfMatch(HttpRequest request, int currentVersion)
    {
        if (ExpectedVersion(request) is { } expected && expected != currentVersion)
        {
            throw new PreconditionFailedException($"If-Match {request.Headers.IfMatch} does not match the current version {For(currentVersion)}.");
        }
    }
}
