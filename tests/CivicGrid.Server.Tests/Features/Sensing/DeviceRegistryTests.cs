using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>The device registry: types as a public contract, registration, CRUD, CSV import.</summary>
public abstract class DeviceRegistryTests(CivicGridApp app) : SensingTest(app)
{
    [Fact]
    public async Task DeviceTypes_PublishTheContractSchemas()
    {
        var client = await AsAsync("operator");
        var types = await client.GetFromJsonAsync<JsonElement[]>("/api/v1/device-types", Ct) ?? [];

        var expected = new Dictionary<string, string[]>
        {
            ["manhole-cover"] = ["tilt_deg", "displacement_mm", "water_level_cm"],
            ["bin"] = ["fill_pct"],
            ["streetlight"] = ["on", "current_a", "voltage_v", "lux"],
            ["air-quality"] = ["pm25", "pm10", "no2", "o3"],
            ["water-quality"] = ["ph", "turbidity_ntu", "do_mgl"],
            ["noise"] = ["db"],
            ["energy-meter"] = ["kwh", "kw"],
            ["parking-space"] = ["occupied"],
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), types.Select(t => t.GetProperty("code").GetString()!).Order(StringComparer.Ordinal));
        foreach (var t in types)
        {
            var values = t.GetProperty("values").EnumerateArray().ToList();
            Assert.Equal(expected[t.GetProperty("code").GetString()!], values.Select(v => v.GetProperty("name").GetString()));
        }

