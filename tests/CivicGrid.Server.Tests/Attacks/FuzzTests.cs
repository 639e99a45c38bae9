using System.Net;
using System.Text;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Attacks;

/// <summary>
/// Generated malformed requests (seeded, so a failure replays): random methods, paths, headers,
/// JSON and form bodies at the public endpoints. No answer may be a 5xx, and the server must still
/// answer <c>/health/live</c> afterwards.
/// </summary>
public abstract class FuzzTests(CivicGridApp app) : ApiTest(app)
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND", "X-FUZZ"];

    private static readonly string[] Paths =
    [
        "/api/v1/auth/token", "/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/auth/me", "/api/v1/cases", "/api/v1/cases/{x}",
        "/api/v1/cases/{x}/transitions", "/open311/v2/services.json", "/open311/v2/services.xml", "/open311/v2/services/{x}.json",
        "/open311/v2/requests.json", "/open311/v2/requests.xml", "/open311/v2/requests/{x}.json", "/open311/v2/tokens/{x}.json",
        "/open311/v2/servicerequestupdates.json", "/open311/v2/discovery.json", "/open311/v2/media/{x}", "/health/live", "/health/ready",
        "/login", "/language", "/logout", "/{x}", "/api/{x}", "/open311/v2/{x}",
    ];

    private static readonly string[] Fragments =
    [
        "", "%00", "..%2f..%2f", "' OR 1=1--", "<script>", "\u0000", "%", "%%", "?", "&&", "=", "{", "}", "[]", "null", "-1",
        "99999999999999999999", "NaN", "💥", "中文", new string('a', 3000), "..\\..", "%ZZ", "\r\n", "true",
    ];

    [Fact]
    public async Task ThreeThousandMalformedRequests_AtThePublicEndpoints_GetNo5xx_AndTheServerStaysUp()
    {
        var random = new Random(20260302);
        var client = App.CreateClient();
        var failures = new List<string>();
        for (var i = 0; i < 3000; i++)
        {
            using var request = Generate(random);
            var description = $"#{i} {request.Method} {request.RequestUri}";
            try
            {
                using var response = await client.SendAsync(request, Ct);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{description}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
                }
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{description}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
    }

    private static HttpRequestMessage Generate(Random random)
    {
        string Pick(string[] xs) => xs[random.Next(xs.Length)];
        // NUL in the path is refused by the in-process test client before the server sees it (Kestrel answers 400).
        var segment = Pick(Fragments).Replace("\u0000", string.Empty, StringComparison.Ordinal).Replace("%00", "%01", StringComparison.Ordinal);
        var path = Pick(Paths).Replace("{x}", Uri.EscapeDataString(segment), StringComparison.Ordinal);
        if (random.Next(3) == 0)
        {
            path += "?" + Uri.EscapeDataString(Pick(Fragments)) + "=" + Uri.EscapeDataString(Pick(Fragments)) + "&api_key=" + Uri.EscapeDataString(Pick(Fragments));
        }

        var request = new HttpRequestMessage(new HttpMethod(Pick(Methods)), path);
        switch (random.Next(6))
        {
            case 0:
                request.Content = new StringContent(RandomJson(random, 3), Encoding.UTF8, "application/json");
                break;
            case 1:
                request.Content = new StringContent("{\"username\":" + RandomJson(random, 1) + ",\"password\":" + RandomJson(random, 1), Encoding.UTF8, "application/json");
                break;
            case 2:
                request.Content = new FormUrlEncodedContent(Enumerable.Range(0, random.Next(6)).Select(_ =>
                    new KeyValuePair<string, string>(Pick(["service_code", "lat", "long", "api_key", "description", "media", "attribute[x]", Pick(Fragments)]), Pick(Fragments))));
                break;
            case 3:
                var bytes = new byte[random.Next(2000)];
                random.NextBytes(bytes);
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", Pick(["application/json", "multipart/form-data; boundary=x", "text/xml", "application/x-www-form-urlencoded", "image/png", "garbage/;;"]));
                break;
            case 4:
                request.Content = new StringContent("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n\r\n" + Pick(Fragments) + "\r\n--x--", Encoding.UTF8);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=x");
                break;
        }

        foreach (var _ in Enumerable.Range(0, random.Next(4)))
        {
            var name = Pick(["Authorization", "Accept", "Accept-Language", "If-Match", "Idempotency-Key", "Cookie", "X-Device-Token", "Range", "X-Forwarded-For"]);
            var value = Pick(["Bearer " + Pick(Fragments), "Bearer eyJhbGciOiJub25lIn0.e30.", "*/*", "zh-CN;q=x", "\"v1\"", "W/\"x\"", "civicgrid.auth=garbage", "bytes=9-1", Pick(Fragments)]);
            request.Headers.TryAddWithoutValidation(name, value.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\u0000", string.Empty, StringComparison.Ordinal));
        }

        return request;
    }

    private static string RandomJson(Random random, int depth) =>
        (depth <= 0 ? random.Next(6) : random.Next(9)) switch
        {
            0 => "null",
            1 => random.Next(2) == 0 ? "true" : "false",
            2 => random.NextDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            3 => "\"" + new string('\\', random.Next(3)) + "x\"",
            4 => "1e400",
            5 => "{",
            6 => "[" + string.Join(',', Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth - 1))) + "]",
            _ => "{" + string.Join(',', Enumerable.Range(0, random.Next(4)).Select(i => $"\"{(i % 2 == 0 ? "username" : "description")}\":" + RandomJson(random, depth - 1))) + "}",
        };
}

[Collection(SqliteCollection.Name)]
public sealed class FuzzTestsOnSqlite(SqliteApp app) : FuzzTests(app);
