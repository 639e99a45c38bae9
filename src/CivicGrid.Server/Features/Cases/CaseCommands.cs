using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Privacy;
using CivicGrid.Server.Features.Calendar;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Security;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Cases;

/// <summary>
/// The case use cases, shared by the API endpoints and the console: loading and mapping here, one
/// use case per file (<c>CreateCase.cs</c>, <c>TransitionCase.cs</c>, <c>ListCases.cs</c>).
/// </summary>
public sealed partial class CaseCommands(CivicGridDbContext db, SlaPolicyProvider sla, GridLocator grids, Intake.ReportIntake intake, CaseScope scope, IRiskSignals risk, TimeProvider clock)
{
    public CivicGridDbContext Db => db;

    public TimeProvider Clock => clock;

    /// <summary>Resolves positions to unit grids.</summary>
    public GridLocator Grids => grids;

    public Task<ISlaPolicy> SlaAsync(CancellationToken ct) => sla.GetAsync(ct);

    /// <summary>Where suspicious volumes (mass transitions, report floods) are reported.</summary>
    public IRiskSignals Risk => risk;

    /// <summary>The part of the cases an actor reaches.</summary>
    public Task<CaseAccess> AccessAsync(Domain.Identity.Actor actor, CancellationToken ct) => scope.ForAsync(actor, ct);

    /// <summary>
    /// Finds a case the actor may reach (their data scope); a case outside it is answered exactly
    /// like a missing one (404), so that ids and numbers of other departments cannot be probed.
    /// </summary>
    public async Task<Case> LoadForAsync(string idOrNumber, Domain.Identity.Actor actor, bool tracking, CancellationToken ct)
    {
        var found = await LoadAsync(idOrNumber, tracking, ct);
        return (await scope.ForAsync(actor, ct)).Allows(found) ? found : throw new NotFoundException("Case", idOrNumber);
    }

    /// <summary>Finds a case by its id or its number; 404 otherwise.</summary>
    public async Task<Case> LoadAsync(string idOrNumber, bool tracking, CancellationToken ct)
    {
        var query = tracking ? db.Cases : db.Cases.AsNoTracking();
        var found = Guid.TryParse(idOrNumber, out var id)
            ? await query.FirstOrDefaultAsync(c => c.Id == id, ct)
            : await query.FirstOrDefaultAsync(c => c.Number == idOrNumber, ct);
        return found ?? throw new NotFoundException("Case", idOrNumber);
    }

    /// <summary>The full DTO of a case for a caller.</summary>
    public async Task<CaseDto> ToDtoAsync(Case c, Domain.Identity.Actor actor, CancellationToken ct)
    {
        var history = await db.CaseHistory.AsNoTracking()
            .Where(h => h.CaseId == c.Id)
            .OrderBy(h => h.Sequence)
            .Select(h => new CaseHistoryDto(h.Sequence, h.Action, h.Action, h.FromStatus, h.ToStatus, h.ActorId, h.ActorName, h.ActorRole.ToString(), h.At, h.Note, h.Details))
            .ToListAsync(ct);
        history = [.. history.Select(h => h with { ActionName = ActionName(h.Action) })];
        var attachments = await db.CaseAttachments.AsNoTracking()
            .Where(a => a.CaseId == c.Id)
            .OrderBy(a => a.UploadedAt)
            .ToListAsync(ct);
        var categoryName = await db.Categories.AsNoTracking()
            .Where(k => k.Kind == Domain.CityModel.CategoryKind.Event && k.Code == c.CategoryCode)
            .Select(k => k.NameZh)
            .FirstOrDefaultAsync(ct);
        var departmentIds = c.CoHandling.Select(p => p.DepartmentId).ToList();
        var departmentNames = departmentIds.Count == 0
            ? []
            : await db.Departments.AsNoTracking().Where(d => departmentIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.NameZh, ct);
        var assigneeName = c.AssigneeId is { } assignee
            ? await db.Users.AsNoTracking().Where(u => u.Id == assignee).Select(u => u.DisplayName).FirstOrDefaultAsync(ct)
            : null;
        var now = clock.GetUtcNow();
        return new CaseDto(
            c.Id, c.Number, c.Status, CaseStatusNames.Chinese(c.Status), c.Description, c.CategoryCode, categoryName,
            c.Urgency, c.Source, new LocationDto(c.Longitude, c.Latitude), c.Address, c.GridCode, c.CommunityCode, c.StreetCode,
            c.ComponentId, c.DepartmentId, c.AssigneeId, assigneeName,
            [.. c.CoHandling.Select(p => new CoHandlingDto(p.DepartmentId, departmentNames.GetValueOrDefault(p.DepartmentId), p.AddedAt, p.DoneAt, p.DoneByName, p.Result))],
            c.Verified, c.CheckPassed, c.PendingRequest,
            c.RequestedExtension is { } ext ? TimeLimitDto.From(ext) : null, c.DuplicateOfId,
            c.ReworkCount, c.ReturnCount, c.UrgeCount, c.CurrentStage, c.CurrentDueAt, c.CurrentWarnAt, c.LightAt(now), c.IsOverdue || c.CurrentDueAt < now,
            c.ReportedAt, c.UpdatedAt, c.ClosedAt, c.Version,

            // Masked for everyone: the full details come only from the audited reveal endpoint.
            PersonalDataMask.Mask(PersonalDataKind.Name, c.ReporterName), PersonalDataMask.Mask(PersonalDataKind.Phone, c.ReporterPhone), c.TrackingCode,
            [.. c.AllowedActionsFor(actor).Select(CaseActions.ToApiName)],
            history,
            // Stages load in no defined order on PostgreSQL (EF Core leaves the owned collection unordered): show them in time order.
            [.. c.Stages.OrderBy(s => s.StartedAt).ThenBy(s => s.Stage).Select(s => new CaseStageDto(s.Stage, TimeLimitDto.From(s.Limit), s.StartedAt, s.DueAt, s.WarningAt, s.PausedAt, s.FinishedAt, s.FinishedOnTime, s.ExtendedBy, s.TrafficLight(now)))],
            [.. attachments.Select(a => new AttachmentDto(a.Id, a.FileName, a.ContentType, a.Size, a.Sha256, a.HistorySequence, a.UploadedAt, $"/api/v1/cases/{c.Id}/attachments/{a.Id}"))]);
    }

    private static string ActionName(string action) =>
        action switch
        {
            "report" => "上报",
            "overdue" => "超时",
            _ => CaseActions.TryParse(action, out var a) ? CaseActions.ChineseName(a) : action,
        };
}
