using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Open311;

/// <summary>
/// FixMyStreet's servicerequestupdates extension. GET lists the steps of cases (their history)
/// made in a window, as updates with FixMyStreet's extended statuses; POST takes a citizen's update
/// (a comment, optionally with photos) on a request, once per client update id.
/// </summary>
internal static class ServiceRequestUpdates
{
    /// <summary>The statuses FixMyStreet posts, upper case.</summary>
    public static readonly IReadOnlySet<string> PostedStatuses = new HashSet<string>(StringComparer.Ordinal)
    {
        "OPEN", "CLOSED", "FIXED", "IN_PROGRESS", "ACTION_SCHEDULED", "INVESTIGATING", "DUPLICATE", "NOT_COUNCILS_RESPONSIBILITY",
        "NO_FURTHER_ACTION", "INTERNAL_REFERRAL", "FOR_TRIAGE", "CANCELLED", "REOPEN", "PLANNED", "UNCHANGED",
    };

    private static readonly string[] RequiredForUpdate = ["service_request_id", "update_id", "status", "updated_datetime", "description"];

    public static async Task<IResult> ListAsync(string format, HttpContext http, CivicGridDbContext db, IOptions<Open311Options> options, TimeProvider clock, CancellationToken ct)
    {
        var fmt = Open311Writer.Parse(format);
        var english = Open311Locale.IsEnglish(http.Request);
        var p = await Open311Parameters.ReadAsync(http.Request, withBody: false, ct);
        Open311Feature.CheckJurisdiction(p, options.Value);
        var page = p.Int("page", 1, 1_000_000) ?? 1;
        var pageSize = p.Int("page_size", 1, GetRequests.MaxResults) ?? GetRequests.MaxResults;
        var (start, end) = GetRequests.Window(p, clock.GetUtcNow(), defaultWindow: true);

        var steps = db.CaseHistory.AsNoTracking();
        if (start is { } from)
        {
            var utc = from.ToUniversalTime();
            steps = steps.Where(h => h.At >= utc);
        }

        if (end is { } to)
        {
            var utc = to.ToUniversalTime();
            steps = steps.Where(h => h.At <= utc);
        }

        var rows = await steps
            .Join(db.Cases, h => h.CaseId, c => c.Id, (h, c) => new { c.Number, h.Id, h.Sequence, h.Action, h.ToStatus, h.At, h.Note, h.Details })
            .OrderBy(x => x.At).ThenBy(x => x.Id)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .ToListAsync(ct);
        var items = rows.Select(r =>
        {
            var note = RequestViews.PublicNote(r.Action, r.Note, r.Details);
            var name = RequestViews.ActionName(r.Action, english);
            return (object?)new O311Object
            {
                { "update_id", $"{r.Number}-{r.Sequence}" },
                { "service_request_id", r.Number },
                { "status", RequestViews.UpdateStatus(r.Action, r.ToStatus) },
                { "updated_datetime", r.At },
                { "description", note is null ? name : $"{name}{(english ? ": " : "：")}{note}" },
                { "media_url", null },
                { "external_status_code", JsonNamingPolicy.CamelCase.ConvertName(r.ToStatus.ToString()) },
            };
        }).ToList();
        return new Open311Result(new O311Reply("service_request_updates", new O311List("request_update", items)), fmt);
    }

