using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Geography;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Intake;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Features.CityModel;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Open311;

/// <summary>
/// POST requests.{fmt}: an Open311 client reports a problem. The request (form-urlencoded, or
/// multipart with <c>media</c> files) becomes a case with Source = Open311 in one transaction;
/// the reply carries the case number as <c>service_request_id</c>.
/// </summary>
internal static partial class PostRequest
{
    /// <summary>The CivicGrid extension argument naming the system lat/long are in: wgs84 (default), gcj02 or bd09.</summary>
    public const string CoordinateSystemArgument = "coordinate_system";

    private const int MaxMediaFiles = 5;

    public static async Task<IResult> HandleAsync(
        string format,
        HttpContext http,
        CivicGridDbContext db,
        GridLocator grids,
        ReportIntake intake,
        AttachmentStore store,
        IOptions<AttachmentOptions> attachmentOptions,
        IOptions<Open311Options> options,
        TimeProvider clock,
        ILoggerFactory loggers,
        Security.IRiskSignals risk,
        CancellationToken ct)
    {
        var fmt = Open311Writer.Parse(format);
        var english = Open311Locale.IsEnglish(http.Request);
        var logger = loggers.CreateLogger(Open311Log.Category);
        var p = await Open311Parameters.ReadAsync(http.Request, withBody: true, ct);
        var client = await ApiKeys.FindAsync(db, p.Get("api_key"), ct)
            ?? throw ApiKeys.Refused(logger, p.Get("api_key"), "create_request");
        Audit.AuditAttribution.ActAs(http, client.Id, client.Name, "api-client");
        Open311Feature.CheckJurisdiction(p, options.Value);
        var code = p.Required("service_code");
        var category = await ServiceCatalog.ServiceAsync(db, code, ct);

        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString();
        if (idempotencyKey.Length > 100)
        {
            throw Open311Exception.BadRequest("Idempotency-Key: longer than 100 characters.");
        }

        if (idempotencyKey.Length > 0)
        {
            var earlier = await db.Set<Open311Submission>().AsNoTracking()
                .Where(s => s.ApiClientId == client.Id && s.IdempotencyKey == idempotencyKey)
                .Join(db.Cases, s => s.CaseId, c => c.Id, (s, c) => c.Number)
                .FirstOrDefaultAsync(ct);
            if (earlier is not null)
            {
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return Reply(earlier, english, fmt);
            }
        }

        var errors = new List<Open311Error>();
        var place = await TryAsync(errors, () => LocateAsync(p, db, grids, ct));
        var description = Try(errors, () => Description(p, english ? category.NameEn : category.NameZh, english));
        var answers = await TryAsync(errors, () => AttributesAsync(p, category.Code, db, ct));
        var contact = Try(errors, () => Contact(p));
        var media = Try(errors, () => Media(p, attachmentOptions.Value.MaxBytes));
        if (errors.Count > 0)
        {
            throw new Open311Exception(400, errors);
        }

        var now = clock.GetUtcNow();
        var sla = await intake.SlaAsync(ct);
        var actor = ApiKeys.ActorFor(client);
        var report = new CaseReport
        {
            Description = description!,
            CategoryCode = category.Code,
            Urgency = answers!.TryGetValue(ServiceCatalog.HazardAttribute, out var hazard) && hazard[0] == "yes" ? Urgency.Urgent : Urgency.Normal,
            Source = CaseSource.Open311,
            Longitude = place!.Longitude,
            Latitude = place.Latitude,
            Address = place.Address,
            GridCode = place.Location.GridCode,
            CommunityCode = place.Location.CommunityCode,
            StreetCode = place.Location.StreetCode,
            ComponentId = answers.TryGetValue(ServiceCatalog.ComponentIdAttribute, out var component) ? component[0] : null,
            ReporterName = contact!.Name,
            ReporterPhone = contact.Phone,
        };

        // Files first (outside the transaction); removed again if the database write fails.
        var stored = new List<(IFormFile File, string ContentType, string Key, string Sha)>();
        try
        {
            foreach (var (file, contentType) in media!)
            {
                await using var s = file.OpenReadStream();
                var (key, sha) = await store.SaveAsync(s, now, ct);
                stored.Add((file, contentType, key, sha));
            }

            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var filed = await intake.ReportInTransactionAsync(report, actor, new ReporterContact(contact.Name, contact.Phone, contact.Email, options.Value.NotifyReporters && contact.Email is not null ? NotifyBy.Email : NotifyBy.None), verdict: null, now, sla, ct);
            var @case = filed.Case;
            var attachments = stored.Select(m => new CaseAttachment
            {
                CaseId = @case.Id,
                HistorySequence = 1,
                FileName = CleanName(m.File.FileName, m.ContentType),
                ContentType = m.ContentType,
                Size = m.File.Length,
                Sha256 = m.Sha,
                StorageKey = m.Key,
                UploadedById = client.Id,
                UploadedAt = now,
            }).ToList();
            db.CaseAttachments.AddRange(attachments);
            db.Set<Open311Submission>().Add(new Open311Submission
            {
                CaseId = @case.Id,
                ApiClientId = client.Id,
                JurisdictionId = p.Get("jurisdiction_id"),
                IdempotencyKey = idempotencyKey.Length > 0 ? idempotencyKey : null,
                Email = contact.Email,
                DeviceId = contact.DeviceId,
                AccountId = contact.AccountId,
                MediaUrl = contact.MediaUrl,
                MediaAttachmentId = attachments.FirstOrDefault()?.Id,
                AttributesJson = answers.Count > 0 ? JsonSerializer.Serialize(answers) : null,
                CoordinateSystem = place.CoordinateSystem,
                ReceivedAt = now,
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            Open311Log.RequestCreated(logger, @case.Number, category.Code, client.Id, attachments.Count);
            risk.ReportSubmitted("client:" + client.Id);
            return Reply(@case.Number, english, fmt);
        }
        catch
        {
            foreach (var m in stored)
            {
                store.Delete(m.Key);
            }

            throw;
        }
    }

    private static Open311Result Reply(string number, bool english, Open311Format format) =>
        new(new O311Reply("service_requests", new O311List("request",
        [
            new O311Object
            {
                { "service_request_id", number },
                {
                    "service_notice", english
                        ? $"Received as case {number}. Follow it with GET requests/{number}."
                        : $"已受理，案件编号 {number}，可通过 GET requests/{number} 查询办理进度。"
                },
                { "account_id", null },
            },
        ])), format);

    /// <summary>Where the problem is: a position, a place of the district's own, or 400 naming the argument.</summary>
    internal sealed record Place(double Longitude, double Latitude, GridLocation Location, string? Address, string? CoordinateSystem);

    private static async Task<Place> LocateAsync(Open311Parameters p, CivicGridDbContext db, GridLocator grids, CancellationToken ct)
    {
        var address = p.Bounded("address_string", 256);
        var lat = p.Number("lat");
        var lon = p.Number("long");
        if (lat is not null || lon is not null)
        {
            if (lat is null || lon is null)
            {
                throw Open311Exception.BadRequest($"{(lat is null ? "lat" : "long")}: lat and long must be sent together.");
            }

            if (lat is < -90 or > 90)
            {
                throw Open311Exception.BadRequest("lat: must be between -90 and 90.");
            }

            if (lon is < -180 or > 180)
            {
                throw Open311Exception.BadRequest("long: must be between -180 and 180.");
            }

            var systemText = p.Get(CoordinateSystemArgument);
            if (!CoordinateSystems.TryParse(systemText, out var system))
            {
                throw Open311Exception.BadRequest($"{CoordinateSystemArgument}: '{systemText}' is not wgs84, gcj02 or bd09.");
            }

            var wgs = CoordinateSystems.ToWgs84(new LonLat(lon.Value, lat.Value), system);
            var location = await grids.LocateAsync(wgs.Longitude, wgs.Latitude, ct)
                ?? throw Open311Exception.BadRequest("lat/long: the position lies outside the district (no unit grid contains it).");
            return new Place(wgs.Longitude, wgs.Latitude, location, address, system.ToString().ToLowerInvariant());
        }

        if (p.Bounded("address_id", 100) is { } addressId)
        {
            if (addressId.Length == 15)
            {
                var grid = await db.UnitGrids.AsNoTracking().Where(g => g.Code == addressId)
                    .Select(g => new { g.Code, g.CommunityCode, g.StreetCode, g.CentroidLongitude, g.CentroidLatitude })
                    .FirstOrDefaultAsync(ct);
                if (grid is not null)
                {
                    return new Place(grid.CentroidLongitude, grid.CentroidLatitude, new GridLocation(grid.Code, grid.CommunityCode, grid.StreetCode), address, null);
                }
            }
            else if (addressId.Length == 17)
            {
                var component = await db.Components.AsNoTracking().Where(c => c.Id == addressId)
                    .Select(c => new { c.Longitude, c.Latitude })
                    .FirstOrDefaultAsync(ct);
                if (component is not null && await grids.LocateAsync(component.Longitude, component.Latitude, ct) is { } location)
                {
                    return new Place(component.Longitude, component.Latitude, location, address, null);
                }
            }

            throw Open311Exception.BadRequest($"address_id: '{addressId}' is neither a unit grid code (15 characters) nor a component id (17 digits) of this district.");
        }

        if (address is not null)
        {
            return await ResolveAddressAsync(address, db, grids, ct)
                ?? throw Open311Exception.BadRequest($"address_string: '{address}' could not be resolved to a community or street of the district; send lat and long.");
        }

        throw Open311Exception.BadRequest("lat/long, address_string or address_id: a location is required (lat and long, or address_string, or address_id).");
    }

    /// <summary>
    /// Resolves an address against the district's own gazetteer: the most specific community or
    /// street whose name the text contains; the position is a point inside it.
    /// </summary>
    private static async Task<Place?> ResolveAddressAsync(string address, CivicGridDbContext db, GridLocator grids, CancellationToken ct)
    {
        var communities = await db.Communities.AsNoTracking().Select(c => new { c.Code, c.StreetCode, c.NameZh, c.NameEn, c.Boundary }).ToListAsync(ct);
        var community = communities.FirstOrDefault(c => Mentions(address, c.NameZh) || Mentions(address, c.NameEn));
        NetTopologySuite.Geometries.Geometry? area = community?.Boundary;
        if (area is null)
        {
            var streets = await db.Streets.AsNoTracking().Select(s => new { s.NameZh, s.NameEn, s.Boundary }).ToListAsync(ct);
            area = streets.FirstOrDefault(s => Mentions(address, s.NameZh) || Mentions(address, s.NameEn))?.Boundary;
        }

        if (area is null)
        {
            return null;
        }

        var inside = area.InteriorPoint;
        var location = await grids.LocateAsync(inside.X, inside.Y, ct);
        return location is null ? null : new Place(inside.X, inside.Y, location, address, null);
    }

    /// <summary>Whether the address names a place (ignoring the demo's "（模拟）" / "(simulated)" marks and case).</summary>
    private static bool Mentions(string address, string name)
    {
        var bare = name.Replace("（模拟）", string.Empty, StringComparison.Ordinal).Replace("(simulated)", string.Empty, StringComparison.Ordinal).Trim();
        return bare.Length >= 2 && address.Contains(bare, StringComparison.OrdinalIgnoreCase);
    }

    private static string Description(Open311Parameters p, string serviceName, bool english)
    {
        var text = p.Get("description");
        if (text is null)
        {
            return english ? $"{serviceName} (reported through Open311 without a description)" : $"{serviceName}（Open311 上报，未填写描述）";
        }

        CheckPlainText("description", text, 4000);
        return text;
    }

    /// <summary>Free text: at most <paramref name="max"/> characters, line breaks allowed, no HTML and no control characters.</summary>
    internal static void CheckPlainText(string argument, string text, int max)
    {
        if (text.Length > max)
        {
            throw Open311Exception.BadRequest($"{argument}: longer than {max} characters.");
        }

        if (Markup().IsMatch(text))
        {
            throw Open311Exception.BadRequest($"{argument}: must be plain text; HTML or script is not accepted.");
        }

        if (text.Any(ch => char.IsControl(ch) && ch is not '\r' and not '\n' and not '\t'))
        {
            throw Open311Exception.BadRequest($"{argument}: contains control characters.");
        }
    }

    /// <summary>The submitter's details: kept with the case for follow-up, never shown by GET.</summary>
    private sealed record ContactDetails(string? Name, string? Phone, string? Email, string? DeviceId, string? AccountId, string? MediaUrl);

    private static ContactDetails Contact(Open311Parameters p)
    {
        var first = p.Bounded("first_name", 50);
        var last = p.Bounded("last_name", 50);
        var name = string.Join(' ', new[] { first, last }.Where(n => n is not null));
        var email = p.Bounded("email", 254);
        if (email is not null && !EmailShape().IsMatch(email))
        {
            throw Open311Exception.BadRequest($"email: '{email}' is not an e-mail address.");
        }

        var phone = p.Bounded("phone", 40);
        if (phone is not null && !PhoneShape().IsMatch(phone))
        {
            throw Open311Exception.BadRequest("phone: only digits, spaces and + - ( ) are accepted.");
        }

        var mediaUrl = p.Bounded("media_url", 1000);
        if (mediaUrl is not null && (!Uri.TryCreate(mediaUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            throw Open311Exception.BadRequest($"media_url: '{mediaUrl}' is not an absolute http(s) URL.");
        }

        return new ContactDetails(name.Length > 0 ? name : null, phone, email, p.Bounded("device_id", 100), p.Bounded("account_id", 100), mediaUrl);
    }

    /// <summary>The uploaded media files (<c>media</c>, <c>media[]</c> or FixMyStreet's <c>photo</c>/<c>photoN</c>), checked by content.</summary>
    private static List<(IFormFile File, string ContentType)> Media(Open311Parameters p, long maxBytes) =>
        CheckedMedia(p.Form, maxBytes);

    internal static List<(IFormFile File, string ContentType)> CheckedMedia(IFormCollection? form, long maxBytes)
    {
        var files = form?.Files.Where(f => MediaField().IsMatch(f.Name)).ToList() ?? [];
        if (files.Count > MaxMediaFiles)
        {
            throw Open311Exception.BadRequest($"media: at most {MaxMediaFiles} files.");
        }

        var result = new List<(IFormFile, string)>();
        foreach (var file in files)
        {
            if (file.Length == 0)
            {
                throw Open311Exception.BadRequest($"{file.Name}: the file is empty.");
            }

            if (file.Length > maxBytes)
            {
                throw Open311Exception.BadRequest($"{file.Name}: the file has {file.Length} bytes; the limit is {maxBytes}.");
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
                throw Open311Exception.BadRequest($"{file.Name}: only JPEG, PNG, GIF or WebP images are accepted.");
            }

            result.Add((file, detected));
        }

        return result;
    }

    internal static string CleanName(string? uploaded, string contentType)
    {
        var name = Path.GetFileName((uploaded ?? string.Empty).Replace('\\', '/'));
        name = new string([.. name.Where(ch => !char.IsControl(ch) && ch is not '/' and not ':' && Array.IndexOf(Path.GetInvalidFileNameChars(), ch) < 0)]).Trim().TrimStart('.');
        if (name.Length == 0)
        {
            name = "media" + contentType switch
            {
                "image/jpeg" => ".jpg",
                "image/png" => ".png",
                "image/gif" => ".gif",
                _ => ".webp",
            };
        }

        return name.Length > 120 ? name[^120..] : name;
    }

    /// <summary>
    /// Checks the answers against the service definition: required ones present, list keys known,
    /// numbers and datetimes well formed, a component id that exists. Unknown attributes (clients
    /// such as FixMyStreet add their own) are ignored.
    /// </summary>
    private static async Task<Dictionary<string, string[]>> AttributesAsync(Open311Parameters p, string serviceCode, CivicGridDbContext db, CancellationToken ct)
    {
        var given = p.Attributes();
        var answers = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var errors = new List<Open311Error>();
        foreach (var a in ServiceCatalog.AttributesFor(serviceCode).Where(a => a.Variable))
        {
            var name = $"attribute[{a.Code}]";
            if (!given.TryGetValue(a.Code, out var values))
            {
                if (a.Required)
                {
                    errors.Add(new(400, $"{name}: required for service {serviceCode} ({a.Description.En})."));
                }

                continue;
            }

            if (a.Datatype != "multivaluelist" && values.Count > 1)
            {
                errors.Add(new(400, $"{name}: takes one value."));
                continue;
            }

            var problem = values.Select(v => Check(a, v)).FirstOrDefault(e => e is not null);
            if (problem is not null)
            {
                errors.Add(new(400, $"{name}: {problem}"));
                continue;
            }

            answers[a.Code] = [.. values];
        }

        if (answers.TryGetValue(ServiceCatalog.ComponentIdAttribute, out var component))
        {
            var id = component[0];
            if (!ComponentIdShape().IsMatch(id))
            {
                errors.Add(new(400, $"attribute[{ServiceCatalog.ComponentIdAttribute}]: '{id}' is not a 17-digit component id."));
            }
            else if (!await db.Components.AnyAsync(c => c.Id == id, ct))
            {
                errors.Add(new(400, $"attribute[{ServiceCatalog.ComponentIdAttribute}]: component '{id}' is not in the inventory."));
            }
        }

        return errors.Count > 0 ? throw new Open311Exception(400, errors) : answers;
    }

    private static string? Check(ServiceAttribute a, string value) => a.Datatype switch
    {
        "singlevaluelist" or "multivaluelist" when !a.Values.Any(v => string.Equals(v.Key, value, StringComparison.Ordinal)) =>
            $"'{value}' is not one of {string.Join(", ", a.Values.Select(v => v.Key))}.",
        "number" when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => $"'{value}' is not a number.",
        "datetime" when !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) => $"'{value}' is not a datetime.",
        "string" when value.Length > 200 => "longer than 200 characters.",
        "text" when value.Length > 2000 => "longer than 2000 characters.",
        _ when Markup().IsMatch(value) => "must be plain text.",
        _ => null,
    };

    private static T? Try<T>(List<Open311Error> errors, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Open311Exception e) when (e.Status == 400)
        {
            errors.AddRange(e.Errors);
            return default;
        }
    }

    private static async Task<T?> TryAsync<T>(List<Open311Error> errors, Func<Task<T>> step)
    {
        try
        {
            return await step();
        }
        catch (Open311Exception e) when (e.Status == 400)
        {
            errors.AddRange(e.Errors);
            return default;
        }
    }

    [GeneratedRegex(@"<\s*/?\s*[a-zA-Z!?]|javascript\s*:", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Markup();

    [GeneratedRegex(@"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailShape();

    [GeneratedRegex(@"^[0-9+\-() ]{3,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhoneShape();

    [GeneratedRegex(@"^\d{17}$", RegexOptions.CultureInvariant)]
    private static partial Regex ComponentIdShape();

    [GeneratedRegex(@"^(media(\[\])?|media\[\d+\]|photo\d*)$", RegexOptions.CultureInvariant)]
    private static partial Regex MediaField();
}
