using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Open311;

/// <summary>
/// How cases read as Open311 service requests. Only public facts leave: never the reporter's name,
/// phone or e-mail, nor staff names; step notes only where they are the answer a citizen is owed
/// (why a report was not accepted, voided or reopened, what the department did).
/// </summary>
internal static class RequestViews
{
    /// <summary>open = the loop still runs; closed = Closed, Rejected, Merged or Voided.</summary>
    public static string StatusOf(CaseStatus status) => CaseWorkflow.IsTerminal(status) ? "closed" : "open";

    public static IReadOnlyList<CaseStatus> StatusesFor(string open311Status) =>
        [.. Enum.GetValues<CaseStatus>().Where(s => string.Equals(StatusOf(s), open311Status, StringComparison.Ordinal))];

    public static string StatusName(CaseStatus status, bool english) => status switch
    {
        CaseStatus.Reported => english ? "Received" : "已受理，待立案",
        CaseStatus.Verifying => english ? "Being verified on site" : "现场核实中",
        CaseStatus.Filed => english ? "Accepted, awaiting dispatch" : "已立案，待派遣",
        CaseStatus.Dispatched => english ? "Dispatched to the responsible department" : "已派遣至责任部门",
        CaseStatus.Handling => english ? "Being fixed" : "处置中",
        CaseStatus.Suspended => english ? "Suspended: cannot be fixed for now" : "挂账：暂时无法处置",
        CaseStatus.Checking => english ? "Fix reported, being checked on site" : "已处置，待核查",
        CaseStatus.Closed => english ? "Fixed and closed" : "已结案",
        CaseStatus.Rejected => english ? "Not accepted" : "不予立案",
        CaseStatus.Merged => english ? "Duplicate of another request" : "重复问题，已合并",
        CaseStatus.Voided => english ? "Voided" : "已作废",
        _ => status.ToString(),
    };

    /// <summary>FixMyStreet's extended update status (lower case) for a step that led to a state.</summary>
    public static string UpdateStatus(string action, CaseStatus to) =>
        action == "reopen" ? "reopen" : to switch
        {
            CaseStatus.Reported => "open",
            CaseStatus.Verifying => "investigating",
            CaseStatus.Filed or CaseStatus.Dispatched => "action_scheduled",
            CaseStatus.Handling or CaseStatus.Checking => "in_progress",
            CaseStatus.Suspended => "planned",
            CaseStatus.Closed => "fixed",
            CaseStatus.Rejected => "no_further_action",
            CaseStatus.Merged => "duplicate",
            CaseStatus.Voided => "cancelled",
            _ => "open",
        };

    public static string ActionName(string action, bool english)
    {
        if (action == "report")
        {
            return english ? "Reported" : "上报";
        }

        if (action == "overdue")
        {
            return english ? "Time limit passed" : "超时";
        }

        if (!CaseActions.TryParse(action, out var parsed))
        {
            return action;
        }

        if (!english)
        {
            return CaseActions.ChineseName(parsed);
        }

        var words = System.Text.RegularExpressions.Regex.Replace(action, "(?<=[a-z])([A-Z])", " $1").ToLowerInvariant();
        return char.ToUpperInvariant(words[0]) + words[1..];
    }

