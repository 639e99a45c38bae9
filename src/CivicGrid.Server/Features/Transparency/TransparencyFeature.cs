using CivicGrid.Server.Features.Intake.Pages;
using CivicGrid.Server.Features.WebConsole;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Transparency;

/// <summary>
/// 进度公开: what anyone may see without signing in — a map of recent cases at the resolution of
/// their unit grid, monthly figures per street, and the open-data exports. Nothing here carries
/// personal data or free text (descriptions, addresses, notes), which could contain it.
/// </summary>
public static class TransparencyFeature
{
    public static IHostApplicationBuilder AddTransparency(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapTransparency(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/public").WithTags("Public");
        group.MapGet("/cases/map", PublicCases.MapAsync).WithName("PublicCaseMap").AllowAnonymous()
            .WithSummary("Cases filed in the last days as GeoJSON points at their unit grid's centre: category, status, grid, dates.")
            .Produces<string>(StatusCodes.Status200OK, "application/geo+json").ProducesValidationProblem();
        group.MapGet("/statistics/monthly", PublicStatistics.MonthlyAsync).WithName("PublicMonthlyStatistics").AllowAnonymous()
            .WithSummary("One month's figures per street: cases reported, closed, closed on time and the on-time rate.")
            .Produces<MonthlyStatisticsDto>().ProducesValidationProblem();
        group.MapGet("/open-data/cases.csv", PublicCases.CsvAsync).WithName("OpenDataCasesCsv").AllowAnonymous()
            .WithSummary("Open data: filed cases as CSV (UTF-8), positions at the unit grid's centre, without personal data or free text.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesValidationProblem();
        group.MapGet("/open-data/cases.geojson", PublicCases.GeoJsonAsync).WithName("OpenDataCasesGeoJson").AllowAnonymous()
            .WithSummary("Open data: the same rows as the CSV, as a GeoJSON FeatureCollection.")
            .Produces<string>(StatusCodes.Status200OK, "application/geo+json").ProducesValidationProblem();
        app.MapGet("/public/map", MapPageAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> MapPageAsync(HttpContext http, ConsoleData console, IOptions<ConsoleOptions> options, CancellationToken ct) =>
        new RazorComponentResult<PublicMapPage>(new Dictionary<string, object?>
        {
            [nameof(PublicMapPage.T)] = CitizenText.For(http),
            [nameof(PublicMapPage.StreetsGeoJson)] = await console.StreetsGeoJsonAsync(ct),
            [nameof(PublicMapPage.TileUrl)] = options.Value.TileUrl,
            [nameof(PublicMapPage.TileAttribution)] = options.Value.TileAttribution,
        });
}
