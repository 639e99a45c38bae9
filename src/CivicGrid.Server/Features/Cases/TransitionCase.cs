using System.Security.Claims;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Cases;

/// <summary>A workflow step over HTTP: <c>POST /api/v1/cases/{id}/transitions</c>, If-Match checked against the version.</summary>
public static class TransitionCase
{
    public static async Task<IResult> HandleAsync(string id, TransitionRequest request, ClaimsPrincipal user, CaseCommands commands, HttpContext http, CancellationToken ct)
    {
        var dto = await commands.TransitionAsync(id, request, user.ToActor(), ETags.ExpectedVersion(http.Request), ct);
        http.Response.Headers.ETag = ETags.For(dto.Version);
        return Results.Ok(dto);
    }
}

/// <summary>
/// One workflow step. Cross-entity checks (the department exists, the duplicate exists, the
/// attachments belong to the case) happen here; the state, role and field rules in the aggregate.
/// </summary>
public sealed partial class CaseCommands
{
    /// <summary>
    /// Performs one workflow action for the actor (the API and the console both come here) and
    /// returns the case as the actor now sees it.
    /// </summary>
    /// <param name="idOrNumber">The case's id or number.</param>
    /// <param name="request">The action and its fields.</param>
    /// <param name="actor">Who acts.</param>
    /// <param name="expectedVersion">The version the caller saw; null to skip the check.</param>
    /// <param name="ct">Cancellation.</param>
    /// <exception cref="NotFoundException">No such case (404).</exception>
    /// <exception cref="PreconditionFailedException">The case is no longer at <paramref name="expectedVersion"/> (412).</exception>
    /// <exception cref="InvalidCaseTransitionException">The state does not allow the action now (409).</exception>
    /// <exception cref="CaseActionForbiddenException">The actor's role or department may not (403).</exception>
    /// <exception cref="DomainValidationException">A field is missing or wrong (400, names the field).</exception>
    public async Task<CaseDto> TransitionAsync(string idOrNumber, TransitionRequest request, Actor actor, int? expectedVersion, CancellationToken ct)
    {
        if (!CaseActions.TryParse(request.Action, out var action))
        {
            throw new DomainValidationException("action", $"Unknown action '{request.Action}'. Known: {string.Join(", ", Enum.GetValues<CaseAction>().Select(CaseActions.ToApiName))}.");
        }

        var db = Db;
        var @case = await LoadForAsync(idOrNumber, actor, tracking: true, ct);
        if (expectedVersion is { } expected && expected != @case.Version)
        {
            throw new PreconditionFailedException($"The case has changed since it was loaded (it is now at {ETags.For(@case.Version)}); reload it and try again.");
        }

        var dispatch = action == CaseAction.Dispatch ? await PlanDispatchAsync(@case, request, ct) : null;

        if (request.DuplicateOfId is { } dup && action == CaseAction.Merge && !await db.Cases.AnyAsync(c => c.Id == dup, ct))
        {
            throw new DomainValidationException("duplicateOfId", $"Case '{dup}' does not exist.");
        }

        if (request.CategoryCode is { } cat && action == CaseAction.File
            && !await db.Categories.AnyAsync(c => c.Kind == CategoryKind.Event && c.Code == cat && c.IsActive, ct))
        {
            throw new DomainValidationException("categoryCode", $"'{cat}' is not an active event category.");
        }

        var attachmentIds = request.AttachmentIds ?? [];
        var attachments = attachmentIds.Count == 0
            ? []
            : await db.CaseAttachments.Where(a => a.CaseId == @case.Id && attachmentIds.Contains(a.Id)).ToListAsync(ct);
        if (attachments.Count != attachmentIds.Distinct().Count())
        {
            throw new DomainValidationException("attachmentIds", "Every attachment must first be uploaded to this case.");
        }

        TimeLimit? extension = null;
        if (request.Extension is { } ext)
        {
            try
            {
                extension = new TimeLimit(ext.Value, ext.Unit);
            }
            catch (ArgumentException e)
            {
                throw new DomainValidationException("extension", e.Message);
            }
        }

        var sla = await SlaAsync(ct);
        @case.Apply(new CaseTransition(action)
        {
            Note = request.Note,
            DepartmentId = dispatch is null ? request.DepartmentId : dispatch.DepartmentId,
            AssigneeId = dispatch?.AssigneeId,
            CoHandlingDepartmentIds = dispatch?.CoHandlingDepartmentIds,
            Suggestion = dispatch?.Suggestion,
            Reason = request.Reason,
            DuplicateOfId = request.DuplicateOfId,
            Passed = request.Passed,
            Result = request.Result,
            Extension = extension,
            CategoryCode = request.CategoryCode,
            Urgency = request.Urgency,
            AttachmentIds = attachmentIds,
        }, actor, Clock.GetUtcNow(), sla);
        foreach (var attachment in attachments)
        {
            attachment.HistorySequence = @case.Version;
        }

        if (action == CaseAction.Merge && @case.DuplicateOfId is { } survivorId)
        {
            await LinkReportersAsync(@case, survivorId, actor, ct);
        }

        await db.SaveChangesAsync(ct);
        Risk.CaseTransitioned(actor.UserId);
        return await ToDtoAsync(@case, actor, ct);
    }

