using System.Security.Claims;
using CivicGrid.Domain.CityModel;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Security;
using CivicGrid.Server.Features.WebConsole;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Inspection.Pages;

/// <summary>The patrol page, rendered on the server as plain HTML (a static Razor component; no circuit).</summary>
internal static class InspectorPages
{
    /// <summary>How many categories the quick pickers offer.</summary>
    private const int CommonCount = 8;

    /// <summary>The window whose reports decide which categories are common.</summary>
    private static readonly TimeSpan CommonWindow = TimeSpan.FromDays(30);

    /// <summary>What inspectors report most in a district without history yet (garbage, parking, ads, clutter, bikes, lights, bins, roads).</summary>
    private static readonly string[] DefaultCommon = ["06010", "09009", "07001", "06036", "09010", "01037", "06042", "06013"];

    public static async Task<IResult> PageAsync(HttpContext http, ClaimsPrincipal user, CivicGridDbContext db, ConsoleData console, IOptions<ConsoleOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var categories = await db.Categories.AsNoTracking()
            .Where(c => c.Kind == CategoryKind.Event && c.IsActive)
            .OrderBy(c => c.Code)
            .Select(c => new InspectorPage.CategoryOption(c.Code, c.MajorNameZh, c.MajorNameEn, c.NameZh, c.NameEn))
            .ToListAsync(ct);
        var since = clock.GetUtcNow() - CommonWindow;
        var frequent = await db.Cases.AsNoTracking()
            .Where(c => c.ReportedAt >= since)
            .GroupBy(c => c.CategoryCode)
            .Select(g => new { Code = g.Key, Count = g.Count() })
            .OrderByDescending(g => g.Count)
            .ThenBy(g => g.Code)
            .Take(CommonCount)
            .Select(g => g.Code)
            .ToListAsync(ct);
        var common = frequent.Concat(DefaultCommon).Distinct(StringComparer.Ordinal)
            .Select(code => categories.FirstOrDefault(c => c.Code == code))
            .OfType<InspectorPage.CategoryOption>()
            .Take(CommonCount)
            .ToList();
        return new RazorComponentResult<InspectorPage>(new Dictionary<string, object?>
        {
            [nameof(InspectorPage.T)] = InspectorText.For(http),
            [nameof(InspectorPage.Categories)] = categories,
            [nameof(InspectorPage.Common)] = common,
            [nameof(InspectorPage.DisplayName)] = user.ToActor().DisplayName,
            [nameof(InspectorPage.UserId)] = user.ToActor().UserId.ToString(),
            [nameof(InspectorPage.StreetsGeoJson)] = await console.StreetsGeoJsonAsync(ct),
            [nameof(InspectorPage.TileUrl)] = options.Value.TileUrl,
            [nameof(InspectorPage.TileAttribution)] = options.Value.TileAttribution,
            [nameof(InspectorPage.Nonce)] = http.Items[SecurityHeaders.NonceItem] as string ?? string.Empty,
        });
    }
}
