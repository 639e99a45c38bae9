using System.Globalization;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Transparency;

/// <summary>One street's month.</summary>
/// <param name="StreetCode">9-digit street code.</param>
/// <param name="StreetName">Chinese name.</param>
/// <param name="StreetNameEn">English name.</param>
/// <param name="Reported">Cases reported in the month and filed (the public statuses).</param>
/// <param name="Closed">Cases closed in the month.</param>
/// <param name="ClosedOnTime">Of those, cases whose every stage finished within its time limit.</param>
/// <param name="OnTimeRate">ClosedOnTime / Closed (按期结案率), null when nothing was closed.</param>
/// <param name="Ratings">Reporters' ratings given in the month to the street's cases.</param>
/// <param name="Satisfaction">Their average, 1–5 stars (满意度), null when nobody rated.</param>
public sealed record StreetMonthDto(string StreetCode, string? StreetName, string? StreetNameEn, int Reported, int Closed, int ClosedOnTime, double? OnTimeRate, int Ratings, double? Satisfaction);

/// <summary>A month's public figures, by street; months are Beijing calendar months.</summary>
public sealed record MonthlyStatisticsDto(string Month, IReadOnlyList<StreetMonthDto> Streets);

/// <summary>GET /api/v1/public/statistics/monthly?month=2026-03.</summary>
internal static class PublicStatistics
{
    public static async Task<IResult> MonthlyAsync(CivicGridDbContext db, TimeProvider clock, string? month, CancellationToken ct) =>
        Results.Ok(await ComputeAsync(db, clock, month, ct));

    /// <summary>The figures of a month (the API and the public page).</summary>
    /// <exception cref="DomainValidationException">The month is not yyyy-MM.</exception>
    public static async Task<MonthlyStatisticsDto> ComputeAsync(CivicGridDbContext db, TimeProvider clock, string? month, CancellationToken ct)
    {
        var (name, from, to) = Month(month, clock);
        var reported = await db.Cases.AsNoTracking()
            .Where(c => PublicCases.PublicStatuses.Contains(c.Status) && c.ReportedAt >= from && c.ReportedAt < to)
            .GroupBy(c => c.StreetCode)
            .Select(g => new { Street = g.Key, Count = g.Count() })
            .ToListAsync(ct);
        var closed = await db.Cases.AsNoTracking()
            .Where(c => c.Status == CaseStatus.Closed && c.ClosedAt >= from && c.ClosedAt < to)
            .Select(c => new { c.StreetCode, Late = c.Stages.Any(s => s.FinishedAt != null && s.FinishedAt > s.DueAt) })
            .ToListAsync(ct);
        var ratings = await db.CaseReporters.AsNoTracking()
            .Where(r => r.Rating != null && r.RatedAt >= from && r.RatedAt < to)
            .Join(db.Cases, r => r.CaseId, c => c.Id, (r, c) => new { c.StreetCode, Stars = r.Rating!.Value })
            .ToListAsync(ct);
        var streets = await db.Streets.AsNoTracking().Select(s => new { s.Code, s.NameZh, s.NameEn }).ToListAsync(ct);

        var codes = reported.Select(r => r.Street).Concat(closed.Select(c => c.StreetCode)).Concat(ratings.Select(r => r.StreetCode)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var rows = codes.Select(code =>
        {
            var street = streets.FirstOrDefault(s => s.Code == code);
            var closedHere = closed.Where(c => c.StreetCode == code).ToList();
            var onTime = closedHere.Count(c => !c.Late);
            var stars = ratings.Where(r => r.StreetCode == code).Select(r => r.Stars).ToList();
            return new StreetMonthDto(
                code, street?.NameZh, street?.NameEn,
                reported.FirstOrDefault(r => r.Street == code)?.Count ?? 0,
                closedHere.Count, onTime,
                closedHere.Count == 0 ? null : Math.Round((double)onTime / closedHere.Count, 4),
                stars.Count,
                stars.Count == 0 ? null : Math.Round(stars.Average(), 2));
        }).ToList();
        return new MonthlyStatisticsDto(name, rows);
    }

    /// <summary>The month asked for (yyyy-MM, default: this month in Beijing) as UTC bounds.</summary>
    private static (string Name, DateTimeOffset From, DateTimeOffset To) Month(string? month, TimeProvider clock)
    {
        int year, number;
        if (string.IsNullOrWhiteSpace(month))
        {
            var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), WorkingCalendar.ChinaTimeZone);
            (year, number) = (local.Year, local.Month);
        }
        else if (DateTime.TryParseExact(month, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) && parsed.Year >= 2000)
        {
            (year, number) = (parsed.Year, parsed.Month);
        }
        else
        {
            throw new DomainValidationException("month", "'month' is a month like 2026-03.");
        }

        var start = new DateTime(year, number, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var offset = WorkingCalendar.ChinaTimeZone.GetUtcOffset(start);
        var from = new DateTimeOffset(start, offset).ToUniversalTime();
        var to = new DateTimeOffset(start.AddMonths(1), offset).ToUniversalTime();
        return (string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{number:D2}"), from, to);
    }
}
