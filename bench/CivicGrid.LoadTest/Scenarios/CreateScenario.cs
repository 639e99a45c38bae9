using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using CivicGrid.LoadTest.Load;
using NetTopologySuite.Geometries;

namespace CivicGrid.LoadTest.Scenarios;

/// <summary>
/// 上报 under load: concurrent inspectors POST new reports at positions inside the district, so every
/// request runs the real path (category check, grid lookup, case number, stage clock, outbox, DTO).
/// </summary>
public static class CreateScenario
{
    public const string Kind = "POST /api/v1/cases";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    public static async Task<int> RunAsync(ScenarioSettings settings, string category, int gridCount, CancellationToken ct)
    {
        using var api = ApiClient.Create(settings.Url, settings.Load.Clients);
        await api.SignInAsync(settings.User, settings.Password, ct);
        var grids = await api.GetGridsAsync(ct);
        var random = new Random(settings.Seed);

        // A few points inside each of a random sample of grids: the server resolves each one with its grid index.
        var positions = new List<Coordinate>();
        foreach (var grid in grids.OrderBy(_ => random.Next()).Take(Math.Max(1, gridCount)))
        {
            var points = new RandomPoints(grid.Boundary);
            for (var i = 0; i < 4; i++)
            {
                positions.Add(points.Next(random));
            }
        }

        HttpRequestMessage NewRequest(long n)
        {
            var at = positions[(int)(n % positions.Count)];
            var body = JsonSerializer.SerializeToUtf8Bytes(
                new CreateBody(string.Create(CultureInfo.InvariantCulture, $"压测上报：路边有暴露垃圾（模拟数据）#{n}"), category, at.X, at.Y), Json);
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = JsonType;
            return new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = content };
        }

        using (var probe = NewRequest(0))
        {
            var (status, text) = await api.SendForBodyAsync(probe, ct);
            if (status != 201)
            {
                throw new LoadTestException($"the first test report was refused: {status} {text}");
            }
        }

        var result = await LoadRunner.RunAsync(settings.Load, async (n, token) =>
        {
            using var request = NewRequest(n);
            return await api.SendAsync(request, Kind, readTotal: false, token);
        }, ct);
        var markdown = Report.Header("create", settings.Label, settings.Load, result) + Report.Table(result, perKind: false, withTotals: false);
        await Report.WriteAsync(markdown, settings.OutPath, ct);
        return result.Samples.Any(s => s.Outcome.IsSuccess) ? 0 : 1;
    }

    private sealed record CreateBody(string Description, string CategoryCode, double Longitude, double Latitude);
}
