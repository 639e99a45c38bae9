using System.Security.Claims;
using CivicGrid.Domain.Common;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Cases;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.PersonalData;

/// <summary>Why a user asks to see a reporter's details (kept in the audit trail).</summary>
public sealed record RevealRequest(string? Reason);

/// <summary>A case's reporter in full, and the contact details an Open311 app passed on.</summary>
public sealed record ReporterDto(Guid CaseId, string Number, string? ReporterName, string? ReporterPhone, string? Email, string? AccountId, string? DeviceId);

/// <summary>POST /api/v1/cases/{id}/reporter/reveal.</summary>
internal static class RevealReporter
{
    public const int MaxReasonLength = 500;

    public static async Task<IResult> HandleAsync(
        string id, RevealRequest? request, ClaimsPrincipal user, CaseCommands cases, IPersonalDataReadObserver observer, CancellationToken ct) =>
        Results.Ok(await RevealAsync(id, request?.Reason, user.ToActor(), user.Identity?.Name ?? string.Empty, cases, observer, ct));

    /// <summary>
    /// A case's reporter in full for an actor who may see the case (its data scope), written to the
    /// audit trail with the reason and counted by the risk warnings; the API and the console both
    /// come here.
    /// </summary>
    public static async Task<ReporterDto> RevealAsync(
        string id, string? reason, Domain.Identity.Actor actor, string userName, CaseCommands cases, IPersonalDataReadObserver observer, CancellationToken ct)
    {
        reason = reason?.Trim();
        if (reason is { Length: > MaxReasonLength })
        {
            throw new DomainValidationException("reason", $"The reason is longer than {MaxReasonLength} characters.");
        }

        var db = cases.Db;
        var c = await cases.LoadForAsync(id, actor, tracking: false, ct);
        var submission = await db.Set<Open311Submission>().AsNoTracking()
            .Where(s => s.CaseId == c.Id)
            .Select(s => new { s.Email, s.AccountId, s.DeviceId })
            .FirstOrDefaultAsync(ct);

        db.Record(AuditActions.PersonalDataRead, nameof(Domain.Cases.Case), c.Id.ToString(), new { c.Number, reason });
        await db.SaveChangesAsync(ct);

        await observer.OnReadAsync(new PersonalDataRead(actor.UserId, userName, actor.Role.ToString(), "case", 1, cases.Clock.GetUtcNow()), ct);
        return new ReporterDto(c.Id, c.Number, c.ReporterName, c.ReporterPhone, submission?.Email, submission?.AccountId, submission?.DeviceId);
    }
}
