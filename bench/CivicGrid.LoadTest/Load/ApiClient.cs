using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace CivicGrid.LoadTest.Load;

/// <summary>A unit grid as the API lists it.</summary>
public sealed record GridInfo(string Code, string CommunityCode, string StreetCode, Geometry Boundary);

/// <summary>The HTTP side of the scenarios: one pooled client for every simulated client, signed in once.</summary>
public sealed class ApiClient : IDisposable
{
    private static readonly JsonSerializerOptions GeoJson = new(JsonSerializerDefaults.Web) { Converters = { new GeoJsonConverterFactory() } };
    private readonly HttpClient _http;

    private ApiClient(HttpClient http) => _http = http;

    public static ApiClient Create(Uri baseUrl, int clients)
    {
        EnsureLoopback(baseUrl);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = clients + 2,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
        };
        return new ApiClient(new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>The load goes to this machine only: a load tool must not be pointed at someone else's server by a typo.</summary>
    public static void EnsureLoopback(Uri url)
    {
        var host = url.IdnHost;
        var loopback = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--url must be an http(s) loopback address (127.0.0.1, ::1, localhost), not '{url}'.");
        }
    }

    public async Task SignInAsync(string user, string password, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync("/api/v1/auth/token", new { username = user, password }, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new LoadTestException($"sign-in as '{user}' failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
        var token = body.RootElement.GetProperty("access_token").GetString();
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>Every unit grid of the district (GET /api/v1/grids), with its polygon.</summary>
    public async Task<IReadOnlyList<GridInfo>> GetGridsAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync("/api/v1/grids", ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new LoadTestException($"GET /api/v1/grids answered {(int)response.StatusCode}.");
        }

        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
        var grids = new List<GridInfo>();
        foreach (var feature in doc.RootElement.GetProperty("features").EnumerateArray())
        {
            var properties = feature.GetProperty("properties");
            var geometry = feature.GetProperty("geometry").Deserialize<Geometry>(GeoJson)
                ?? throw new LoadTestException("A grid without a geometry.");
            grids.Add(new GridInfo(
                properties.GetProperty("code").GetString()!,
                properties.GetProperty("communityCode").GetString()!,
                properties.GetProperty("streetCode").GetString()!,
                geometry));
        }

        if (grids.Count == 0)
        {
            throw new LoadTestException("The server has no unit grids: start it with --demo.");
        }

        return grids;
    }

    /// <summary>Sends one request, reads the whole answer and classifies it; transport failures become status 0.</summary>
    public async Task<Outcome> SendAsync(HttpRequestMessage request, string kind, bool readTotal, CancellationToken ct)
    {
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            long? total = null;
            if (readTotal && response.IsSuccessStatusCode)
            {
                total = ReadTotal(await response.Content.ReadAsByteArrayAsync(ct));
            }

            return new Outcome(kind, (int)response.StatusCode, null, total);
        }
        catch (HttpRequestException e)
        {
            return new Outcome(kind, 0, e.HttpRequestError.ToString());
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(kind, 0, "timeout");
        }
    }

    /// <summary>Sends one request and returns the answer's status and body (set-up calls, not measured).</summary>
    public async Task<(int Status, string Body)> SendForBodyAsync(HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await _http.SendAsync(request, ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The top-level <c>total</c> of a case page.</summary>
    public static long? ReadTotal(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("total"u8))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : null;
            }
        }

        return null;
    }
}
