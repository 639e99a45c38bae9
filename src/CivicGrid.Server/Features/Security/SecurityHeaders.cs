using System.Security.Cryptography;
using CivicGrid.Server.Features.WebConsole;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Security;

/// <summary>
/// Security headers on every response: a Content-Security-Policy (strict for the APIs, one the
/// Blazor console with MudBlazor and Leaflet runs under for pages), nosniff, no framing, a strict
/// referrer policy and no powerful browser features.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next, IOptions<ConsoleOptions> console)
{
    /// <summary>The key under which a page finds its per-request script nonce (for the import map).</summary>
    public const string NonceItem = "civicgrid.csp-nonce";

    private readonly string _tileSource = TileSource(console.Value.TileUrl);

    public Task InvokeAsync(HttpContext http)
    {
        // Hex, not base64: "+" and "/" would be HTML-encoded in the page's attribute (harmless to browsers, confusing to readers).
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        http.Items[NonceItem] = nonce;
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self), payment=(), usb=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = PolicyFor(http.Request.Path, nonce);
            return Task.CompletedTask;
        });
        return next(http);
    }

    private string PolicyFor(PathString path, string nonce)
    {
        if (path.StartsWithSegments("/api", StringComparison.Ordinal) || path.StartsWithSegments("/open311", StringComparison.Ordinal)
            || path.StartsWithSegments("/openapi", StringComparison.Ordinal) || path.StartsWithSegments("/health", StringComparison.Ordinal))
        {
            // Data, never a document: nothing may load or run, nothing may frame it.
            return "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
        }

        if (path.StartsWithSegments("/docs", StringComparison.Ordinal))
        {
            // The Scalar API reference renders its own inline styles and scripts.
            return "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
        }

        // The console: scripts only from here (plus the import map, by nonce); MudBlazor sets inline
        // styles, so style-src allows them; the circuit's WebSocket is same-origin; map tiles come
        // from the configured tile server.
        return "default-src 'self'; " +
               $"script-src 'self' 'nonce-{nonce}'; " +
               "style-src 'self' 'unsafe-inline'; " +
               $"img-src 'self' data: blob:{_tileSource}; " +
               "font-src 'self' data:; " +
               "connect-src 'self'; " +
               "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";
    }

    /// <summary>" https://tiles.example.org" for a configured tile URL template, or empty.</summary>
    internal static string TileSource(string? tileUrl)
    {
        if (string.IsNullOrWhiteSpace(tileUrl))
        {
            return string.Empty;
        }

        // {s}.tile.example.org → *.tile.example.org; other placeholders are in the path or query.
        var host = tileUrl.Replace("{s}", "a", StringComparison.Ordinal);
        if (!Uri.TryCreate(host.Replace("{", string.Empty, StringComparison.Ordinal).Replace("}", string.Empty, StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return string.Empty;
        }

        var authority = tileUrl.Contains("{s}", StringComparison.Ordinal) ? "*" + uri.Authority[1..] : uri.Authority;
        return " " + uri.Scheme + "://" + authority;
    }
}

/// <summary>
/// Request body limits: the endpoint's <see cref="IRequestSizeLimitMetadata"/> or
/// <see cref="SecurityOptions.MaxRequestBodyBytes"/>. A declared length over the limit is refused
/// at once with a 413 ProblemDetails; a chunked body is cut off by the server at the same limit.
/// </summary>
internal sealed class RequestBodyLimit(RequestDelegate next, IOptions<SecurityOptions> options)
{
    public Task InvokeAsync(HttpContext http)
    {
        var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize
                    ?? options.Value.MaxRequestBodyBytes;
        if (http.Request.ContentLength is { } length && length > limit)
        {
            return Results.Problem(statusCode: 413, title: "Request too large",
                detail: $"The body has {length} bytes; this endpoint accepts at most {limit}.",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["body"] = ["too large"] } })
                .ExecuteAsync(http);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        return next(http);
    }
}

/// <summary>An endpoint's own body limit (uploads and imports take more than the default).</summary>
internal sealed class RequestBodyLimitMetadata(long bytes) : IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = bytes;
}

/// <summary>Declaring an endpoint's body limit.</summary>
public static class RequestBodyLimits
{
    /// <summary>Accept bodies up to <paramref name="bytes"/> on this endpoint instead of <see cref="SecurityOptions.MaxRequestBodyBytes"/>.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimitMetadata(bytes));
}
