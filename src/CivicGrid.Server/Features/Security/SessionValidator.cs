using System.Security.Claims;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Security;

/// <summary>
/// Checks on every authenticated request that the session is still good: the user exists and is
/// active, the security stamp in the token or cookie is the user's current one (a password change,
/// role change or "sign out everywhere" changes it), and the session was not revoked (logout).
/// </summary>
internal sealed class SessionValidator(CivicGridDbContext db)
{
    /// <summary>Why the session is no longer valid, or null when it is.</summary>
    public async Task<string?> RejectionAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        if (!Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return "The session names no user.";
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.IsActive, u.SecurityStamp })
            .FirstOrDefaultAsync(ct);
        if (user is null || !user.IsActive)
        {
            return "The account is disabled.";
        }

        if (!string.Equals(principal.FindFirstValue(CivicGridClaims.SecurityStamp), user.SecurityStamp, StringComparison.Ordinal))
        {
            return "The session was ended (password, role or sessions changed).";
        }

        var session = principal.FindFirstValue(CivicGridClaims.Session);
        if (string.IsNullOrEmpty(session) || await db.RevokedSessions.AnyAsync(r => r.SessionId == session, ct))
        {
            return "The session was signed out.";
        }

        return null;
    }
}
