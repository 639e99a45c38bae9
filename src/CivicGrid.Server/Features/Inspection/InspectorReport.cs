using System.Security.Claims;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Grids;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Intake;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Inspection;

/// <summary>The answer to an inspector's report: the new case and where it was placed.</summary>
/// <param name="CaseId">The case.</param>
/// <param name="Number">Its number (what the page confirms with).</param>
/// <param name="CategoryCode">The event category it was filed under.</param>
/// <param name="ComponentId">The component concerned, if one was picked.</param>
/// <param name="GridCode">The unit grid the position resolved to.</param>
/// <param name="CommunityCode">Its community.</param>
/// <param name="StreetCode">Its street.</param>
/// <param name="Status">reported.</param>
/// <param name="Photos">How many photos were attached.</param>
public sealed record InspectorReportReceipt(
    Guid CaseId, string Number, string CategoryCode, string? ComponentId, string GridCode, string CommunityCode, string StreetCode, CaseStatus Status, int Photos);

/// <summary>
/// 监督员上报 in one request: position, category (or a component of the inventory, whose case
/// category is used), an optional short description and photos, filed through
/// <see cref="ReportIntake"/> with source Inspector in one transaction. A retry with the same
/// Idempotency-Key and body gets the first answer (the patrol page sends both).
/// </summary>
public static class InspectorReport
{
    /// <summary>The longest description the patrol form takes (a short note; the category says the rest).</summary>
    public const int MaxDescription = 500;

    public static async Task<IResult> HandleAsync(
        HttpContext http, ClaimsPrincipal user, ReportIntake intake, AttachmentStore store, IOptions<AttachmentOptions> attachments,
        Security.IRiskSignals risk, ILogger<ReportIntake> logger, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            throw new DomainValidationException("body", "Send the report as multipart/form-data.");
        }

        var form = await http.Request.ReadFormAsync(ct);
        string? Field(string name) => form.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;

        var place = await intake.LocateAsync(
            PublicEndpoints.Number(Field("longitude"), "longitude"), PublicEndpoints.Number(Field("latitude"), "latitude"), Field("coordinateSystem"), ct);
        Domain.CityModel.Component? component = null;
        if (Field("componentId") is { } componentId)
        {
            component = await intake.Db.Components.AsNoTracking().FirstOrDefaultAsync(c => c.Id == componentId, ct)
                ?? throw new DomainValidationException("componentId", $"Component '{componentId}' is not in the inventory.");
            var away = GeoMeasure.DistanceMetres(place.Longitude, place.Latitude, component.Longitude, component.Latitude);
            if (away > NearbyComponents.MaxRadiusMetres)
            {
                throw new DomainValidationException("componentId", $"Component {componentId} is {away:F0} m from your position; pick one near you.");
            }

            // The surveyed position of the component is more exact than a phone's: the case goes there.
            place = await intake.LocateAsync(component.Longitude, component.Latitude, "wgs84", ct);
        }

        var category = Field("categoryCode") is { } given
            ? await intake.CategoryAsync(given, ct)
            : component is not null
                ? await intake.Db.Categories.AsNoTracking().FirstOrDefaultAsync(c => c.Kind == Domain.CityModel.CategoryKind.Event && c.Code == component.CategoryCode && c.IsActive, ct)
                  ?? throw new DomainValidationException("categoryCode", $"Component category {component.CategoryCode} has no active case category; choose one.")
                : throw new DomainValidationException("categoryCode", "Choose a category or a component.");

        var description = Field("description");
        if (description is not null)
        {
            PublicEndpoints.CheckPlain("description", description, MaxDescription);
        }

        description ??= component is null ? category.NameZh : $"{category.NameZh}：{component.Name}（{component.Id}）";
        var address = Field("address");
        if (address is { Length: > 256 })
        {
            throw new DomainValidationException("address", "The address is longer than 256 characters.");
        }

        var photos = PublicEndpoints.Photos(form.Files, attachments.Value.MaxBytes);
        var actor = user.ToActor();
        var filed = await intake.FileWithPhotosAsync(new CaseReport
        {
            Description = description,
            CategoryCode = category.Code,
            Source = CaseSource.Inspector,
            Longitude = place.Longitude,
            Latitude = place.Latitude,
            Address = address,
            GridCode = place.Location.GridCode,
            CommunityCode = place.Location.CommunityCode,
            StreetCode = place.Location.StreetCode,
            ComponentId = component?.Id,
        }, actor, null, verdict: null, photos, store, ct);
        IntakeLog.InspectorReportFiled(logger, filed.Case.Number, category.Code, component?.Id, photos.Count);
        risk.ReportSubmitted("user:" + actor.UserId);
        var c = filed.Case;
        return TypedResults.Created(
            $"/api/v1/cases/{c.Id}",
            new InspectorReportReceipt(c.Id, c.Number, c.CategoryCode, c.ComponentId, c.GridCode, c.CommunityCode, c.StreetCode, c.Status, photos.Count));
    }
}
