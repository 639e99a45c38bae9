using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Calendar;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Open311;

/// <summary>Helpers for the Open311 tests: an API key per app, form posts, XML and JSON reads.</summary>
public abstract class Open311Test(CivicGridApp app) : ApiTest(app)
{
    protected const string Base = "/open311/v2";

    private static readonly ConcurrentDictionary<CivicGridApp, string> Keys = new();

    /// <summary>A PNG header: enough for the content check.</summary>
    protected static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];

    /// <summary>An API key issued by the admin, one per app.</summary>
    protected async Task<string> KeyAsync()
    {
        if (Keys.TryGetValue(App, out var key))
        {
            return key;
        }

        key = await IssueKeyAsync("test client");
        return Keys.GetOrAdd(App, key);
    }

    protected async Task<string> IssueKeyAsync(string name)
    {
        var admin = await AsAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/v1/api-clients", new { name }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!;
    }

    /// <summary>A form for POST requests: a service, a position inside grid (0, 0), the key.</summary>
    protected async Task<Dictionary<string, string>> FormAsync(string serviceCode = "06010", int row = 0, int col = 0)
    {
        var (lon, lat) = TestDistrict.Inside(row, col);
        return new Dictionary<string, string>
        {
            ["api_key"] = await KeyAsync(),
            ["service_code"] = serviceCode,
            ["lat"] = lat.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["long"] = lon.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["description"] = "Open311 测试 " + Guid.NewGuid().ToString("N"),
        };
    }

    protected Task<HttpResponseMessage> PostFormAsync(string path, IDictionary<string, string> form) =>
        App.CreateClient().PostAsync(Base + path, new FormUrlEncodedContent(form), Ct);

    /// <summary>Posts a request that must succeed (JSON); returns its service_request_id.</summary>
    protected async Task<string> CreateAsync(Dictionary<string, string> form)
    {
        var response = await PostFormAsync("/requests.json", form);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement[0].GetProperty("service_request_id").GetString()!;
    }

    protected async Task<JsonElement> GetJsonAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await App.CreateClient().GetAsync(Base + path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"GET {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    protected async Task<XDocument> GetXmlAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await App.CreateClient().GetAsync(Base + path, Ct);
        return await XmlAsync(response, expected);
    }

    /// <summary>Reads an XML reply: status, content type, the declaration and no namespace.</summary>
    protected static async Task<XDocument> XmlAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text, StringComparison.Ordinal);
        var doc = XDocument.Parse(text);
        Assert.All(doc.Descendants(), e => Assert.Equal(XNamespace.None, e.Name.Namespace));
        return doc;
    }

    /// <summary>Reads a JSON error reply: an array of {code (number), description}.</summary>
    protected static async Task<IReadOnlyList<(int Code, string Description)>> JsonErrorsAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal(JsonValueKind.Array, root.ValueKind);
        Assert.NotEqual(0, root.GetArrayLength());
        return [.. root.EnumerateArray().Select(e => (e.GetProperty("code").GetInt32(), e.GetProperty("description").GetString()!))];
    }

    /// <summary>Reads an XML error reply: &lt;errors&gt;&lt;error&gt;&lt;code/&gt;&lt;description/&gt;.</summary>
    protected static async Task<IReadOnlyList<(int Code, string Description)>> XmlErrorsAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var doc = await XmlAsync(response, expected);
        Assert.Equal("errors", doc.Root!.Name.LocalName);
        Assert.All(doc.Root.Elements(), e => Assert.Equal("error", e.Name.LocalName));
        return [.. doc.Root.Elements("error").Select(e =>
        {
            Assert.Equal(["code", "description"], e.Elements().Select(c => c.Name.LocalName));
            return (int.Parse(e.Element("code")!.Value, System.Globalization.CultureInfo.InvariantCulture), e.Element("description")!.Value);
        })];
    }

    /// <summary>Element names of an element's children, in order.</summary>
    protected static string[] Names(XElement e) => [.. e.Elements().Select(c => c.Name.LocalName)];

    protected static IReadOnlyList<string> Ids(JsonElement requests) =>
        [.. requests.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()!)];

    /// <summary>Writes cases straight into the database at a chosen report time (for windows and caps).</summary>
    protected async Task<List<string>> InsertCasesAsync(int count, string category, DateTimeOffset reportedAt)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var sla = await scope.ServiceProvider.GetRequiredService<SlaPolicyProvider>().GetAsync(Ct);
        var (lon, lat) = TestDistrict.Inside(1, 1);
        var actor = new Actor(Guid.NewGuid(), "test", Role.Inspector, null);
        var numbers = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var number = await CaseNumbers.NextAsync(db, reportedAt.Year, Ct);
            numbers.Add(number);
            db.Cases.Add(Case.Report(Guid.CreateVersion7(), number, new CaseReport
            {
                Description = "批量 " + i,
                CategoryCode = category,
                Longitude = lon,
                Latitude = lat,
                GridCode = App.District.GridCodes[4],
                CommunityCode = TestDistrict.CommunityCode,
                StreetCode = TestDistrict.StreetCode,
            }, actor, reportedAt, sla));
        }

        await db.SaveChangesAsync(Ct);
        return numbers;
    }

    protected static MultipartFormDataContent Multipart(IDictionary<string, string> form, params (string Field, string FileName, byte[] Bytes, string ContentType)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (k, v) in form)
        {
            content.Add(new StringContent(v), k);
        }

        foreach (var (field, fileName, bytes, contentType) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            content.Add(part, field, fileName);
        }

        return content;
    }
}

/// <summary>
/// The Open311 tests share a database of their own per engine: the thousand cases of the volume
/// tests and the clock they move stay out of the shared test district.
/// </summary>
[CollectionDefinition(Name)]
public sealed class Open311SqliteCollection : ICollectionFixture<SqliteApp>
{
    public const string Name = "open311-sqlite";
}

/// <summary>The Open311 tests' own PostgreSQL database.</summary>
[CollectionDefinition(Name)]
public sealed class Open311PostgresCollection : ICollectionFixture<PostgresApp>
{
    public const string Name = "open311-postgres";
}
