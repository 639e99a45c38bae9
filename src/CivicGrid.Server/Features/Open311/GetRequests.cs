using CivicGrid.Domain.Cases;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Open311;

/// <summary>
/// GET requests.{fmt} and requests/{id}.{fmt}: cases as service requests. Spec defaults: the last
/// 90 days when no date range is given, a range of at most 90 days, at most 1000 requests.
/// Extensions: <c>extensions=true</c>, <c>page</c>/<c>page_size</c>, <c>updated_after</c>/<c>updated_before</c>.
/// </summary>
internal static class GetRequests
{
    public const int MaxResults = 1000;
    public static readonly TimeSpan MaxSpan = TimeSpan.FromDays(90);

    public static async Task<IResult> ListAsync(string format, HttpContext http, CivicGridDbContext db, IOptions<Open311Options> options, TimeProvider clock, CancellationToken ct)
    {
        var fmt = Open311Writer.Parse(format);
        var p = await Open311Parameters.ReadAsync(http.Request, withBody: false, ct);
        Open311Feature.CheckJurisdiction(p, options.Value);
        var extensions = p.Flag("extensions");
        var page = p.Int("page", 1, 1_000_000) ?? 1;
        var pageSize = p.Int("page_size", 1, MaxResults) ?? MaxResults;

        var query = db.Cases.AsNoTracking();
        if (p.List("service_request_id") is { Count: > 0 } ids)
        {
            // The spec: a list of ids overrides every other argument.
            if (ids.Count > MaxResults)
            {
                throw Open311Exception.BadRequest($"service_request_id: at most {MaxResults} ids.");
            }

            query = query.Where(c => ids.Contains(c.Number));
            page = 1;
            pageSize = MaxResults;
        }
        else
        {
            query = Filter(query, p, clock.GetUtcNow());
        }

        var rows = await RequestViews.Project(query
                .OrderByDescending(c => c.ReportedAt)
                .ThenByDescending(c => c.Id)
                .Skip((page - 1) * pageSize)
                .Take(pageSize))
            .ToListAsync(ct);
        var items = await RequestViews.BuildAsync(db, rows, Open311Locale.IsEnglish(http.Request), extensions, Open311Locale.BaseUrl(http.Request, options.Value), ct);
        return new Open311Result(new O311Reply("service_requests", new O311List("request", items)), fmt);
    }

    public static async Task<IResult> OneAsync(string format, string id, HttpContext http, CivicGridDbContext db, IOptions<Open311Options> options, CancellationToken ct)
    {
        var fmt = Open311Writer.Parse(format);
        var p = await Open311Parameters.ReadAsync(http.Request, withBody: false, ct);
        Open311Feature.CheckJurisdiction(p, options.Value);
        var rows = await RequestViews.Project(db.Cases.AsNoTracking().Where(c => c.Number == id)).ToListAsync(ct);
        if (rows.Count == 0)
        {
            throw Open311Exception.NotFound($"Service request '{id}' was not found.");
        }

        var items = await RequestViews.BuildAsync(db, rows, Open311Locale.IsEnglish(http.Request), p.Flag("extensions"), Open311Locale.BaseUrl(http.Request, options.Value), ct);
        return new Open311Result(new O311Reply("service_requests", new O311List("request", items)), fmt);
    }

    private static IQueryable<Case> Filter(IQueryable<Case> query, Open311Parameters p, DateTimeOffset now)
    {
        if (p.List("service_code") is { Count: > 0 } codes)
        {
            query = query.Where(c => codes.Contains(c.CategoryCode));
        }

        if (p.List("status") is { Count: > 0 } statusList)
        {
            var statuses = new List<CaseStatus>();
            foreach (var s in statusList)
            {
                if (s is not ("open" or "closed"))
                {
                    throw Open311Exception.BadRequest($"status: '{s}' is not open or closed.");
                }

                statuses.AddRange(RequestViews.StatusesFor(s));
            }

            query = query.Where(c => statuses.Contains(c.Status));
        }

        var updatedAfter = p.Instant("updated_after");
        var updatedBefore = p.Instant("updated_before");
        if (updatedAfter is { } ua && updatedBefore is { } ub && ub < ua)
        {
            throw Open311Exception.BadRequest("updated_before: earlier than updated_after.");
        }

        if (updatedAfter is { } after)
        {
            var utc = after.ToUniversalTime();
            query = query.Where(c => c.UpdatedAt >= utc);
        }

        if (updatedBefore is { } before)
        {
            var utc = before.ToUniversalTime();
            query = query.Where(c => c.UpdatedAt <= utc);
        }

        var (start, end) = Window(p, now, defaultWindow: updatedAfter is null && updatedBefore is null);
        if (start is { } from)
        {
            var utc = from.ToUniversalTime();
            query = query.Where(c => c.ReportedAt >= utc);
        }

        if (end is { } to)
        {
            var utc = to.ToUniversalTime();
            query = query.Where(c => c.ReportedAt <= utc);
        }

        return query;
    }

    /// <summary>
    /// The requested_datetime window: start_date/end_date as given (at most 90 days apart; one alone
    /// spans 90 days from it), else the last 90 days, unless an updated_* filter asks for changes instead.
    /// </summary>
    internal static (DateTimeOffset? Start, DateTimeOffset? End) Window(Open311Parameters p, DateTimeOffset now, bool defaultWindow)
    {
        var start = p.Instant("start_date");
        var end = p.Instant("end_date");
        switch (start, end)
        {
            case ({ } s, { } e):
                if (e < s)
                {
                    throw Open311Exception.BadRequest("end_date: earlier than start_date.");
                }

                if (e - s > MaxSpan)
                {
                    throw Open311Exception.BadRequest("end_date: start_date and end_date may span at most 90 days.");
                }

                return (s, e);
            case ({ } s, null):
                return (s, s + MaxSpan);
            case (null, { } e):
                return (e - MaxSpan, e);
            default:
                return defaultWindow ? (now - MaxSpan, null) : (null, null);
        }
    }
}
