using System.Security.Claims;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Geography;
using CivicGrid.Domain.Grids;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Inspection;

/// <summary>One on-site task of an inspector: verify a report (核实) or check a department's fix (核查).</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Number">Its number.</param>
/// <param name="Action">The workflow action the task asks for: <c>verify</c> or <c>check</c>.</param>
/// <param name="Status">verifying or checking.</param>
/// <param name="CategoryCode">Event category.</param>
/// <param name="CategoryName">Its Chinese name.</param>
/// <param name="CategoryNameEn">Its English name.</param>
/// <param name="Description">What was reported.</param>
/// <param name="Address">Address given, if any.</param>
/// <param name="ComponentId">The component concerned, if any.</param>
/// <param name="Longitude">WGS-84 longitude of the case.</param>
/// <param name="Latitude">WGS-84 latitude of the case.</param>
/// <param name="DistanceMetres">From the inspector's position, rounded to the metre.</param>
/// <param name="ReportedAt">When it was reported.</param>
/// <param name="DueAt">When the current stage is due.</param>
/// <param name="Photos">How many attachments the case has.</param>
/// <param name="Version">The case version (for If-Match on the transition).</param>
public sealed record InspectorTaskDto(
    Guid CaseId, string Number, string Action, CaseStatus Status, string CategoryCode, string? CategoryName, string? CategoryNameEn,
    string Description, string? Address, string? ComponentId, double Longitude, double Latitude, double DistanceMetres,
    DateTimeOffset ReportedAt, DateTimeOffset? DueAt, int Photos, int Version);

/// <summary>
/// 核实/核查任务: the cases waiting for the caller on site — reports to verify and fixes to check —
/// in their data scope (an inspector's responsibility grids), nearest first.
/// </summary>
public static class InspectorTasks
{
    /// <summary>The most tasks one answer lists.</summary>
    public const int MaxTasks = 200;

    public static async Task<IResult> HandleAsync(string? lon, string? lat, string? coordinateSystem, ClaimsPrincipal user, CivicGridDbContext db, CaseScope scope, CancellationToken ct)
    {
        var at = PositionQuery.Parse(lon, lat, coordinateSystem);
        return TypedResults.Ok(await ListAsync(db, await scope.ForAsync(user.ToActor(), ct), user.ToActor().Role, at, ct));
    }

    /// <summary>The tasks in <paramref name="access"/> that <paramref name="role"/> may perform, nearest to <paramref name="at"/> first.</summary>
    public static async Task<IReadOnlyList<InspectorTaskDto>> ListAsync(CivicGridDbContext db, CaseAccess access, Domain.Identity.Role role, LonLat at, CancellationToken ct)
    {
        // Which of the two on-site actions the role takes, from the workflow table (the guard of
        // Check, "not yet checked", is the CheckPassed condition below).
        var verify = CaseWorkflow.RuleFor(CaseAction.Verify).Roles.Contains(role);
        var check = CaseWorkflow.RuleFor(CaseAction.Check).Roles.Contains(role);
        if (!verify && !check)
        {
            return [];
        }

        var rows = await access.Apply(db.Cases.AsNoTracking())
            .Where(c => (verify && c.Status == CaseStatus.Verifying) || (check && c.Status == CaseStatus.Checking && c.CheckPassed == null))
            .Select(c => new
            {
                c.Id, c.Number, c.Status, c.CategoryCode, c.Description, c.Address, c.ComponentId, c.Longitude, c.Latitude,
                c.ReportedAt, c.CurrentDueAt, c.Version,
                Photos = db.CaseAttachments.Count(a => a.CaseId == c.Id),
            })
            .ToListAsync(ct);
        var nearest = rows
            .Select(c => (Row: c, Distance: GeoMeasure.DistanceMetres(at.Longitude, at.Latitude, c.Longitude, c.Latitude)))
            .OrderBy(x => x.Distance)
            .ThenBy(x => x.Row.ReportedAt)
            .Take(MaxTasks)
            .ToList();
        var codes = nearest.Select(x => x.Row.CategoryCode).Distinct().ToList();
        var names = await db.Categories.AsNoTracking()
            .Where(k => k.Kind == CategoryKind.Event && codes.Contains(k.Code))
            .ToDictionaryAsync(k => k.Code, k => (k.NameZh, k.NameEn), ct);
        return
        [
            .. nearest.Select(x => new InspectorTaskDto(
                x.Row.Id, x.Row.Number, CaseActions.ToApiName(x.Row.Status == CaseStatus.Verifying ? CaseAction.Verify : CaseAction.Check), x.Row.Status,
                x.Row.CategoryCode, names.GetValueOrDefault(x.Row.CategoryCode).NameZh, names.GetValueOrDefault(x.Row.CategoryCode).NameEn,
                x.Row.Description, x.Row.Address, x.Row.ComponentId, x.Row.Longitude, x.Row.Latitude, Math.Round(x.Distance),
                x.Row.ReportedAt, x.Row.CurrentDueAt, x.Row.Photos, x.Row.Version)),
        ];
    }
}
