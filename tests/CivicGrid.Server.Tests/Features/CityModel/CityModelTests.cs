using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.CityModel;

/// <summary>Categories, departments, grids and components as GeoJSON, the calendar.</summary>
public abstract class CityModelTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task Categories_HoldTheWholeStandardDirectory_InBothLanguages()
    {
        var client = await AsAsync("operator");
        // Local extensions added by other tests on the same database are not part of the directory.
        var all = (await client.GetFromJsonAsync<JsonElement[]>("/api/v1/categories", Ct) ?? [])
            .Where(c => !c.GetProperty("isLocalExtension").GetBoolean())
            .ToArray();

        Assert.Equal(153, all.Count(c => c.GetProperty("kind").GetString() == "component"));
        Assert.Equal(250, all.Count(c => c.GetProperty("kind").GetString() == "event"));
        var garbage = all.Single(c => c.GetProperty("kind").GetString() == "event" && c.GetProperty("code").GetString() == "06010");
        Assert.Equal("暴露垃圾", garbage.GetProperty("nameZh").GetString());
        Assert.False(string.IsNullOrWhiteSpace(garbage.GetProperty("nameEn").GetString()));
    }

    [Fact]
    public async Task LocalCategory_IsAddedByAdminOnly_InTheReservedRange()
    {
        var admin = await AsAsync("admin");
        var code = "06" + (800 + Random.Shared.Next(199)).ToString(CultureInfo.InvariantCulture);

        var bad = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/categories", new { kind = "event", code = "06100", nameZh = "测试", nameEn = "Test" }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("code", ErrorFields(bad));
        var created = await admin.PostAsJsonAsync("/api/v1/categories", new { kind = "event", code, nameZh = "电动车飞线充电", nameEn = "Flying-lead e-bike charging" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var operatorClient = await AsAsync("operator");
        await ProblemAsync(await operatorClient.PostAsJsonAsync("/api/v1/categories", new { kind = "event", code = "06998", nameZh = "x", nameEn = "x" }, Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Grids_AreGeoJson_AndPositionsResolve()
    {
        var client = await AsAsync("operator");
        var fc = await client.GetFromJsonAsync<JsonElement>($"/api/v1/grids?communityCode={TestDistrict.CommunityCode}", Ct);

        Assert.Equal("FeatureCollection", fc.GetProperty("type").GetString());
        Assert.Equal(9, fc.GetProperty("features").GetArrayLength());
        Assert.Equal("Polygon", fc.GetProperty("features")[0].GetProperty("geometry").GetProperty("type").GetString());

        var (lon, lat) = TestDistrict.Inside(1, 1);
        var located = await client.GetFromJsonAsync<JsonElement>(string.Create(CultureInfo.InvariantCulture, $"/api/v1/grids/locate?lon={lon}&lat={lat}"), Ct);
        Assert.Equal(App.District.GridCodes[4], located.GetProperty("gridCode").GetString());
        await ProblemAsync(await client.GetAsync("/api/v1/grids/locate?lon=0&lat=0", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Components_AreGeoJsonPoints()
    {
        var client = await AsAsync("operator");
        var fc = await client.GetFromJsonAsync<JsonElement>($"/api/v1/components?gridCode={App.District.GridCodes[0]}", Ct);
        var feature = fc.GetProperty("features")[0];
        Assert.Equal("Point", feature.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal("11010101001000001", feature.GetProperty("properties").GetProperty("id").GetString());
    }

    [Fact]
    public async Task AddComponent_AllotsTheNextSerial_AndRecordsStateChanges()
    {
        var admin = await AsAsync("admin");
        var (lon, lat) = TestDistrict.Inside(1, 1);

        var created = await admin.PostAsJsonAsync("/api/v1/components", new { categoryCode = "01001", name = "供水井盖", longitude = lon, latitude = lat, ownerDepartmentId = App.District.SanitationId }, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = body.GetProperty("id").GetString()!;
        Assert.Matches(@"^11010101001\d{6}$", id);
        Assert.NotEqual("11010101001000001", id);
        Assert.Equal(App.District.GridCodes[4], body.GetProperty("gridCode").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/v1/components/{id}/state", new { state = "missing" }, Ct)).StatusCode);
        var feature = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/components/{id}", Ct);
        Assert.Equal("missing", feature.GetProperty("properties").GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("{\"categoryCode\":\"06010\",\"name\":\"x\",\"longitude\":116.4005,\"latitude\":39.9025}", "categoryCode")]
    [InlineData("{\"categoryCode\":\"01001\",\"name\":\"x\",\"longitude\":120,\"latitude\":30}", "longitude")]
    [InlineData("{\"categoryCode\":\"01001\",\"name\":\"x\",\"longitude\":116.4005,\"latitude\":39.9025}", "ownerDepartmentId")]
    [InlineData("{\"id\":\"12345\",\"categoryCode\":\"01001\",\"name\":\"x\",\"longitude\":116.4005,\"latitude\":39.9025,\"ownerDepartmentId\":\"00000000-0000-0000-0000-000000000000\"}", "ownerDepartmentId")]
    public async Task AddComponent_BadField_Returns400NamingIt(string body, string field)
    {
        var admin = await AsAsync("admin");
        var problem = await ProblemAsync(await admin.PostAsync("/api/v1/components", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct), HttpStatusCode.BadRequest);
        Assert.Contains(field, ErrorFields(problem));
    }

    [Fact]
    public async Task ResponsibilityGrid_BindsGridsToAnInspector()
    {
        var admin = await AsAsync("admin");
        var users = await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/users", Ct) ?? [];
        var inspector = users.Single(u => u.GetProperty("userName").GetString() == "inspector").GetProperty("id").GetString();
        var code = "RG-" + Guid.NewGuid().ToString("N")[..8];

        var created = await admin.PostAsJsonAsync("/api/v1/responsibility-grids", new { code, name = "东片责任网格", inspectorId = inspector, gridCodes = App.District.GridCodes.Take(3) }, Ct);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var all = await admin.GetFromJsonAsync<JsonElement[]>("/api/v1/responsibility-grids", Ct) ?? [];
        var rg = all.Single(r => r.GetProperty("code").GetString() == code);
        Assert.Equal(3, rg.GetProperty("gridCodes").GetArrayLength());
        var bad = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/responsibility-grids", new { code = code + "x", name = "x", gridCodes = new[] { "110101001001999" } }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("gridCodes", ErrorFields(bad));
    }

    [Fact]
    public async Task ResponsibilityRules_PreferTheExactCategory()
    {
        var client = await AsAsync("dispatcher");
        var exact = await client.GetFromJsonAsync<JsonElement>($"/api/v1/responsibility-rules/resolve?categoryCode=09009&streetCode={TestDistrict.StreetCode}", Ct);
        var major = await client.GetFromJsonAsync<JsonElement>($"/api/v1/responsibility-rules/resolve?categoryCode=06012&streetCode={TestDistrict.StreetCode}", Ct);

        Assert.Equal(App.District.TrafficId.ToString(), exact.GetProperty("departmentId").GetString());
        Assert.Equal(App.District.SanitationId.ToString(), major.GetProperty("departmentId").GetString());
    }

    [Fact]
    public async Task Calendar_HasTheStateCouncilHolidays_AndAdminsEditIt()
    {
        var client = await AsAsync("operator");
        var cal = await client.GetFromJsonAsync<JsonElement>("/api/v1/calendar?year=2026", Ct);
        Assert.Equal("Asia/Shanghai", cal.GetProperty("timeZone").GetString());
        Assert.Contains(cal.GetProperty("days").EnumerateArray(), d => d.GetProperty("date").GetString() == "2026-10-01" && d.GetProperty("kind").GetString() == "holiday");

        var admin = await AsAsync("admin");
        var put = await admin.PutAsJsonAsync("/api/v1/calendar/days/2026-12-31", new { kind = "holiday", name = "测试假日" }, Ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var bad = await ProblemAsync(await admin.PutAsJsonAsync("/api/v1/calendar/days/2026-13-40", new { kind = "holiday", name = "x" }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("date", ErrorFields(bad));
        await ProblemAsync(await client.PutAsJsonAsync("/api/v1/calendar/days/2026-12-30", new { kind = "holiday", name = "x" }, Ct), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/calendar/days/2026-12-31", Ct)).StatusCode);
    }

    [Fact]
    public async Task Deadline_CountsWorkDaysAcrossTheNationalDayHoliday()
    {
        var client = await AsAsync("operator");
        // Tuesday 2026-09-29 10:00 Beijing + 2 work days: 09-30 is one, 10-01…10-07 are holidays.
        var result = await client.GetFromJsonAsync<JsonElement>("/api/v1/calendar/deadline?start=2026-09-29T02:00:00Z&value=2&unit=workDay", Ct);
        var due = result.GetProperty("dueAt").GetDateTimeOffset();
        Assert.True(due > new DateTimeOffset(2026, 10, 7, 16, 0, 0, TimeSpan.Zero), $"due {due:O}");
    }
}

[Collection(SqliteCollection.Name)]
public sealed class CityModelTestsOnSqlite(SqliteApp app) : CityModelTests(app);

[Collection(PostgresCollection.Name)]
public sealed class CityModelTestsOnPostgres(PostgresApp app) : CityModelTests(app);
