using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.WebConsole;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Intake;

/// <summary>
/// 进度查询: a case as its reporters see it by the tracking code. Unknown and malformed codes take
/// the same path (one indexed lookup) and give the same 404, so the answer tells nothing about
/// which codes exist. Only the steps a citizen cares about are listed, without names of staff,
/// departments, ids or contact details.
/// </summary>
public sealed class PublicCases(CivicGridDbContext db)
{
    /// <summary>History actions shown to the public (the rest — urges, postponements, internal checks — stay inside).</summary>
    private static readonly HashSet<string> PublicActions = new(StringComparer.Ordinal)
    {
        "report", "meToo", "file", "reject", "merge", "dispatch", "accept", "return", "feedback", "close", "rework",
        "approveSuspension", "liftSuspension", "void", "reopen", "rate", "dispute", "returnVisit",
    };

    /// <summary>The case behind a tracking code, or 404 for any code that is not one.</summary>
    public async Task<Case> FindAsync(string? trackingCode, bool tracking, CancellationToken ct)
    {
        var code = TrackingCodes.Normalize(trackingCode);
        var query = tracking ? db.Cases : db.Cases.AsNoTracking();
        return await query.FirstOrDefaultAsync(c => c.TrackingCode == code, ct)
            ?? throw new NotFoundException("No case has this tracking code.");
    }

    /// <summary>The public view of a case.</summary>
    public async Task<PublicCaseDto> ViewAsync(Case c, CancellationToken ct)
    {
        var history = await db.CaseHistory.AsNoTracking()
            .Where(h => h.CaseId == c.Id)
            .OrderBy(h => h.Sequence)
            .Select(h => new { h.Action, h.ToStatus, h.At, h.Note })
            .ToListAsync(ct);
        var category = await db.Categories.AsNoTracking()
            .Where(k => k.Kind == CategoryKind.Event && k.Code == c.CategoryCode)
            .Select(k => new { k.NameZh, k.NameEn })
            .FirstOrDefaultAsync(ct);
        var steps = history
            .Where(h => PublicActions.Contains(h.Action))
            .Select(h => new PublicStepDto(h.Action, StepName(h.Action, ConsoleText.Zh), StepName(h.Action, ConsoleText.En), h.ToStatus, h.At, h.Action == "reject" ? h.Note : null))
            .ToList();
        return new PublicCaseDto(
            c.TrackingCode, c.Number, c.Status, ConsoleText.Zh.Statuses[c.Status], ConsoleText.En.Statuses[c.Status],
            c.CategoryCode, category?.NameZh, category?.NameEn, c.Description, c.Address, c.ReportedAt, c.ClosedAt,
            c.PendingRequest == PendingRequest.ReturnVisit,
            c.Status == CaseStatus.Closed && c.PendingRequest == PendingRequest.None,
            steps);
    }

    /// <summary>The name of a history step in a language.</summary>
    public static string StepName(string action, ConsoleText text) => action switch
    {
        "report" => text.Culture == "en" ? "Reported" : "已受理",
        "meToo" => text.Culture == "en" ? "Someone else reported it too" : "又有市民反映",
        "rate" => text.Culture == "en" ? "Rated" : "已评价",
        "feedback" => text.Culture == "en" ? "Fixed (reported by the department)" : "处置完成",
        _ => CaseActions.TryParse(action, out var a) ? text.ActionNames[a] : action,
    };
}
