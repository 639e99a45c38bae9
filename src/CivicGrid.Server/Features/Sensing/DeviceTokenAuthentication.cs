using System.Security.Claims;
using System.Text.Encodings.Web;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// Devices authenticate over HTTP with their token, in the <c>X-Device-Token</c> header or as
/// <c>Authorization: Bearer &lt;token&gt;</c> (device tokens start with <c>cgd_</c>, so they never
/// collide with the users' bearer tokens). The token's SHA-256 is looked up; a retired device's
/// token is refused.
/// </summary>
public sealed class DeviceTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, CivicGridDbContext db, SensingMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "device-token";
    public const string PolicyName = "device";
    public const string HeaderName = "X-Device-Token";
    public const string DeviceIdClaim = "civicgrid:device";
    public const string DeviceTypeClaim = "civicgrid:device-type";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(token))
        {
            var authorization = Request.Headers.Authorization.ToString();
            if (authorization.StartsWith("Bearer cgd_", StringComparison.OrdinalIgnoreCase))
            {
                token = authorization["Bearer ".Length..].Trim();
            }
        }

        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var hash = Device.HashToken(token);
        var device = await db.Devices.AsNoTracking()
            .Where(d => d.TokenHash == hash && d.State != DeviceState.Retired)
            .Select(d => new { d.Id, d.Type })
            .FirstOrDefaultAsync(Context.RequestAborted);
        if (device is null)
        {
            metrics.Rejected("http", "badToken");
            return AuthenticateResult.Fail("Unknown or retired device token.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, device.Id), new Claim(DeviceIdClaim, device.Id), new Claim(DeviceTypeClaim, device.Type), new Claim(ClaimTypes.Role, nameof(Domain.Identity.Role.Device))],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        WriteAsync(401, "Unauthorized", $"A valid device token is required in the {HeaderName} header (or Authorization: Bearer <token>).");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteAsync(403, "Forbidden", "This device may not do that.");

    private Task WriteAsync(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(Context);
}
