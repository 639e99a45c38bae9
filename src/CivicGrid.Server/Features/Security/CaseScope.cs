using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Security;

/// <summary>
/// What part of the cases a user reaches (data scope), on top of the permission matrix:
/// a handler their department's cases and the cases it supports (协办), an inspector the cases in their responsibility grids, a user
/// with a district (<see cref="User.DistrictCode"/>) the cases in that district; everyone also the
/// cases they reported. Null members do not restrict.
/// </summary>
/// <param name="UserId">The user (their own reports are always in scope).</param>
/// <param name="DepartmentId">Only cases assigned to this department or supported by it (handlers).</param>
/// <param name="GridCodes">Only cases in these unit grids (inspectors).</param>
/// <param name="DistrictCode">Only cases whose street is in this district.</param>
public sealed record CaseAccess(Guid UserId, Guid? DepartmentId, IReadOnlyList<string>? GridCodes, string? DistrictCode)
{
    /// <summary>No restriction (centre staff without a district, the system).</summary>
    public bool IsUnrestricted => DepartmentId is null && GridCodes is null && DistrictCode is null;

    /// <summary>Whether one case is in scope.</summary>
    public bool Allows(Case c) =>
        IsUnrestricted || c.ReportedById == UserId
        || ((DepartmentId is not { } d || c.DepartmentId == d || c.CoHandling.Any(p => p.DepartmentId == d))
            && (GridCodes is null || GridCodes.Contains(c.GridCode, StringComparer.Ordinal))
            && (DistrictCode is null || c.StreetCode.StartsWith(DistrictCode, StringComparison.Ordinal)));

    /// <summary>Narrows a case query to the scope (translated to SQL; backed by the department, grid and street indexes).</summary>
    public IQueryable<Case> Apply(IQueryable<Case> query)
    {
        if (IsUnrestricted)
        {
            return query;
        }

        var me = UserId;
        var dept = DepartmentId;
        var grids = GridCodes;
        var district = DistrictCode;
        return query.Where(c => c.ReportedById == me
            || ((dept == null || c.DepartmentId == dept || c.CoHandling.Any(p => p.DepartmentId == dept))
                && (grids == null || grids.Contains(c.GridCode))
                && (district == null || c.StreetCode.StartsWith(district))));
    }
}

/// <summary>Works out a user's <see cref="CaseAccess"/> from their role, department, grids and district.</summary>
public sealed class CaseScope(CivicGridDbContext db)
{
    /// <summary>The scope of an actor (one or two small indexed queries).</summary>
    public async Task<CaseAccess> ForAsync(Actor actor, CancellationToken ct)
    {
        if (actor.UserId == Actor.System.UserId)
        {
            return new CaseAccess(actor.UserId, null, null, null);
        }

        var district = await db.Users.AsNoTracking().Where(u => u.Id == actor.UserId).Select(u => u.DistrictCode).FirstOrDefaultAsync(ct);
        Guid? department = actor.Role == Role.Handler ? actor.DepartmentId ?? Guid.Empty : null;
        IReadOnlyList<string>? grids = null;
        if (actor.Role == Role.Inspector)
        {
            grids = await db.ResponsibilityGrids.AsNoTracking()
                .Where(r => r.InspectorId == actor.UserId)
                .SelectMany(r => r.Members.Select(m => m.GridCode))
                .Distinct()
                .ToListAsync(ct);
        }

        return new CaseAccess(actor.UserId, department, grids, string.IsNullOrEmpty(district) ? null : district);
    }
}
