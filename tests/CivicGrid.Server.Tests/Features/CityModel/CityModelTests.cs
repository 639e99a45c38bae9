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
        var all = await client.GetFromJsonAsync<JsonElement[]>("/api/v1/categories", Ct) ?? [];

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
