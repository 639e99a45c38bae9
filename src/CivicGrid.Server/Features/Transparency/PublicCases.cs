using System.Globalization;
using System.Text;
using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Cases;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Transparency;

/// <summary>One case as the public sees it: no number, no text, no people; the position is its unit grid's centre.</summary>
internal sealed record PublicCaseRow(
    string CategoryCode, string? CategoryNameZh, string? CategoryNameEn, CaseStatus Status, string GridCode, string CommunityCode, string StreetCode,
    double Longitude, double Latitude, DateTimeOffset ReportedAt, DateTimeOffset? ClosedAt);

/// <summary>The public map and the open-data exports of cases.</summary>
internal static class PublicCases
{
    /// <summary>Statuses the public sees: cases the centre filed. Reports not yet filed, rejected, merged or voided may be mistaken, duplicated or abusive.</summary>
    public static readonly CaseStatus[] PublicStatuses =
        [CaseStatus.Filed, CaseStatus.Dispatched, CaseStatus.Handling, CaseStatus.Suspended, CaseStatus.Checking, CaseStatus.Closed];

    public const int MaxMapDays = 90;
    public const int MaxMapFeatures = 5000;
    public const int MaxExportDays = 366;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>GET /api/v1/public/cases/map?days=30.</summary>
    public static async Task MapAsync(HttpContext http, CivicGridDbContext db, TimeProvider clock, int? days, CancellationToken ct)
    {
        var d = days ?? 30;
        if (d is < 1 or > MaxMapDays)
        {
            throw new DomainValidationException("days", $"'days' is between 1 and {MaxMapDays}.");
        }

        var since = clock.GetUtcNow().AddDays(-d);
        var rows = Rows(db, since, null, newestFirst: true, MaxMapFeatures).AsAsyncEnumerable();
        await WriteGeoJsonAsync(http, rows, null, ct);
    }

    /// <summary>GET /api/v1/public/open-data/cases.csv?from&amp;to.</summary>
    public static async Task CsvAsync(HttpContext http, CivicGridDbContext db, TimeProvider clock, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var (f, t) = Range(clock, from, to);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"civicgrid-cases.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), leaveOpen: true);
        await WriteCsvAsync(writer, Rows(db, f, t, newestFirst: false, null).AsAsyncEnumerable(), ct);
    }

