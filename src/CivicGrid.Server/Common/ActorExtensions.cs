using System.Globalization;
using System.Security.Claims;
using CivicGrid.Domain.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace CivicGrid.Server.Common;

/// <summary>Claims of a signed-in CivicGrid user.</summary>
internal static class CivicGridClaims
{
    public const string Department = "civicgrid:department";

    /// <summary>The user's security stamp when the session began (sessions end when it changes).</summary>
    public const string SecurityStamp = "civicgrid:stamp";

    /// <summary>The session id (also the bearer token's <c>jti</c>): what logout revokes.</summary>
    public const string Session = "civicgrid:session";

    /// <summary>When the session began (Unix seconds): the absolute session lifetime counts from it.</summary>
    public const string AuthTime = "civicgrid:auth-time";

    /// <summary>The claims issued at sign-in, for both the cookie and the bearer token.</summary>
    public static List<Claim> For(User user, string sessionId, DateTimeOffset authTime)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString()),
            new(ClaimTypes.Name, user.UserName),
            new(ClaimTypes.GivenName, user.DisplayName),
            new(ClaimTypes.Role, user.Role.ToString()),
            new(SecurityStamp, user.SecurityStamp),
            new(Session, sessionId),
            new(AuthTime, authTime.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64),
        };
        if (user.DepartmentId is { } d)
        {
            claims.Add(new Claim(Department, d.ToString()));
        }

        return claims;
    }

    /// <summary>The principal the console's sign-in cookie carries (the API's <c>auth/login</c> and the console's sign-in page both use it).</summary>
    public static ClaimsPrincipal CookiePrincipal(User user, DateTimeOffset now) =>
        new(new ClaimsIdentity(For(user, NewSessionId(), now), CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>A new random session id.</summary>
    public static string NewSessionId() => Guid.NewGuid().ToString("N");

    /// <summary>The actor behind a request; throws when the principal is not a CivicGrid user.</summary>
    public static Actor ToActor(this ClaimsPrincipal principal)
    {
        var id = Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No user id claim."));
        var role = Enum.Parse<Role>(principal.FindFirstValue(ClaimTypes.Role) ?? nameof(Role.Citizen));
        var dept = principal.FindFirstValue(Department) is { } d ? Guid.Parse(d) : (Guid?)null;
        var name = principal.FindFirstValue(ClaimTypes.GivenName) ?? principal.Identity?.Name ?? id.ToString("N", CultureInfo.InvariantCulture);
        return new Actor(id, name, role, dept);
    }
}
