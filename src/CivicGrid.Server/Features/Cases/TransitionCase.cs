using System.Security.Claims;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Sla;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Cases;

/// <summary>
/// One workflow step. Cross-entity checks (the department exists, the duplicate exists, the
/// attachments belong to the case) happen here; the state, role and field rules in the aggregate.
/// </summary>
public static class TransitionCase
{
    public static async Task<IResult> HandleAsync(string id, TransitionRequest request, ClaimsPrincipal user, CaseCommands commands, HttpContext http, CancellationToken ct)
    {
        if (!CaseActions.TryParse(request.Action, out var action))
        {
            throw new DomainValidationException("action", $"Unknown action '{request.Action}'. Known: {string.Join(", ", Enum.GetValues<CaseAction>().Select(CaseActions.ToApiName))}.");
        }

        var db = commands.Db;
        var actor = user.ToActor();
        var @case = await commands.LoadAsync(id, tracking: true, ct);
        ETags.CheckIfMatch(http.Request, @case.Version);

        var departmentId = request.DepartmentId;
        if (action == CaseAction.Dispatch && departmentId is null)
        {
            // No department named: the responsibility rules decide (category × street).
            var rules = await db.ResponsibilityRules.AsNoTracking().ToListAsync(ct);
            departmentId = ResponsibilityRule.Resolve(rules, request.CategoryCode ?? @case.CategoryCode, @case.StreetCode);
        }

        if (departmentId is { } dept && action == CaseAction.Dispatch && !await db.Departments.AnyAsync(d => d.Id == dept && d.IsActive, ct))
        {
            throw new DomainValidationException("departmentId", $"Department '{dept}' does not exist.");
        }

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

        var sla = await commands.SlaAsync(ct);
        @case.Apply(new CaseTransition(action)
        {
            Note = request.Note,
            DepartmentId = action == CaseAction.Dispatch ? departmentId : request.DepartmentId,
            DuplicateOfId = request.DuplicateOfId,
            Passed = request.Passed,
            Result = request.Result,
            Extension = extension,
            CategoryCode = request.CategoryCode,
            Urgency = request.Urgency,
            AttachmentIds = attachmentIds,
        }, actor, commands.Clock.GetUtcNow(), sla);
        foreach (var attachment in attachments)
        {
            attachment.HistorySequence = @case.Version;
        }

        await db.SaveChangesAsync(ct);
        http.Response.Headers.ETag = ETags.For(@case.Version);
        return Results.Ok(await commands.ToDtoAsync(@case, actor, ct));
    }
}
