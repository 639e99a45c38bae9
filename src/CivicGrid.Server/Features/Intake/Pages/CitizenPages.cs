using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Common;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.WebConsole;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Intake.Pages;

/// <summary>
/// The citizen pages, rendered on the server as plain HTML (static Razor components; no sign-in,
/// no circuit): the report page, whose script calls the public API, and the tracking page.
/// </summary>
internal static class CitizenPages
{
    public static async Task<IResult> Report(HttpContext http, CivicGridDbContext db, ConsoleData console, IOptions<ConsoleOptions> options, CancellationToken ct)
    {
        var text = CitizenText.For(http);
        var categories = await db.Categories.AsNoTracking()
            .Where(c => c.Kind == CategoryKind.Event && c.IsActive)
            .OrderBy(c => c.Code)
            .Select(c => new ReportPage.CategoryOption(c.Code, c.MajorNameZh, c.MajorNameEn, c.NameZh, c.NameEn))
            .ToListAsync(ct);
        return new RazorComponentResult<ReportPage>(new Dictionary<string, object?>
        {
            [nameof(ReportPage.T)] = text,
            [nameof(ReportPage.Categories)] = categories,
            [nameof(ReportPage.StreetsGeoJson)] = await console.StreetsGeoJsonAsync(ct),
            [nameof(ReportPage.TileUrl)] = options.Value.TileUrl,
            [nameof(ReportPage.TileAttribution)] = options.Value.TileAttribution,
        });
    }

    public static IResult TrackForm(HttpContext http, string? code) =>
        string.IsNullOrWhiteSpace(code)
            ? new RazorComponentResult<TrackPage>(new Dictionary<string, object?> { [nameof(TrackPage.T)] = CitizenText.For(http) })
            : Results.LocalRedirect($"/track/{Uri.EscapeDataString(code.Trim())}{Lang(http)}");

    public static async Task<IResult> TrackAsync(string trackingCode, HttpContext http, PublicCases cases, CancellationToken ct)
    {
        var text = CitizenText.For(http);
        PublicCaseDto? view = null;
        try
        {
            view = await cases.ViewAsync(await cases.FindAsync(trackingCode, tracking: false, ct), ct);
        }
        catch (NotFoundException)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return new RazorComponentResult<TrackPage>(new Dictionary<string, object?>
        {
            [nameof(TrackPage.T)] = text,
            [nameof(TrackPage.Case)] = view,
            [nameof(TrackPage.NotFound)] = view is null,
        })
        {
            StatusCode = view is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK,
        };
    }

    private static string Lang(HttpContext http) =>
        http.Request.Query["lang"].ToString() is { Length: > 0 } lang && lang.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "?lang=en" : string.Empty;
}
