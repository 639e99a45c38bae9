using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Security;

/// <summary>
/// Rate limits on the public surface (Microsoft.AspNetCore.RateLimiting, fixed windows):
/// sign-in per IP address, Open311 submissions per API client and per IP, the <c>public-submit</c>
/// policy for anonymous citizen reports per IP, and every other anonymous API call per IP.
/// A refused request gets a 429 ProblemDetails with <c>Retry-After</c>.
/// </summary>
public static class RateLimits
{
    /// <summary>Sign-in endpoints.</summary>
    public const string Login = "login";

    /// <summary>Open311 POSTs (per client key and per IP).</summary>
    public const string Open311Submit = "open311-submit";

    /// <summary>Anonymous citizen reports (per IP): <c>.RequireRateLimiting(RateLimits.PublicSubmit)</c>.</summary>
    public const string PublicSubmit = "public-submit";

    internal const string ClientKeyItem = "civicgrid.client-key";

    internal static void AddCivicGridRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SecurityOptions>>((o, security) =>
        {
            var s = security.Value;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RejectAsync;
            o.AddPolicy(Login, http => Fixed("login|" + Ip(http), s.Login));
            o.AddPolicy(PublicSubmit, http => Fixed("submit|" + Ip(http), s.PublicSubmit));
            o.AddPolicy(Open311Submit, http => http.Items[ClientKeyItem] is string key
                ? Fixed("311|" + key, s.Open311Submit)
                : Fixed("311|" + Ip(http), s.Open311Submit));
            // Anonymous calls to the APIs, per IP; staff (authenticated) and health probes are not limited here.
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => IsPublicApiCall(http)
                    ? Fixed("public|" + Ip(http), s.PublicRead)
                    : RateLimitPartition.GetNoLimiter(string.Empty)),
                // The console's sign-in form shares the sign-in bucket of the API.
                PartitionedRateLimiter.Create<HttpContext, string>(http => HttpMethods.IsPost(http.Request.Method) && http.Request.Path.Equals("/login", StringComparison.OrdinalIgnoreCase)
                    ? Fixed("login|" + Ip(http), s.Login)
                    : RateLimitPartition.GetNoLimiter(string.Empty)),
                // The per-IP ceiling on Open311 submissions, whatever key they carry.
                PartitionedRateLimiter.Create<HttpContext, string>(http => HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments("/open311", StringComparison.Ordinal)
                    ? Fixed("311ip|" + Ip(http), s.Open311Submit)
                    : RateLimitPartition.GetNoLimiter(string.Empty)));
        });
    }

    /// <summary>
    /// Finds the Open311 client key (query or form field <c>api_key</c>) before the limiter runs;
    /// the form is read once and stays buffered for the endpoint.
    /// </summary>
    internal static async Task ProbeClientKeyAsync(HttpContext http, Func<Task> next)
    {
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.Path.StartsWithSegments("/open311", StringComparison.Ordinal))
        {
            string? key = http.Request.Query["api_key"];
            if (string.IsNullOrEmpty(key) && http.Request.HasFormContentType)
            {
                try
                {
                    key = (await http.Request.ReadFormAsync(http.RequestAborted))["api_key"];
                }
                catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
                {
                    // A malformed form: the endpoint answers it; the limiter falls back to the address.
                }
            }

            if (!string.IsNullOrEmpty(key))
            {
                http.Items[ClientKeyItem] = key.Length > 64 ? key[..64] : key;
            }
        }

        await next();
    }

    private static bool IsPublicApiCall(HttpContext http) =>
        http.User.Identity?.IsAuthenticated != true
        && (http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || http.Request.Path.StartsWithSegments("/open311", StringComparison.Ordinal));

    private static RateLimitPartition<string> Fixed(string key, RateLimit limit) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static string Ip(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? (int)Math.Ceiling(retryAfter.TotalSeconds)
            : 60;
        http.Response.Headers.RetryAfter = Math.Max(1, seconds).ToString(CultureInfo.InvariantCulture);
        await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
            detail: $"Too many requests from this client; try again in {Math.Max(1, seconds)} seconds. 请求过于频繁，请稍后再试。")
            .ExecuteAsync(http);
    }
}
