using CivicGrid.Domain.Identity;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Features.Inspection.Pages;
using CivicGrid.Server.Features.Security;

namespace CivicGrid.Server.Features.Inspection;

/// <summary>
/// 巡查: the inspector on patrol. The mobile page <c>/inspector</c> (sign-in as an inspector;
/// others see the access-denied page), the one-request report it submits, and the verification
/// and check tasks nearby. Nearby components come from the city model
/// (<c>GET /api/v1/components/nearby</c>); verifying and checking are the case workflow's own
/// transitions.
/// </summary>
public static class InspectionFeature
{
    public const string Api = "/api/v1/inspector";

    public const string PagePath = "/inspector";

    public static IEndpointRouteBuilder MapInspection(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Api).WithTags("Inspector").RequirePermission(Permission.InspectionUse);
        group.MapGet("/tasks", InspectorTasks.HandleAsync).WithName("InspectorTasks")
            .WithSummary("The caller's verification (核实) and check (核查) tasks in their data scope, nearest to lon/lat first (coordinateSystem wgs84, gcj02 or bd09), with the distance.")
            .Produces<IReadOnlyList<InspectorTaskDto>>().ProducesValidationProblem();
        group.MapPost("/reports", InspectorReport.HandleAsync).WithName("InspectorReport")
            .DisableAntiforgery()
            .WithRequestBodyLimit(AttachmentOptions.MaxRequestBytes)
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("An inspector's report in one request (multipart form: longitude, latitude, coordinateSystem, categoryCode and/or componentId, description, address, photos); filed with source inspector, the position resolved to grid, community and street. Send an Idempotency-Key to retry safely.")
            .Produces<InspectorReportReceipt>(StatusCodes.Status201Created).ProducesValidationProblem();

        app.MapGet(PagePath, InspectorPages.PageAsync).RequirePermission(Permission.InspectionUse).ExcludeFromDescription();
        return app;
    }
}
