using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Domain.Geography;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Geocoding;

/// <summary>Address search and reverse geocoding over the test district's gazetteer.</summary>
public abstract class GeocodingTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task Geocode_Landmark_ByExactName_AliasPrefixFullWidthAndTypo_WithItsPlace()
    {
        var marker = Marker();
        var (lon, lat) = TestDistrict.Inside(1, 1);
        await AddLandmarkAsync(new { nameZh = $"测试{marker}大厦", nameEn = $"Test Tower {marker}", aliases = new[] { $"{marker}楼" }, kind = "commerce", longitude = lon, latitude = lat });
        var client = await AsAsync("operator");

        var exact = await GeocodeAsync(client, $"测试{marker}大厦");
        var first = exact.GetProperty("results")[0];
        Assert.Equal("landmark", first.GetProperty("kind").GetString());
        Assert.Equal("exact", first.GetProperty("match").GetString());
        Assert.Equal("wgs84", exact.GetProperty("coordinateSystem").GetString());
        Assert.Equal("wgs84", first.GetProperty("coordinateSystem").GetString());
        Assert.Equal(lon, first.GetProperty("longitude").GetDouble(), 6);
        Assert.Equal(lat, first.GetProperty("latitude").GetDouble(), 6);
        var place = first.GetProperty("place");
        Assert.Equal(App.District.GridCodes[4], place.GetProperty("gridCode").GetString());
        Assert.Equal(TestDistrict.CommunityCode, place.GetProperty("community").GetProperty("code").GetString());
        Assert.Equal("测试社区", place.GetProperty("community").GetProperty("nameZh").GetString());
        Assert.Equal(TestDistrict.StreetCode, place.GetProperty("street").GetProperty("code").GetString());

        // The department responsible there for a kind of problem.
        var withCategory = await GeocodeAsync(client, $"测试{marker}大厦", "&categoryCode=06010");
        Assert.Equal(App.District.SanitationId.ToString(), withCategory.GetProperty("results")[0].GetProperty("place").GetProperty("department").GetProperty("id").GetString());

        var alias = (await GeocodeAsync(client, $"{marker}楼")).GetProperty("results")[0];
        Assert.Equal($"测试{marker}大厦", alias.GetProperty("name").GetString());
        Assert.Equal($"{marker}楼", alias.GetProperty("matchedName").GetString());

        var prefix = (await GeocodeAsync(client, $"测试{marker}")).GetProperty("results")[0];
        Assert.Equal("prefix", prefix.GetProperty("match").GetString());

        var fullWidth = (await GeocodeAsync(client, $"ＴＥＳＴ　ＴＯＷＥＲ {FullWidth(marker)}")).GetProperty("results")[0];
        Assert.Equal("exact", fullWidth.GetProperty("match").GetString());
        Assert.Equal($"测试{marker}大厦", fullWidth.GetProperty("name").GetString());

        var typo = (await GeocodeAsync(client, $"测试{marker}大夏")).GetProperty("results")[0];
        Assert.Equal($"测试{marker}大厦", typo.GetProperty("name").GetString());
        Assert.Equal("similar", typo.GetProperty("match").GetString());

        // The same place for a map app in GCJ-02: a few hundred metres off, said so in the reply.
        var gcj = await GeocodeAsync(client, $"测试{marker}大厦", "&coordinateSystem=gcj02");
        Assert.Equal("gcj02", gcj.GetProperty("coordinateSystem").GetString());
        var expected = CoordinateSystems.Wgs84ToGcj02(new LonLat(lon, lat));
        Assert.Equal(expected.Longitude, gcj.GetProperty("results")[0].GetProperty("longitude").GetDouble(), 6);
    }

    [Fact]
    public async Task Geocode_StreetCommunityAndComponent()
    {
        var client = await AsAsync("operator");

        var street = (await GeocodeAsync(client, "测试街道")).GetProperty("results")[0];
        Assert.Equal("street", street.GetProperty("kind").GetString());
        Assert.Equal(TestDistrict.StreetCode, street.GetProperty("id").GetString());

        var community = (await GeocodeAsync(client, "测试 社区")).GetProperty("results")[0];
        Assert.Equal("community", community.GetProperty("kind").GetString());
        Assert.Equal("exact", community.GetProperty("match").GetString());

        var component = (await GeocodeAsync(client, "11010101001000001")).GetProperty("results")[0];
        Assert.Equal("component", component.GetProperty("kind").GetString());
        Assert.Equal("01001", component.GetProperty("detail").GetString());
        Assert.Equal(App.District.GridCodes[0], component.GetProperty("place").GetProperty("gridCode").GetString());
        // A component's department is its owner.
        Assert.Equal(App.District.SanitationId.ToString(), component.GetProperty("place").GetProperty("department").GetProperty("id").GetString());

        var byName = await GeocodeAsync(client, "供水井盖", "&limit=1");
        Assert.Equal(1, byName.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Geocode_NewComponent_IsFoundAtOnce()
    {
        var admin = await AsAsync("admin");
        var (lon, lat) = TestDistrict.Inside(2, 2);
        var created = await admin.PostAsJsonAsync("/api/v1/components", new { categoryCode = "01037", name = "路灯", longitude = lon, latitude = lat, ownerDepartmentId = App.District.TrafficId }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;

        var found = (await GeocodeAsync(await AsAsync("operator"), id)).GetProperty("results")[0];

        Assert.Equal(id, found.GetProperty("id").GetString());
        Assert.Equal(App.District.TrafficId.ToString(), found.GetProperty("place").GetProperty("department").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("q=", "q")]
    [InlineData("q=%20%20", "q")]
    [InlineData("q=%EF%BC%81%EF%BC%9F", "q")] // "！？": nothing to search for
    [InlineData("q=LONG", "q")]
    [InlineData("q=abc&limit=0", "limit")]
    [InlineData("q=abc&limit=51", "limit")]
    [InlineData("q=abc&coordinateSystem=utm", "coordinateSystem")]
    [InlineData("q=abc&categoryCode=6010", "categoryCode")]
    public async Task Geocode_BadInput_IsAProblemNamingTheField(string query, string field)
    {
        var client = await AsAsync("operator");
        query = query.Replace("LONG", new string('街', 101), StringComparison.Ordinal);

        var problem = await ProblemAsync(await client.GetAsync("/api/v1/geocode?" + query, Ct), HttpStatusCode.BadRequest);

        Assert.Equal([field], ErrorFields(problem));
    }

    [Fact]
    public async Task Geocode_NeedsASignedInStaffMember()
    {
        using var anonymous = App.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/geocode?q=abc", Ct)).StatusCode);
        var citizen = await AsAsync("citizen");
        Assert.Equal(HttpStatusCode.Forbidden, (await citizen.GetAsync("/api/v1/geocode?q=abc", Ct)).StatusCode);
    }

    [Fact]
    public async Task Reverse_GivesAReadableAddress_WithTheNearestRoadAndLandmark()
    {
        var marker = Marker();
        var (lon, lat) = TestDistrict.Inside(0, 2);
        await AddLandmarkAsync(new
        {
            nameZh = $"测{marker}路",
            nameEn = $"Ce {marker} Road",
            kind = "road",
            longitude = lon,
            latitude = lat,
            path = new[] { new[] { lon - 0.001, lat }, new[] { lon + 0.0005, lat } },
        });
        // 0.0009° south of the point, inside the block: about 100 m.
        await AddLandmarkAsync(new { nameZh = $"测{marker}塔", nameEn = $"Ce {marker} Tower", kind = "culture", longitude = lon, latitude = lat - 0.0009 });
        var client = await AsAsync("operator");

        var reply = await client.GetFromJsonAsync<JsonElement>(Url("/api/v1/geocode/reverse", lon, lat), Ct);

        Assert.Equal($"东城区 测试街道 测试社区 测{marker}路附近（距测{marker}塔 100 米）", reply.GetProperty("address").GetString());
        Assert.Equal($"Near Ce {marker} Road, Test community, Test street, Dongcheng District (100 m from Ce {marker} Tower)", reply.GetProperty("addressEn").GetString());
        Assert.Equal(App.District.GridCodes[2], reply.GetProperty("place").GetProperty("gridCode").GetString());
        Assert.Equal(TestDistrict.StreetCode, reply.GetProperty("place").GetProperty("street").GetProperty("code").GetString());
        Assert.Equal("wgs84", reply.GetProperty("coordinateSystem").GetString());
        Assert.Equal("wgs84", reply.GetProperty("givenIn").GetString());
        Assert.Equal(0, reply.GetProperty("road").GetProperty("distanceMetres").GetDouble(), 1);

        // The same place from a Chinese map app (GCJ-02) or Baidu (BD-09) lands on the same grid, stored as WGS-84.
        foreach (var (system, name) in new[] { (CoordinateSystem.Gcj02, "gcj02"), (CoordinateSystem.Bd09, "bd09") })
        {
            var shown = CoordinateSystems.FromWgs84(new LonLat(lon, lat), system);
            var converted = await client.GetFromJsonAsync<JsonElement>(Url("/api/v1/geocode/reverse", shown.Longitude, shown.Latitude) + "&coordinateSystem=" + name, Ct);
            Assert.Equal(name, converted.GetProperty("givenIn").GetString());
            Assert.Equal(App.District.GridCodes[2], converted.GetProperty("place").GetProperty("gridCode").GetString());
            Assert.Equal(lon, converted.GetProperty("longitude").GetDouble(), 6);
            Assert.Equal(lat, converted.GetProperty("latitude").GetDouble(), 6);
        }

        var category = await client.GetFromJsonAsync<JsonElement>(Url("/api/v1/geocode/reverse", lon, lat) + "&categoryCode=09009", Ct);
        Assert.Equal(App.District.TrafficId.ToString(), category.GetProperty("place").GetProperty("department").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("lat=39.9015", "lon")]
    [InlineData("lon=116.4015", "lat")]
    [InlineData("lon=abc&lat=39.9015", "lon")]
    [InlineData("lon=181&lat=39.9015", "lon")]
    [InlineData("lon=116.4015&lat=-91", "lat")]
    [InlineData("lon=0&lat=0", "lon")]
    [InlineData("lon=116.5&lat=39.95", "lon")]
    [InlineData("lon=116.4015&lat=39.9015&coordinateSystem=mercator", "coordinateSystem")]
    [InlineData("lon=116.4015&lat=39.9015&categoryCode=x", "categoryCode")]
    public async Task Reverse_BadInput_IsAProblemNamingTheField(string query, string field)
    {
        var client = await AsAsync("operator");

        var problem = await ProblemAsync(await client.GetAsync("/api/v1/geocode/reverse?" + query, Ct), HttpStatusCode.BadRequest);

        Assert.Equal([field], ErrorFields(problem));
    }

    [Fact]
    public async Task AddLandmark_IsForAdmins_AndChecksItsFields()
    {
        var (lon, lat) = TestDistrict.Inside();
        var operatorClient = await AsAsync("operator");
        await ProblemAsync(await operatorClient.PostAsJsonAsync("/api/v1/landmarks", new { nameZh = "x", nameEn = "x", kind = "park", longitude = lon, latitude = lat }, Ct), HttpStatusCode.Forbidden);

        var admin = await AsAsync("admin");
        foreach (var (body, field) in new (object, string)[]
        {
            (new { nameEn = "x", kind = "park", longitude = lon, latitude = lat }, "nameZh"),
            (new { nameZh = "x", kind = "park", longitude = lon, latitude = lat }, "nameEn"),
            (new { nameZh = "x", nameEn = "x", longitude = lon, latitude = lat }, "kind"),
            (new { nameZh = "x", nameEn = "x", kind = "park", latitude = lat }, "longitude"),
            (new { nameZh = "x", nameEn = "x", kind = "park", longitude = 0.0, latitude = 0.0 }, "longitude"),
            (new { nameZh = "x", nameEn = "x", kind = "road", longitude = lon, latitude = lat, path = new[] { new[] { lon } } }, "path"),
            (new { nameZh = "x", nameEn = "x", aliases = Enumerable.Range(0, 11).Select(i => "a" + i).ToArray(), kind = "park", longitude = lon, latitude = lat }, "aliases"),
        })
        {
            var problem = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/landmarks", body, Ct), HttpStatusCode.BadRequest);
            Assert.Equal([field], ErrorFields(problem));
        }
    }

    private async Task AddLandmarkAsync(object body)
    {
        var admin = await AsAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/v1/landmarks", body, Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<JsonElement> GeocodeAsync(HttpClient client, string q, string extra = "")
    {
        var response = await client.GetAsync("/api/v1/geocode?q=" + Uri.EscapeDataString(q) + extra, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        var reply = JsonDocument.Parse(text).RootElement.Clone();
        Assert.True(reply.GetProperty("results").GetArrayLength() > 0, $"nothing found for {q}");
        return reply;
    }

    private static string Url(string path, double lon, double lat) =>
        string.Create(CultureInfo.InvariantCulture, $"{path}?lon={lon:R}&lat={lat:R}");

    /// <summary>Six lower-case letters, unique per test: names that no other test's landmarks share.</summary>
    private static string Marker() => new([.. Guid.NewGuid().ToString("N").Where(char.IsAsciiLetter).Concat("abcdef").Take(6)]);

    private static string FullWidth(string ascii) => new([.. ascii.Select(c => (char)(c + 0xFEE0))]);
}

[Collection(SqliteCollection.Name)]
public sealed class GeocodingTestsOnSqlite(SqliteApp app) : GeocodingTests(app);

[Collection(PostgresCollection.Name)]
public sealed class GeocodingTestsOnPostgres(PostgresApp app) : GeocodingTests(app);
