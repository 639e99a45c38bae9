using System.Globalization;
using CivicGrid.LoadTest.Load;

namespace CivicGrid.LoadTest.Scenarios;

/// <summary>
/// The case list under load: concurrent clients page through GET /api/v1/cases with the filters the
/// console uses, in turn, so each filter gets its own latency figures.
/// </summary>
public static class ListScenario
{
    private const int PageSize = 20;

    /// <summary>A filter kind: its name in the report and its query for the i-th value.</summary>
    private sealed record Filter(string Kind, Func<int, string> Query);

    public static async Task<int> RunAsync(ScenarioSettings settings, int pages, CancellationToken ct)
    {
        using var api = ApiClient.Create(settings.Url, settings.Load.Clients);
        await api.SignInAsync(settings.User, settings.Password, ct);
        var grids = await api.GetGridsAsync(ct);
        var filters = BuildFilters(grids, new Random(settings.Seed), DateTimeOffset.UtcNow);
        pages = Math.Max(1, pages);

        string Url(long n, out string kind)
        {
            var index = (int)((n - 1) % filters.Count);
            var round = (int)((n - 1) / filters.Count);
            var filter = filters[index];
            kind = filter.Kind;
            var query = filter.Query(round);
            var page = 1 + (round % pages);
            return string.Create(CultureInfo.InvariantCulture, $"/api/v1/cases?{query}{(query.Length == 0 ? "" : "&")}page={page}&pageSize={PageSize}");
        }

        // Every filter once, unmeasured: the server must accept each query before the run starts.
        for (var i = 1; i <= filters.Count; i++)
        {
            using var probe = new HttpRequestMessage(HttpMethod.Get, Url(i, out var kind));
            var (status, body) = await api.SendForBodyAsync(probe, ct);
            if (status != 200)
            {
                throw new LoadTestException($"{kind}: {probe.RequestUri} answered {status} {body}");
            }

            await Console.Error.WriteLineAsync($"{kind,-26} total {ApiClient.ReadTotal(System.Text.Encoding.UTF8.GetBytes(body))}");
        }

        var result = await LoadRunner.RunAsync(settings.Load, async (n, token) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Url(n, out var kind));
            return await api.SendAsync(request, kind, readTotal: true, token);
        }, ct);
        var markdown = Report.Header("list", settings.Label, settings.Load, result)
            + string.Create(CultureInfo.InvariantCulture, $"pageSize {PageSize}, pages 1–{pages} in turn; every answer also counts the matching rows (total).\n\n")
            + Report.Table(result, perKind: true, withTotals: true, [.. filters.Select(f => f.Kind)]);
        await Report.WriteAsync(markdown, settings.OutPath, ct);
        return result.Samples.Any(s => s.Outcome.IsSuccess) ? 0 : 1;
    }

    private static List<Filter> BuildFilters(IReadOnlyList<GridInfo> grids, Random random, DateTimeOffset now)
    {
        var streets = grids.Select(g => g.StreetCode).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var sample = grids.OrderBy(_ => random.Next()).Take(32).ToArray();
        string[] categories = ["06010", "09009", "07001", "01037"];
        var weeks = Enumerable.Range(0, 16).Select(_ => Window(now.AddDays(-random.Next(7, 365)), 7)).ToArray();
        var months = Enumerable.Range(0, 16).Select(_ => Window(now.AddDays(-random.Next(30, 365)), 30)).ToArray();
        var boxes = sample.Select(g =>
        {
            // About 850 m × 900 m around a grid: a neighbourhood on the map.
            var c = g.Boundary.Centroid.Coordinate;
            return string.Create(CultureInfo.InvariantCulture, $"{c.X - 0.005:F6},{c.Y - 0.004:F6},{c.X + 0.005:F6},{c.Y + 0.004:F6}");
        }).ToArray();

        return
        [
            new("no filter", _ => ""),
            new("status=handling", _ => "status=handling"),
            new("status=closed", _ => "status=closed"),
            new("categoryCode", i => "categoryCode=" + categories[i % categories.Length]),
            new("streetCode", i => "streetCode=" + streets[i % streets.Length]),
            new("gridCode", i => "gridCode=" + sample[i % sample.Length].Code),
            new("overdue=true", _ => "overdue=true"),
            new("from/to (7 days)", i => weeks[i % weeks.Length]),
            new("bbox (~0.8 km²)", i => "bbox=" + boxes[i % boxes.Length]),
            new("street+closed+30 days", i => $"streetCode={streets[(i * 7) % streets.Length]}&status=closed&{months[i % months.Length]}"),
        ];
    }

    private static string Window(DateTimeOffset from, int days)
    {
        var start = new DateTimeOffset(from.UtcDateTime.Date, TimeSpan.Zero);
        return string.Create(CultureInfo.InvariantCulture, $"from={start:yyyy-MM-ddTHH:mm:ssZ}&to={start.AddDays(days):yyyy-MM-ddTHH:mm:ssZ}");
    }
}