        var tilt = types.Single(t => t.GetProperty("code").GetString() == "manhole-cover").GetProperty("values")[0];
        Assert.Equal("°", tilt.GetProperty("unit").GetString());
        Assert.Equal("number", tilt.GetProperty("type").GetString());
        Assert.Equal(90, tilt.GetProperty("max").GetDouble());
        var on = types.Single(t => t.GetProperty("code").GetString() == "streetlight").GetProperty("values")[0];
        Assert.Equal("boolean", on.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("manhole-cover")]
    [InlineData("bin")]
    [InlineData("streetlight")]
    [InlineData("air-quality")]
    [InlineData("water-quality")]
    [InlineData("noise")]
    [InlineData("energy-meter")]
    [InlineData("parking-space")]
    public async Task Register_EveryType_AnswersIdAndTokenOnce_AndResolvesTheGrid(string type)
    {
        var admin = await AsAsync("admin");
        var (lon, lat) = TestDistrict.Inside(1, 1);

        var response = await admin.PostAsJsonAsync("/api/v1/devices", new { type, lat, lon, name = "测试设备" }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = body.GetProperty("id").GetString()!;
        Assert.StartsWith("cgd_", body.GetProperty("token").GetString(), StringComparison.Ordinal);
        Assert.Equal(App.District.GridCodes[4], body.GetProperty("gridCode").GetString());
        Assert.Equal($"civicgrid/v1/devices/{id}/telemetry", body.GetProperty("connection").GetProperty("mqttTopic").GetString());
        Assert.Equal($"/api/v1/devices/{id}", response.Headers.Location?.ToString());

        var device = await GetDeviceAsync(id);
        Assert.Equal(type, device.GetProperty("type").GetString());
        Assert.Equal("provisioned", device.GetProperty("state").GetString());
        Assert.Equal("测试设备", device.GetProperty("name").GetString());
        Assert.Equal(TestDistrict.CommunityCode, device.GetProperty("communityCode").GetString());
        Assert.False(device.TryGetProperty("token", out _));
        Assert.DoesNotContain("cgd_", device.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"type\":\"toaster\",\"lat\":39.9015,\"lon\":116.4015}", "type")]
    [InlineData("{\"lat\":39.9015,\"lon\":116.4015}", "type")]
    [InlineData("{\"type\":\"bin\",\"lon\":116.4015}", "lat")]
    [InlineData("{\"type\":\"bin\",\"lat\":39.9015}", "lon")]
    [InlineData("{\"type\":\"bin\",\"lat\":91,\"lon\":116.4015}", "lat")]
    [InlineData("{\"type\":\"bin\",\"lat\":30,\"lon\":120}", "lon")]
    [InlineData("{\"type\":\"bin\",\"lat\":39.9015,\"lon\":116.4015,\"componentId\":\"11010101001999999\"}", "componentId")]
    [InlineData("{\"type\":\"bin\",\"lat\":39.9015,\"lon\":116.4015,\"id\":\"a/b\"}", "id")]
    [InlineData("{\"type\":\"bin\",\"lat\":39.9015,\"lon\":116.4015,\"departmentId\":\"00000000-0000-0000-0000-000000000001\"}", "departmentId")]
    [InlineData("{\"type\":\"bin\",\"lat\":\"north\",\"lon\":116.4015}", "lat")]
    public async Task Register_BadField_Returns400NamingIt(string json, string field)
    {
        var admin = await AsAsync("admin");

        var problem = await ProblemAsync(await admin.PostAsync("/api/v1/devices", new StringContent(json, Encoding.UTF8, "application/json"), Ct), HttpStatusCode.BadRequest);

        Assert.Contains(field, ErrorFields(problem));
    }

    [Fact]
    public async Task Register_IsForAdmins_ReadingForStaff()
    {
        var op = await AsAsync("operator");
        var (lon, lat) = TestDistrict.Inside();
        await ProblemAsync(await op.PostAsJsonAsync("/api/v1/devices", new { type = "bin", lat, lon }, Ct), HttpStatusCode.Forbidden);
        var citizen = await AsAsync("citizen");
        await ProblemAsync(await citizen.GetAsync("/api/v1/devices", Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await App.CreateClient().GetAsync("/api/v1/devices", Ct), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await op.GetAsync("/api/v1/devices?type=bin", Ct)).StatusCode);
    }

    [Fact]
    public async Task Register_WithAComponent_TakesItsOwnerAsDepartment_AndAGivenIdOnce()
    {
        var admin = await AsAsync("admin");
        var (lon, lat) = TestDistrict.Inside();
        var id = "mc-" + Guid.NewGuid().ToString("N")[..10];

        var created = await admin.PostAsJsonAsync("/api/v1/devices", new { id, type = "manhole-cover", lat, lon, componentId = "11010101001000001" }, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var device = await GetDeviceAsync(id);
        Assert.Equal("11010101001000001", device.GetProperty("componentId").GetString());
        Assert.Equal(App.District.SanitationId.ToString(), device.GetProperty("departmentId").GetString());
        var again = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/devices", new { id, type = "bin", lat, lon }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("id", ErrorFields(again));
    }

    [Fact]
    public async Task Update_MovesAndRenames_ThenRetire_RefusesTheToken()
    {
        var device = await RegisterAsync("bin");
        var admin = await AsAsync("admin");
        var (lon, lat) = TestDistrict.Inside(0, 2);

        var put = await admin.PutAsJsonAsync($"/api/v1/devices/{device.Id}", new { name = "东门垃圾箱", lat, lon }, Ct);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var updated = await put.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("东门垃圾箱", updated.GetProperty("name").GetString());
        Assert.Equal(App.District.GridCodes[2], updated.GetProperty("gridCode").GetString());
        Assert.Equal(2, updated.GetProperty("version").GetInt32());

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/devices/{device.Id}") { Content = JsonContent.Create(new { name = "x" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        await ProblemAsync(await admin.SendAsync(stale, Ct), HttpStatusCode.PreconditionFailed);

        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(device, $"{{\"ts\":\"{Ts()}\",\"values\":{{\"fill_pct\":12}}}}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/devices/{device.Id}", Ct)).StatusCode);
        Assert.Equal("retired", (await GetDeviceAsync(device.Id)).GetProperty("state").GetString());
        await ProblemAsync(await PostTelemetryAsync(device, $"{{\"ts\":\"{Ts()}\",\"values\":{{\"fill_pct\":13}}}}"), HttpStatusCode.Unauthorized);
        await ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/devices/{device.Id}", new { name = "x" }, Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await admin.DeleteAsync("/api/v1/devices/no-such-device", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RotateToken_RetiresTheOldOne()
    {
        var device = await RegisterAsync("noise");
        var admin = await AsAsync("admin");

        var rotated = await (await admin.PostAsync($"/api/v1/devices/{device.Id}/token", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        var token = rotated.GetProperty("token").GetString()!;
        Assert.NotEqual(device.Token, token);
        var body = $"{{\"ts\":\"{Ts()}\",\"values\":{{\"db\":55}}}}";
        await ProblemAsync(await PostTelemetryAsync(device, body), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(device, body, token)).StatusCode);
    }

    [Fact]
    public async Task ImportCsv_CreatesEveryRow_WithTokensShownOnce()
    {
        var admin = await AsAsync("admin");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv = string.Create(CultureInfo.InvariantCulture, $"""
            type,lat,lon,name,id,departmentCode
            bin,{TestDistrict.Inside(0, 0).Lat},{TestDistrict.Inside(0, 0).Lon},"箱, 北",imp-{tag}-1,sanitation
            noise,{TestDistrict.Inside(2, 2).Lat},{TestDistrict.Inside(2, 2).Lon},噪声,imp-{tag}-2,
            streetlight,{TestDistrict.Inside(1, 0).Lat},{TestDistrict.Inside(1, 0).Lon},,imp-{tag}-3,traffic
            """);

        var response = await admin.PostAsync("/api/v1/devices/import", new StringContent(csv, Encoding.UTF8, "text/csv"), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(3, body.GetProperty("created").GetInt32());
        Assert.All(body.GetProperty("devices").EnumerateArray(), d => Assert.StartsWith("cgd_", d.GetProperty("token").GetString(), StringComparison.Ordinal));
        var first = await GetDeviceAsync($"imp-{tag}-1");
        Assert.Equal("箱, 北", first.GetProperty("name").GetString());
        Assert.Equal(App.District.SanitationId.ToString(), first.GetProperty("departmentId").GetString());
        Assert.Equal(App.District.TrafficId.ToString(), (await GetDeviceAsync($"imp-{tag}-3")).GetProperty("departmentId").GetString());
    }

    [Fact]
    public async Task ImportCsv_WithBadRows_NamesThemAndImportsNothing()
    {
        var admin = await AsAsync("admin");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (lon, lat) = TestDistrict.Inside();
        var csv = string.Create(CultureInfo.InvariantCulture, $"""
            type,lat,lon,id
            bin,{lat},{lon},bad-{tag}-1
            bin,north,{lon},bad-{tag}-2
            kettle,{lat},{lon},bad-{tag}-3
            bin,{lat},{lon},bad-{tag}-1
            """);

        var problem = await ProblemAsync(await admin.PostAsync("/api/v1/devices/import", new StringContent(csv, Encoding.UTF8, "text/csv"), Ct), HttpStatusCode.BadRequest);

        Assert.Equal(["rows[3].lat", "rows[4].type", "rows[5].id"], ErrorFields(problem).Order(StringComparer.Ordinal));
        await ProblemAsync(await admin.GetAsync($"/api/v1/devices/bad-{tag}-1", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_FiltersByTypeAndGrid()
    {
        var device = await RegisterAsync("water-quality", 2, 1);
        var client = await AsAsync("analyst");

        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/devices?type=water-quality&gridCode={App.District.GridCodes[7]}&pageSize=500", Ct);

        Assert.Contains(page.GetProperty("items").EnumerateArray(), d => d.GetProperty("id").GetString() == device.Id);
        Assert.All(page.GetProperty("items").EnumerateArray(), d => Assert.Equal("water-quality", d.GetProperty("type").GetString()));
        var bad = await ProblemAsync(await client.GetAsync("/api/v1/devices?type=kettle", Ct), HttpStatusCode.BadRequest);
        Assert.Contains("type", ErrorFields(bad));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class DeviceRegistryTestsOnSqlite(SqliteApp app) : DeviceRegistryTests(app);

[Collection(PostgresCollection.Name)]
public sealed class DeviceRegistryTestsOnPostgres(PostgresApp app) : DeviceRegistryTests(app);
