using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Features.Platform;
using CivicGrid.Server.Features.WebConsole;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Intake;

/// <summary>The anonymous citizen API: suggest, look for duplicates, report, join, follow, rate.</summary>
internal static partial class PublicEndpoints
{
    private const int MaxPhotos = 5;

    public static async Task<IResult> SuggestAsync(SuggestCategoryRequest request, ReportIntake intake, CancellationToken ct)
    {
        var text = CheckDescription(request.Description);
        return TypedResults.Ok(new SuggestCategoryReply(await intake.SuggestAsync(text, 3, ct)));
    }

    public static async Task<IResult> DuplicatesAsync(DuplicateLookupRequest request, ReportIntake intake, DuplicateFinder finder, CancellationToken ct)
    {
        var place = await intake.LocateAsync(request.Longitude, request.Latitude, request.CoordinateSystem, ct);
        string? category = null;
        if (!string.IsNullOrWhiteSpace(request.CategoryCode))
        {
            category = (await intake.CategoryAsync(request.CategoryCode.Trim(), ct)).Code;
        }

        if (request.Description is { Length: > 4000 })
        {
            throw new DomainValidationException("description", "The description is longer than 4000 characters.");
        }

        var found = await finder.FindAsync(new DuplicateQuery(place.Longitude, place.Latitude, category, request.Description), 5, ct);
        var codes = found.Select(f => f.CategoryCode).Distinct().ToList();
        var names = await intake.Db.Categories.AsNoTracking()
            .Where(c => c.Kind == CategoryKind.Event && codes.Contains(c.Code))
            .ToDictionaryAsync(c => c.Code, c => (c.NameZh, c.NameEn), ct);
        return TypedResults.Ok(found.Select(f => new DuplicateDto(
            f.CaseNumber, f.CategoryCode, names.GetValueOrDefault(f.CategoryCode).NameZh, names.GetValueOrDefault(f.CategoryCode).NameEn,
            f.Status, ConsoleText.Zh.Statuses[f.Status], f.Description, f.DistanceMetres, f.ReportedAt, f.Score)).ToList());
    }

    public static async Task<IResult> ReportAsync(HttpContext http, ReportIntake intake, AttachmentStore store, IOptions<AttachmentOptions> attachments, Security.IRiskSignals risk, ILogger<ReportIntake> logger, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            throw new DomainValidationException("body", "Send the report as a form (multipart/form-data or application/x-www-form-urlencoded).");
        }

        var form = await http.Request.ReadFormAsync(ct);
        string? Field(string name) => form.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;

        var description = CheckDescription(Field("description"));
        var place = await intake.LocateAsync(Number(Field("longitude"), "longitude"), Number(Field("latitude"), "latitude"), Field("coordinateSystem"), ct);
        var choice = await intake.ResolveCategoryAsync(Field("categoryCode"), description, ct);
        var address = Field("address");
        if (address is { Length: > 256 })
        {
            throw new DomainValidationException("address", "The address is longer than 256 characters.");
        }

        var contact = Contact(Field("name"), Field("phone"), Field("email"), Field("notifyBy"), Field("language"));
        var photos = Photos(form.Files, attachments.Value.MaxBytes);