    /// <summary>
    /// 智能派遣 for a dispatch request: what the dispatcher left out comes from the planner (the
    /// suggested department, the least loaded handler of the chosen department, the suggested
    /// supporting departments); what they named is checked to exist. Whether they departed from the
    /// suggestion, and so owe a reason, the aggregate decides.
    /// </summary>
    private async Task<CaseTransition> PlanDispatchAsync(Case @case, TransitionRequest request, CancellationToken ct)
    {
        var db = Db;
        var now = Clock.GetUtcNow();
        var suggestion = await DispatchInputs.SuggestAsync(db, @case, now, ct);
        var departmentId = request.DepartmentId ?? suggestion.DepartmentId;
        if (departmentId is { } dept && !await db.Departments.AnyAsync(d => d.Id == dept && d.IsActive, ct))
        {
            throw new DomainValidationException("departmentId", $"Department '{dept}' does not exist.");
        }

        var assigneeId = request.AssigneeId;
        if (assigneeId is { } assignee)
        {
            if (!await db.Users.AnyAsync(u => u.Id == assignee && u.IsActive && u.Role == Role.Handler && u.DepartmentId == departmentId, ct))
            {
                throw new DomainValidationException("assigneeId", $"User '{assignee}' is not an active handler of the chosen department.");
            }
        }
        else if (departmentId == suggestion.DepartmentId)
        {
            assigneeId = suggestion.AssigneeId;
        }
        else if (departmentId is { } chosen && await DispatchInputs.LoadsAsync(db, chosen, now, ct) is [var freest, ..])
        {
            assigneeId = freest.UserId;
        }

        var coHandling = request.CoHandlingDepartmentIds ?? [.. suggestion.SupportingDepartmentIds.Where(d => d != departmentId)];
        var distinct = coHandling.Distinct().ToList();
        if (distinct.Count > 0 && await db.Departments.CountAsync(d => distinct.Contains(d.Id) && d.IsActive, ct) != distinct.Count)
        {
            throw new DomainValidationException("coHandlingDepartmentIds", "Every supporting department must exist and be active.");
        }

        return new CaseTransition(CaseAction.Dispatch) { DepartmentId = departmentId, AssigneeId = assigneeId, CoHandlingDepartmentIds = coHandling, Suggestion = suggestion };
    }

    /// <summary>The planner's suggestion for a case the actor may reach, with names for the console.</summary>
    public async Task<DispatchSuggestionDto> SuggestDispatchAsync(string idOrNumber, Actor actor, CancellationToken ct)
    {
        var @case = await LoadForAsync(idOrNumber, actor, tracking: false, ct);
        var s = await DispatchInputs.SuggestAsync(Db, @case, Clock.GetUtcNow(), ct);
        var ids = s.SupportingDepartmentIds.Append(s.DepartmentId ?? Guid.Empty).ToList();
        var departments = await Db.Departments.AsNoTracking().Where(d => ids.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, d => new DispatchDepartmentDto(d.Id, d.NameZh, d.NameEn), ct);
        var handlers = s.Handlers.Select(h => new HandlerLoadDto(h.UserId, h.UserName, h.DisplayName, h.Load, h.OpenCases)).ToList();
        return new DispatchSuggestionDto(
            @case.Id,
            s.DepartmentId is { } main ? departments.GetValueOrDefault(main) : null,
            [.. s.SupportingDepartmentIds.Select(d => departments.GetValueOrDefault(d)).OfType<DispatchDepartmentDto>()],
            handlers.FirstOrDefault(h => h.UserId == s.AssigneeId),
            handlers,
            s.Basis,
            s.RuleId,
            s.ReasonZh,
            s.ReasonEn);
    }

    /// <summary>
    /// 合并: everyone who reported the duplicate is linked to the surviving case (and that case's
    /// history says so), so they hear how the one problem ends; one person is linked once.
    /// </summary>
    private async Task LinkReportersAsync(Case duplicate, Guid survivorId, Actor actor, CancellationToken ct)
    {
        var reporters = await Db.CaseReporters.AsNoTracking().Where(r => r.CaseId == duplicate.Id).ToListAsync(ct);
        if (reporters.Count == 0)
        {
            return;
        }

        var survivor = await Db.Cases.FirstAsync(c => c.Id == survivorId, ct);
        if (CaseWorkflow.IsTerminal(survivor.Status))
        {
            return;
        }

        var now = Clock.GetUtcNow();
        var known = await Db.CaseReporters.AsNoTracking().Where(r => r.CaseId == survivorId).Select(r => r.SecretHash).ToListAsync(ct);
        foreach (var reporter in reporters.Where(r => !known.Contains(r.SecretHash)))
        {
            Db.CaseReporters.Add(reporter.LinkTo(Guid.CreateVersion7(now), survivorId, now));
            survivor.RecordReporterJoined(reporter.Channel, actor, now);
        }
    }
}

/// <summary>智能派遣: <c>GET /api/v1/cases/{id}/dispatch-suggestion</c>, the department, supporting departments and handler the planner proposes, and why.</summary>
public static class GetDispatchSuggestion
{
    public static async Task<IResult> HandleAsync(string id, ClaimsPrincipal user, CaseCommands commands, CancellationToken ct) =>
        Results.Ok(await commands.SuggestDispatchAsync(id, user.ToActor(), ct));
}