    public static async Task<IResult> PostAsync(
        string format,
        HttpContext http,
        CivicGridDbContext db,
        AttachmentStore store,
        IOptions<AttachmentOptions> attachmentOptions,
        IOptions<Open311Options> options,
        TimeProvider clock,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        var fmt = Open311Writer.Parse(format);
        var logger = loggers.CreateLogger(Open311Log.Category);
        var p = await Open311Parameters.ReadAsync(http.Request, withBody: true, ct);
        var client = await ApiKeys.FindAsync(db, p.Get("api_key"), ct)
            ?? throw ApiKeys.Refused(logger, p.Get("api_key"), "post_service_request_update");
        Audit.AuditAttribution.ActAs(http, client.Id, client.Name, "api-client");
        Open311Feature.CheckJurisdiction(p, options.Value);

        var missing = RequiredForUpdate
            .Where(name => p.Get(name) is null)
            .Select(name => new Open311Error(400, $"{name}: this argument is required."))
            .ToList();
        if (missing.Count > 0)
        {
            throw new Open311Exception(400, missing);
        }

        var number = p.Required("service_request_id");
        var externalId = p.Bounded("update_id", 100)!;
        var status = p.Required("status").ToUpperInvariant().Replace(' ', '_');
        if (!PostedStatuses.Contains(status))
        {
            throw Open311Exception.BadRequest($"status: '{p.Get("status")}' is not one of {string.Join(", ", PostedStatuses)}.");
        }

        var updatedAt = p.Instant("updated_datetime")!.Value.ToUniversalTime();
        var description = p.Required("description");
        PostRequest.CheckPlainText("description", description, 4000);
        var mediaUrl = p.Bounded("media_url", 1000);
        if (mediaUrl is not null && (!Uri.TryCreate(mediaUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw Open311Exception.BadRequest($"media_url: '{mediaUrl}' is not an absolute http(s) URL.");
        }

        var @case = await db.Cases.AsNoTracking().Where(c => c.Number == number).Select(c => new { c.Id, c.Number }).FirstOrDefaultAsync(ct)
            ?? throw Open311Exception.NotFound($"Service request '{number}' was not found.");

        var updates = db.Set<Open311Update>();
        var earlier = await updates.AsNoTracking().FirstOrDefaultAsync(u => u.ApiClientId == client.Id && u.ExternalId == externalId, ct);
        if (earlier is not null)
        {
            // A retry of the same update: the first answer again, nothing stored twice.
            return Reply(earlier.Id, fmt);
        }

        var media = PostRequest.CheckedMedia(p.Form, attachmentOptions.Value.MaxBytes);
        var now = clock.GetUtcNow();
        string? storedKey = null;
        try
        {
            var update = new Open311Update
            {
                CaseId = @case.Id,
                ApiClientId = client.Id,
                ExternalId = externalId,
                Status = status,
                Description = description,
                UpdatedAt = updatedAt,
                ReceivedAt = now,
                Email = p.Bounded("email", 254),
                Phone = p.Bounded("phone", 40),
                FirstName = p.Bounded("first_name", 100),
                LastName = p.Bounded("last_name", 100),
                MediaUrl = mediaUrl,
            };
            if (media.Count > 0)
            {
                var (file, contentType) = media[0];
                await using var s = file.OpenReadStream();
                var (key, sha) = await store.SaveAsync(s, now, ct);
                storedKey = key;
                var attachment = new CaseAttachment
                {
                    CaseId = @case.Id,
                    FileName = PostRequest.CleanName(file.FileName, contentType),
                    ContentType = contentType,
                    Size = file.Length,
                    Sha256 = sha,
                    StorageKey = key,
                    UploadedById = client.Id,
                    UploadedAt = now,
                };
                db.CaseAttachments.Add(attachment);
                update.MediaAttachmentId = attachment.Id;
            }

            updates.Add(update);

            // Staff must hear of it: the notice leaves through the outbox, written with the update.
            db.Outbox.Add(new OutboxMessage
            {
                Type = "Open311UpdateReceived",
                Payload = JsonSerializer.Serialize(new { caseId = @case.Id, number = @case.Number, status, externalId, apiClientId = client.Id, at = now }),
                CreatedAt = now,
            });
            await db.SaveChangesAsync(ct);
            Open311Log.UpdateReceived(logger, update.Id, status, @case.Number, client.Id);
            return Reply(update.Id, fmt);
        }
        catch
        {
            if (storedKey is not null)
            {
                store.Delete(storedKey);
            }

            throw;
        }
    }

    private static Open311Result Reply(long updateId, Open311Format format) =>
        new(new O311Reply("service_request_updates", new O311List("request_update",
        [
            new O311Object { { "update_id", updateId.ToString(System.Globalization.CultureInfo.InvariantCulture) } },
        ])), format);
}
