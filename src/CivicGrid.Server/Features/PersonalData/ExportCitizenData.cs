using System.Security.Claims;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Privacy;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.PersonalData;

/// <summary>Whose data: the phone number the citizen gave.</summary>
public sealed record CitizenDataRequest(string? Phone);

/// <summary>A case the citizen reported, with what it holds about them.</summary>
public sealed record CitizenCaseDto(
    string Number, DateTimeOffset ReportedAt, CaseStatus Status, string Description, string CategoryCode, string? Address,
    double Longitude, double Latitude, DateTimeOffset? ClosedAt, string? ReporterName, string? ReporterPhone, string? Email, string? AccountId, string? DeviceId);

/// <summary>A comment the citizen posted through an Open311 app.</summary>
public sealed record CitizenUpdateDto(string CaseNumber, DateTimeOffset ReceivedAt, string Status, string Description, string? FirstName, string? LastName, string? Email, string? Phone);

/// <summary>Everything CivicGrid stores about one phone number (the citizen's access request).</summary>
public sealed record CitizenDataDto(string Phone, DateTimeOffset GeneratedAt, IReadOnlyList<CitizenCaseDto> Cases, IReadOnlyList<CitizenUpdateDto> Updates);

/// <summary>POST /api/v1/personal-data/export.</summary>
internal static class ExportCitizenData
{
    public static async Task<IResult> HandleAsync(
        CitizenDataRequest request, ClaimsPrincipal user, CivicGridDbContext db, IPersonalDataReadObserver observer, TimeProvider clock, CancellationToken ct)
    {
        var phone = PersonalDataMask.NormalizePhone(request.Phone ?? string.Empty);
        if (phone.Length is < 5 or > 20)
        {
            throw new DomainValidationException("phone", "Give the citizen's phone number (5 to 20 digits).");
        }

        var index = db.PhoneIndex(phone);
        var cases = await db.Cases.AsNoTracking()
            .Where(c => EF.Property<string>(c, PersonalDataFields.CasePhoneIndex) == index)
            .OrderBy(c => c.ReportedAt)
            .GroupJoin(db.Set<Open311Submission>(), c => c.Id, s => s.CaseId, (c, s) => new { Case = c, Submissions = s })
            .SelectMany(x => x.Submissions.DefaultIfEmpty(), (x, s) => new
            {
                x.Case.Number, x.Case.ReportedAt, x.Case.Status, x.Case.Description, x.Case.CategoryCode, x.Case.Address,
                x.Case.Longitude, x.Case.Latitude, x.Case.ClosedAt, x.Case.ReporterName, x.Case.ReporterPhone,
                Email = s == null ? null : s.Email, AccountId = s == null ? null : s.AccountId, DeviceId = s == null ? null : s.DeviceId,
            })
            .ToListAsync(ct);
        // Citizens who reported on the web page, in WeChat or joined a case ("me too").
        var reported = await db.CaseReporters.AsNoTracking()
            .Where(r => EF.Property<string>(r, PersonalDataFields.CasePhoneIndex) == index)
            .Join(db.Cases, r => r.CaseId, c => c.Id, (r, c) => new
            {
                c.Number, c.ReportedAt, c.Status, c.Description, c.CategoryCode, c.Address, c.Longitude, c.Latitude, c.ClosedAt,
                r.ReporterName, r.ReporterPhone, r.ReporterEmail, r.ReporterWeChatOpenId,
            })
            .ToListAsync(ct);
        cases.AddRange(reported
            .Where(r => cases.All(c => c.Number != r.Number))
            .Select(r => new
            {
                r.Number, r.ReportedAt, r.Status, r.Description, r.CategoryCode, r.Address, r.Longitude, r.Latitude, r.ClosedAt, r.ReporterName, r.ReporterPhone,
                Email = r.ReporterEmail, AccountId = r.ReporterWeChatOpenId, DeviceId = (string?)null,
            }));
        var updates = await db.Set<Open311Update>().AsNoTracking()
            .Where(u => EF.Property<string>(u, PersonalDataFields.UpdatePhoneIndex) == index)
            .Join(db.Cases, u => u.CaseId, c => c.Id, (u, c) => new { c.Number, u.ReceivedAt, u.Status, u.Description, u.FirstName, u.LastName, u.Email, u.Phone })
            .OrderBy(u => u.ReceivedAt)
            .ToListAsync(ct);

        var masked = PersonalDataMask.Mask(PersonalDataKind.Phone, phone);
        db.Record(AuditActions.PersonalDataExport, null, null, new { phone = masked, cases = cases.Count, updates = updates.Count });
        await db.SaveChangesAsync(ct);

        var now = clock.GetUtcNow();
        var actor = user.ToActor();
        await observer.OnReadAsync(new PersonalDataRead(actor.UserId, user.Identity?.Name ?? string.Empty, actor.Role.ToString(), "citizen-export", cases.Count + updates.Count, now), ct);
        cases.Sort((a, b) => a.ReportedAt != b.ReportedAt ? a.ReportedAt.CompareTo(b.ReportedAt) : string.CompareOrdinal(a.Number, b.Number));
        return Results.Ok(new CitizenDataDto(
            phone,
            now,
            [.. cases.Select(c => new CitizenCaseDto(c.Number, c.ReportedAt, c.Status, c.Description, c.CategoryCode, c.Address, c.Longitude, c.Latitude, c.ClosedAt, c.ReporterName, c.ReporterPhone, c.Email, c.AccountId, c.DeviceId))],
            [.. updates.Select(u => new CitizenUpdateDto(u.Number, u.ReceivedAt, u.Status, u.Description, u.FirstName, u.LastName, u.Email, u.Phone))]));
    }
}