        var filed = await intake.FileWithPhotosAsync(new CaseReport
        {
            Description = description,
            CategoryCode = choice.CategoryCode,
            Source = CaseSource.Public,
            Longitude = place.Longitude,
            Latitude = place.Latitude,
            Address = address,
            GridCode = place.Location.GridCode,
            CommunityCode = place.Location.CommunityCode,
            StreetCode = place.Location.StreetCode,
            ReporterName = contact.Name,
            ReporterPhone = contact.Phone,
        }, ReportIntake.Citizen, contact, choice.Verdict, photos, store, ct);
        IntakeLog.PublicReportFiled(logger, filed.Case.Number, choice.CategoryCode, photos.Count);
        risk.ReportSubmitted("ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"));
        return TypedResults.Created($"{IntakeFeature.PublicApi}/cases/{filed.Case.TrackingCode}", Receipt(filed, joined: false));
    }

    public static async Task<IResult> MeTooAsync(string caseNumber, MeTooRequest request, ReportIntake intake, ILogger<ReportIntake> logger, CancellationToken ct)
    {
        var contact = Contact(null, Blank(request.Phone), Blank(request.Email), request.NotifyBy?.ToString(), request.Language);
        var joined = await intake.JoinAsync(caseNumber.Trim(), contact, CaseSource.Public, ReportIntake.Citizen, ct);
        IntakeLog.ReporterJoined(logger, joined.Case.Number);
        return TypedResults.Created($"{IntakeFeature.PublicApi}/cases/{joined.Case.TrackingCode}", Receipt(joined, joined: true));
    }

    public static async Task<IResult> TrackAsync(string trackingCode, PublicCases cases, CancellationToken ct)
    {
        var c = await cases.FindAsync(trackingCode, tracking: false, ct);
        return TypedResults.Ok(await cases.ViewAsync(c, ct));
    }

    public static async Task<IResult> EventsAsync(string trackingCode, PublicCases cases, LiveEvents live, CancellationToken ct)
    {
        var c = await cases.FindAsync(trackingCode, tracking: false, ct);
        return TypedResults.ServerSentEvents(StreamAsync(c.Id, live, ct));
    }

    public static async Task<IResult> RateAsync(string trackingCode, RatingRequest request, PublicCases cases, ReportIntake intake, ILogger<ReportIntake> logger, CancellationToken ct)
    {
        var c = await cases.FindAsync(trackingCode, tracking: true, ct);
        if (request.Stars is not { } stars)
        {
            throw new DomainValidationException("stars", "Give 1 to 5 stars.");
        }

        if (string.IsNullOrWhiteSpace(request.Secret))
        {
            throw new DomainValidationException("secret", "Give the secret shown when you reported.");
        }

        var reporters = await intake.Db.CaseReporters.Where(r => r.CaseId == c.Id).ToListAsync(ct);
        var reporter = reporters.FirstOrDefault(r => ReportIntake.SecretMatches(request.Secret, r.SecretHash));
        if (reporter is null)
        {
            return TypedResults.Problem(statusCode: 403, title: "Forbidden", detail: "The secret does not belong to a reporter of this case.");
        }

        var comment = Blank(request.Comment);
        if (comment is not null)
        {
            CheckPlain("comment", comment, 1000);
        }

        var now = intake.Clock.GetUtcNow();
        c.Rate(stars, comment, request.Dispute == true, ReportIntake.Citizen, now, await intake.SlaAsync(ct));
        reporter.Rate(stars, comment, now);
        await intake.Db.SaveChangesAsync(ct);
        IntakeLog.CaseRated(logger, c.Number, stars, c.PendingRequest == PendingRequest.ReturnVisit);
        return TypedResults.Ok(await cases.ViewAsync(c, ct));
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(Guid caseId, LiveEvents live, [EnumeratorCancellation] CancellationToken ct)
    {
        using var subscription = live.Subscribe();
        yield return new SseItem<string>("{}", "ready");
        await foreach (var e in subscription.Reader.ReadAllAsync(ct))
        {
            if (PublicChange(e, caseId) is { } change)
            {
                yield return new SseItem<string>(change, "changed") { EventId = e.Position.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
        }
    }

    /// <summary>The public part of an outbox event about this case (status and time only), or null.</summary>
    internal static string? PublicChange(LiveEvent e, Guid caseId)
    {
        if (e.Type is not (nameof(CaseTransitioned) or nameof(CaseReporterJoined) or nameof(CaseRated)))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(e.Payload);
        var root = doc.RootElement;
        if (!root.TryGetProperty("caseId", out var id) || id.GetGuid() != caseId)
        {
            return null;
        }

        return JsonSerializer.Serialize(new
        {
            type = e.Type,
            status = root.TryGetProperty("to", out var to) ? to.GetString() : null,
            at = e.At,
        });
    }

    private static ReportReceipt Receipt(FiledReport filed, bool joined) =>
        new(filed.Case.TrackingCode, filed.Secret!, filed.Case.Number, filed.Case.CategoryCode, filed.Case.Status, $"/track/{filed.Case.TrackingCode}", joined);

    private static string CheckDescription(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new DomainValidationException("description", "Describe the problem.");
        }

        CheckPlain("description", text, 4000);
        return text.Trim();
    }

    /// <summary>
    /// Free text is kept as typed (markup included: it is only ever shown encoded, so a script in it
    /// stays inert); control characters other than line breaks and tabs are refused.
    /// </summary>
    internal static void CheckPlain(string field, string text, int max)
    {
        if (text.Length > max)
        {
            throw new DomainValidationException(field, $"Longer than {max} characters.");
        }

        if (text.Any(ch => char.IsControl(ch) && ch is not '\r' and not '\n' and not '\t'))
        {
            throw new DomainValidationException(field, "Contains control characters.");
        }
    }

    internal static double? Number(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new DomainValidationException(field, $"'{text}' is not a number.");
    }

    private static ReporterContact Contact(string? name, string? phone, string? email, string? notifyBy, string? language)
    {
        if (name is { Length: > 100 })
        {
            throw new DomainValidationException("name", "The name is longer than 100 characters.");
        }

        if (phone is not null && !PhoneShape().IsMatch(phone))
        {
            throw new DomainValidationException("phone", "Only digits, spaces and + - ( ) are accepted (3 to 40 characters).");
        }

        if (email is not null && (email.Length > 254 || !EmailShape().IsMatch(email)))
        {
            throw new DomainValidationException("email", $"'{email}' is not an e-mail address.");
        }

        var by = NotifyBy.None;
        if (notifyBy is not null && (!Enum.TryParse(notifyBy, ignoreCase: true, out by) || !Enum.IsDefined(by) || int.TryParse(notifyBy, out _) || by == NotifyBy.WeChat))
        {
            throw new DomainValidationException("notifyBy", "Choose none, email or sms.");
        }

        // Asked for nothing but left an address: tell them by the channel they left.
        if (notifyBy is null)
        {
            by = email is not null ? NotifyBy.Email : phone is not null ? NotifyBy.Sms : NotifyBy.None;
        }

        if (by == NotifyBy.Sms && phone is null)
        {
            throw new DomainValidationException("phone", "Give a phone number to be told by SMS.");
        }

        if (by == NotifyBy.Email && email is null)
        {
            throw new DomainValidationException("email", "Give an e-mail address to be told by e-mail.");
        }

        return new ReporterContact(name, phone, email, by, language is "en" ? "en" : "zh-CN");
    }

    internal static List<(IFormFile File, string ContentType)> Photos(IFormFileCollection files, long maxBytes)
    {
        var photos = files.Where(f => f.Name is "photos" or "photos[]" or "photo").ToList();
        if (photos.Count > MaxPhotos)
        {
            throw new DomainValidationException("photos", $"At most {MaxPhotos} photos.");
        }

        var result = new List<(IFormFile, string)>();
        foreach (var file in photos)
        {
            if (file.Length == 0)
            {
                throw new DomainValidationException("photos", $"'{file.FileName}' is empty.");
            }

            if (file.Length > maxBytes)
            {
                throw new DomainValidationException("photos", $"'{file.FileName}' has {file.Length} bytes; the limit is {maxBytes}.");
            }

            var head = new byte[16];
            int read;
            using (var s = file.OpenReadStream())
            {
                read = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            }

            var detected = AttachmentStore.DetectContentType(head.AsSpan(0, read));
            if (detected is null || !detected.StartsWith("image/", StringComparison.Ordinal))
            {
                throw new DomainValidationException("photos", $"'{file.FileName}' is not a JPEG, PNG, GIF or WebP image.");
            }

            result.Add((file, detected));
        }

        return result;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex(@"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^[0-9+\-() ]{3,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhoneShape();
}
