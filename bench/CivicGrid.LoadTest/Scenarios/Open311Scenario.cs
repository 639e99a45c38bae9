using System.Globalization;
using System.Text.Json;
using CivicGrid.LoadTest.Load;
using NetTopologySuite.Geometries;

namespace CivicGrid.LoadTest.Scenarios;

/// <summary>
/// Open311 GeoReport v2 under load, as a third-party app uses it: concurrent clients POST service
/// requests (form-urlencoded, api_key, lat/long) and read them back, in turn: the list
/// (<c>requests.json</c>, the spec's 90-day / 1000-result defaults narrowed to the service) and one
/// request (<c>requests/{id}.json</c>, an id posted in this run).
/// </summary>
public static class Open311Scenario
{
    public const string PostKind = "POST requests.json";
    public const string ListKind = "GET requests.json?service_code";
    public const string OneKind = "GET requests/{id}.json";

    public static async Task<int> RunAsync(ScenarioSettings settings, string apiKey, string serviceCode, int postEvery, CancellationToken ct)
    {
        using var api = ApiClient.Create(settings.Url, settings.Load.Clients);
        await api.SignInAsync(settings.User, settings.Password, ct);
        var grids = await api.GetGridsAsync(ct);
        var random = new Random(settings.Seed);
        var positions = new List<Coordinate>();
        foreach (var grid in grids.OrderBy(_ => random.Next()).Take(64))
        {
            var points = new RandomPoints(grid.Boundary);
            for (var i = 0; i < 4; i++)
            {
                positions.Add(points.Next(random));
            }
        }

        HttpRequestMessage Post(long n)
        {
            var at = positions[(int)(n % positions.Count)];
            return new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["api_key"] = apiKey,
                    ["service_code"] = serviceCode,
                    ["lat"] = at.Y.ToString("R", CultureInfo.InvariantCulture),
                    ["long"] = at.X.ToString("R", CultureInfo.InvariantCulture),
                    ["description"] = string.Create(CultureInfo.InvariantCulture, $"压测 Open311 上报：路边有暴露垃圾（模拟数据）#{n}"),
                    ["email"] = "loadtest@example.org",
                }),
            };
        }

        // The first request must be accepted; its id is the one read back until others exist.
        var ids = new List<string>();
        using (var probe = Post(0))
        {
            var (status, text) = await api.SendForBodyAsync(probe, ct);
            if (status != 200)
            {
                throw new LoadTestException($"the first Open311 request was refused: {status} {text}");
            }

            ids.Add(JsonDocument.Parse(text).RootElement[0].GetProperty("service_request_id").GetString()!);
        }

        var idLock = new Lock();
        var result = await LoadRunner.RunAsync(settings.Load, async (n, token) =>
        {
            if (n % postEvery == 0)
            {
                using var post = Post(n);
                return await api.SendAsync(post, PostKind, readTotal: false, token);
            }

            string path;
            if (n % 2 == 0)
            {
                path = $"/open311/v2/requests.json?service_code={Uri.EscapeDataString(serviceCode)}";
                using var list = new HttpRequestMessage(HttpMethod.Get, path);
                return await api.SendAsync(list, ListKind, readTotal: false, token);
            }

            lock (idLock)
            {
                path = $"/open311/v2/requests/{ids[(int)(n % ids.Count)]}.json";
            }

            using var one = new HttpRequestMessage(HttpMethod.Get, path);
            return await api.SendAsync(one, OneKind, readTotal: false, token);
        }, ct);
        var markdown = Report.Header("open311", settings.Label, settings.Load, result)
            + Report.Table(result, perKind: true, withTotals: false, [PostKind, ListKind, OneKind]);
        await Report.WriteAsync(markdown, settings.OutPath, ct);
        return result.Samples.Any(s => s.Outcome.IsSuccess) ? 0 : 1;
    }
}