    /// <summary>The part of a step a citizen may read: the reason of a refusal, void or reopening; the result of a fix.</summary>
    public static string? PublicNote(string action, string? note, string? details)
    {
        if (action is "reject" or "void" or "reopen")
        {
            return note;
        }

        if (action == "feedback" && details is not null)
        {
            try
            {
                using var doc = JsonDocument.Parse(details);
                return doc.RootElement.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>The columns a request is made of.</summary>
    public sealed record Row(
        Guid Id,
        string Number,
        CaseStatus Status,
        string CategoryCode,
        string Description,
        Guid? DepartmentId,
        DateTimeOffset ReportedAt,
        DateTimeOffset UpdatedAt,
        DateTimeOffset? CurrentDueAt,
        string? Address,
        double Longitude,
        double Latitude,
        string GridCode,
        string CommunityCode,
        string StreetCode,
        CaseSource Source,
        Urgency Urgency,
        Guid? DuplicateOfId);

    public static IQueryable<Row> Project(IQueryable<Case> cases) =>
        cases.Select(c => new Row(c.Id, c.Number, c.Status, c.CategoryCode, c.Description, c.DepartmentId, c.ReportedAt, c.UpdatedAt,
            c.CurrentDueAt, c.Address, c.Longitude, c.Latitude, c.GridCode, c.CommunityCode, c.StreetCode, c.Source, c.Urgency, c.DuplicateOfId));

    /// <summary>Builds the request elements for these rows, loading the names, media and (with extensions) history they need.</summary>
    public static async Task<List<object?>> BuildAsync(
        CivicGridDbContext db, IReadOnlyList<Row> rows, bool english, bool extensions, string baseUrl, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(r => r.Id).ToList();
        var categories = await db.Categories.AsNoTracking().Where(c => c.Kind == CategoryKind.Event)
            .ToDictionaryAsync(c => c.Code, c => new Bilingual(c.NameZh, c.NameEn), StringComparer.Ordinal, ct);
        var departmentIds = rows.Where(r => r.DepartmentId is not null).Select(r => r.DepartmentId!.Value).Distinct().ToList();
        var departments = await db.Departments.AsNoTracking().Where(d => departmentIds.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, d => new Bilingual(d.NameZh, d.NameEn), ct);
        var communityCodes = rows.Select(r => r.CommunityCode).Distinct().ToList();
        var communities = await db.Communities.AsNoTracking().Where(c => communityCodes.Contains(c.Code))
            .Select(c => new { c.Code, c.NameZh, c.NameEn })
            .ToDictionaryAsync(c => c.Code, c => new Bilingual(c.NameZh, c.NameEn), StringComparer.Ordinal, ct);
        var streetCodes = rows.Select(r => r.StreetCode).Distinct().ToList();
        var streets = await db.Streets.AsNoTracking().Where(s => streetCodes.Contains(s.Code))
            .Select(s => new { s.Code, s.NameZh, s.NameEn })
            .ToDictionaryAsync(s => s.Code, s => new Bilingual(s.NameZh, s.NameEn), StringComparer.Ordinal, ct);
        var submissions = await db.Set<Open311Submission>().AsNoTracking().Where(s => ids.Contains(s.CaseId))
            .Select(s => new { s.CaseId, s.MediaAttachmentId, s.MediaUrl, s.AttributesJson, s.CoordinateSystem })
            .ToDictionaryAsync(s => s.CaseId, ct);
        var duplicateIds = rows.Where(r => r.DuplicateOfId is not null).Select(r => r.DuplicateOfId!.Value).Distinct().ToList();
        var duplicates = await db.Cases.AsNoTracking().Where(c => duplicateIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Number, ct);

        // The reasons behind terminal states (a refusal, a void) are owed to the reporter.
        var terminalIds = rows.Where(r => CaseWorkflow.IsTerminal(r.Status)).Select(r => r.Id).ToList();
        var reasons = (await db.CaseHistory.AsNoTracking()
                .Where(h => terminalIds.Contains(h.CaseId) && (h.Action == "reject" || h.Action == "void"))
                .Select(h => new { h.CaseId, h.Sequence, h.Note })
                .ToListAsync(ct))
            .GroupBy(h => h.CaseId)
            .ToDictionary(g => g.Key, g => g.MaxBy(h => h.Sequence)!.Note);

        Dictionary<Guid, List<CaseHistoryEntry>> history = [];
        Dictionary<Guid, List<Open311Update>> comments = [];
        if (extensions)
        {
            history = (await db.CaseHistory.AsNoTracking().Where(h => ids.Contains(h.CaseId)).ToListAsync(ct))
                .GroupBy(h => h.CaseId)
                .ToDictionary(g => g.Key, g => g.OrderBy(h => h.Sequence).ToList());
            comments = (await db.Set<Open311Update>().AsNoTracking().Where(u => ids.Contains(u.CaseId)).ToListAsync(ct))
                .GroupBy(u => u.CaseId)
                .ToDictionary(g => g.Key, g => g.OrderBy(u => u.ReceivedAt).ThenBy(u => u.Id).ToList());
        }

        var result = new List<object?>(rows.Count);
        foreach (var r in rows)
        {
            var submission = submissions.GetValueOrDefault(r.Id);
            var statusNotes = StatusName(r.Status, english);
            if (r.Status == CaseStatus.Merged && r.DuplicateOfId is { } dup && duplicates.TryGetValue(dup, out var dupNumber))
            {
                statusNotes += english ? $": see {dupNumber}" : $"：见 {dupNumber}";
            }
            else if (reasons.TryGetValue(r.Id, out var reason) && !string.IsNullOrWhiteSpace(reason))
            {
                statusNotes += (english ? ": " : "：") + reason;
            }

            var community = communities.GetValueOrDefault(r.CommunityCode);
            var street = streets.GetValueOrDefault(r.StreetCode);
            var place = string.Join(", ", new[] { community.For(english), street.For(english) }.Where(s => !string.IsNullOrEmpty(s)));
            var mediaUrl = submission?.MediaAttachmentId is { } attachmentId
                ? $"{baseUrl}/media/{attachmentId:N}"
                : submission?.MediaUrl;
            var request = new O311Object
            {
                { "service_request_id", r.Number },
                { "status", StatusOf(r.Status) },
                { "status_notes", statusNotes },
                { "service_name", categories.TryGetValue(r.CategoryCode, out var name) ? name.For(english) : null },
                { "service_code", r.CategoryCode },
                { "description", r.Description },
                { "agency_responsible", r.DepartmentId is { } d && departments.TryGetValue(d, out var dept) ? dept.For(english) : null },
                { "service_notice", null },
                { "requested_datetime", r.ReportedAt },
                { "updated_datetime", r.UpdatedAt },
                { "expected_datetime", r.CurrentDueAt },
                { "address", string.IsNullOrWhiteSpace(r.Address) ? (place.Length > 0 ? place : null) : r.Address },
                { "address_id", r.GridCode },
                { "zipcode", null },
                { "lat", Math.Round(r.Latitude, 7) },
                { "long", Math.Round(r.Longitude, 7) },
                { "media_url", mediaUrl },
            };
            if (extensions)
            {
                var steps = history.GetValueOrDefault(r.Id) ?? [];
                request.Add("attributes", Attributes(r.CategoryCode, submission?.AttributesJson, english));
                request.Add("extended_attributes", new O311Object
                {
                    { "channel", r.Source.ToString().ToLowerInvariant() },
                    { "case_status", JsonNamingPolicy.CamelCase.ConvertName(r.Status.ToString()) },
                    { "case_status_name", StatusName(r.Status, english) },
                    { "urgency", JsonNamingPolicy.CamelCase.ConvertName(r.Urgency.ToString()) },
                    { "grid_code", r.GridCode },
                    { "community_code", r.CommunityCode },
                    { "community_name", community.For(english) },
                    { "street_code", r.StreetCode },
                    { "street_name", street.For(english) },
                    { "coordinate_system", "WGS84" },
                    { "submitted_coordinate_system", submission?.CoordinateSystem },
                    {
                        "history_steps", new O311List("history_step", [.. steps.Select(h => (object?)new O311Object
                        {
                            { "step", h.Sequence },
                            { "action", h.Action },
                            { "action_name", ActionName(h.Action, english) },
                            { "status", JsonNamingPolicy.CamelCase.ConvertName(h.ToStatus.ToString()) },
                            { "datetime", h.At },
                            { "note", PublicNote(h.Action, h.Note, h.Details) },
                        })])
                    },
                });
                request.Add("notes", Notes(steps, comments.GetValueOrDefault(r.Id) ?? [], english));
            }

            result.Add(request);
        }

        return result;
    }

    /// <summary>Chicago/SF-style <c>notes</c>: every step, and the updates clients posted, in time order.</summary>
    private static O311List Notes(List<CaseHistoryEntry> steps, List<Open311Update> comments, bool english)
    {
        var notes = steps.Select(h => (At: h.At, Note: new O311Object
            {
                { "datetime", h.At },
                { "type", h.Action == "report" ? "submitted" : h.Action },
                { "summary", ActionName(h.Action, english) },
                { "description", PublicNote(h.Action, h.Note, h.Details) ?? StatusName(h.ToStatus, english) },
            }))
            .Concat(comments.Select(u => (At: u.ReceivedAt, Note: new O311Object
            {
                { "datetime", u.UpdatedAt },
                { "type", "comment" },
                { "summary", english ? "Update from the reporter" : "市民补充" },
                { "description", u.Description },
            })))
            .OrderBy(n => n.At)
            .Select(n => (object?)n.Note)
            .ToList();
        return new O311List("note", notes);
    }

    /// <summary>SF-style <c>attributes</c>: the answers given, with the question as label and the option's name.</summary>
    private static O311List Attributes(string serviceCode, string? json, bool english)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new O311List("attribute", []);
        }

        var answers = JsonSerializer.Deserialize<Dictionary<string, string[]>>(json) ?? [];
        var items = new List<object?>();
        foreach (var definition in ServiceCatalog.AttributesFor(serviceCode))
        {
            if (!answers.TryGetValue(definition.Code, out var values) || values.Length == 0)
            {
                continue;
            }

            foreach (var value in values)
            {
                items.Add(new O311Object
                {
                    { "label", definition.Description.For(english) },
                    { "name", definition.Values.FirstOrDefault(v => string.Equals(v.Key, value, StringComparison.Ordinal))?.Name.For(english) ?? value },
                    { "value", value },
                    { "code", definition.Code },
                });
            }
        }

        return new O311List("attribute", items);
    }
}