    /// <summary>Writes open-data rows as CSV with a header line; returns how many rows it wrote.</summary>
    internal static async Task<int> WriteCsvAsync(TextWriter writer, IAsyncEnumerable<PublicCaseRow> rows, CancellationToken ct)
    {
        await writer.WriteLineAsync("category_code,category_name,status,grid_code,community_code,street_code,longitude,latitude,reported_at,closed_at");
        var n = 0;
        await foreach (var r in rows.WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{r.CategoryCode},{Csv(r.CategoryNameZh)},{Status(r.Status)},{r.GridCode},{r.CommunityCode},{r.StreetCode},{r.Longitude:0.######},{r.Latitude:0.######},{Instant(r.ReportedAt)},{Instant(r.ClosedAt)}"));
            n++;
        }

        return n;
    }

    /// <summary>GET /api/v1/public/open-data/cases.geojson?from&amp;to.</summary>
    public static async Task GeoJsonAsync(HttpContext http, CivicGridDbContext db, TimeProvider clock, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var (f, t) = Range(clock, from, to);
        await WriteGeoJsonAsync(http, Rows(db, f, t, newestFirst: false, null).AsAsyncEnumerable(), "civicgrid-cases.geojson", ct);
    }

    /// <summary>Public cases reported in [from, to) (either end open when null), in time order, joined to their unit grid's centre and their category's names.</summary>
    internal static IQueryable<PublicCaseRow> Rows(CivicGridDbContext db, DateTimeOffset? from, DateTimeOffset? to, bool newestFirst, int? limit)
    {
        var cases = db.Cases.AsNoTracking().Where(c => PublicStatuses.Contains(c.Status));
        if (from is { } f)
        {
            cases = cases.Where(c => c.ReportedAt >= f);
        }

        if (to is { } t)
        {
            cases = cases.Where(c => c.ReportedAt < t);
        }

        cases = newestFirst ? cases.OrderByDescending(c => c.ReportedAt) : cases.OrderBy(c => c.ReportedAt);
        if (limit is { } n)
        {
            cases = cases.Take(n);
        }

        return from c in cases
               join g in db.UnitGrids on c.GridCode equals g.Code
               join k in db.Categories.Where(k => k.Kind == Domain.CityModel.CategoryKind.Event) on c.CategoryCode equals k.Code into ks
               from k in ks.DefaultIfEmpty()
               select new PublicCaseRow(
                   c.CategoryCode, k == null ? null : k.NameZh, k == null ? null : k.NameEn, c.Status, c.GridCode, c.CommunityCode, c.StreetCode,
                   g.CentroidLongitude, g.CentroidLatitude, c.ReportedAt, c.ClosedAt);
    }

    /// <summary>The export window: at most a year; by default the last year up to now (inclusive).</summary>
    private static (DateTimeOffset From, DateTimeOffset? To) Range(TimeProvider clock, DateTimeOffset? from, DateTimeOffset? to)
    {
        var end = to ?? clock.GetUtcNow();
        var f = from ?? end.AddDays(-MaxExportDays);
        if (f >= end)
        {
            throw new DomainValidationException("from", "'from' must be before 'to'.");
        }

        if (end - f > TimeSpan.FromDays(MaxExportDays))
        {
            throw new DomainValidationException("from", $"One export covers at most {MaxExportDays} days; ask for several.");
        }

        return (f, to);
    }

    private static async Task WriteGeoJsonAsync(HttpContext http, IAsyncEnumerable<PublicCaseRow> rows, string? fileName, CancellationToken ct)
    {
        http.Response.ContentType = "application/geo+json; charset=utf-8";
        if (fileName is not null)
        {
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        }

        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), leaveOpen: true);
        await WriteGeoJsonAsync(writer, rows, ct);
    }

    /// <summary>Writes open-data rows as a GeoJSON FeatureCollection; returns how many features it wrote.</summary>
    internal static async Task<int> WriteGeoJsonAsync(TextWriter writer, IAsyncEnumerable<PublicCaseRow> rows, CancellationToken ct)
    {
        await writer.WriteAsync("{\"type\":\"FeatureCollection\",\"features\":[");
        var n = 0;
        await foreach (var r in rows.WithCancellation(ct))
        {
            var feature = new
            {
                type = "Feature",
                geometry = new { type = "Point", coordinates = new[] { Math.Round(r.Longitude, 6), Math.Round(r.Latitude, 6) } },
                properties = new
                {
                    categoryCode = r.CategoryCode,
                    categoryName = r.CategoryNameZh,
                    categoryNameEn = r.CategoryNameEn,
                    status = Status(r.Status),
                    statusName = CaseStatusNames.Chinese(r.Status),
                    gridCode = r.GridCode,
                    communityCode = r.CommunityCode,
                    streetCode = r.StreetCode,
                    reportedAt = Instant(r.ReportedAt),
                    closedAt = Instant(r.ClosedAt),
                },
            };
            await writer.WriteAsync((n++ == 0 ? string.Empty : ",") + JsonSerializer.Serialize(feature, Json));
        }

        await writer.WriteAsync("]}");
        return n;
    }

    private static string Status(CaseStatus s) => JsonNamingPolicy.CamelCase.ConvertName(s.ToString());

    // Minutes are enough for the public, and avoid a timing side channel finer than that.
    private static string Instant(DateTimeOffset? at) =>
        at is { } a ? TimeZoneInfo.ConvertTime(a, WorkingCalendar.ChinaTimeZone).ToString("yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture) : string.Empty;

    private static string Csv(string? value) =>
        string.IsNullOrEmpty(value) ? string.Empty
        : value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
