using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Geography;
using CivicGrid.Domain.Grids;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Inspection;

/// <summary>
/// The inspector on patrol: components near the position, the one-request report, the
/// verification and check tasks by distance (in the inspector's grids only), and the page.
/// </summary>
public abstract class InspectorPatrolTests(CivicGridApp app) : ApiTest(app)
{
    /// <summary>A PNG header: enough for the content check.</summary>
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A point <paramref name="east"/> and <paramref name="north"/> metres from a position.</summary>
    private static (double Lon, double Lat) Offset((double Lon, double Lat) at, double east, double north) =>
        (at.Lon + (east / GeoMeasure.MetresPerDegreeLongitude(at.Lat)), at.Lat + (north / GeoMeasure.MetresPerDegree));

    /// <summary>Adds components to the inventory (unique serials of a category the other tests leave alone).</summary>
    private async Task<List<string>> AddComponentsAsync(string category, params (double Lon, double Lat)[] places)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var ids = new List<string>();
        foreach (var (lon, lat) in places)
        {
            var id = "110101" + category + Random.Shared.Next(100000, 999999).ToString("D6", CultureInfo.InvariantCulture);
            db.Components.Add(new Component
            {
                Id = id, CategoryCode = category, Name = "测试部件 " + id[^4..], Longitude = lon, Latitude = lat,
                GridCode = App.District.GridCodes[8], OwnerDepartmentId = App.District.SanitationId,
            });
            ids.Add(id);
        }

        await db.SaveChangesAsync(Ct);
        return ids;
    }

    // ---- GET /api/v1/components/nearby ----------------------------------------------------------

    [Fact]
    public async Task NearbyComponents_ListsThoseWithinTheRadius_NearestFirst_WithTheirCaseCategory()
    {
        var here = TestDistrict.Inside(2, 2);
        var ids = await AddComponentsAsync("01005", Offset(here, 40, 0), Offset(here, 0, 10), Offset(here, 0, 150));
        var client = await AsAsync("inspector");

        var found = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/components/nearby?lon={N(here.Lon)}&lat={N(here.Lat)}&radius=100", Ct);

        var mine = found!.Where(c => ids.Contains(c.GetProperty("id").GetString()!)).ToList();
        Assert.Equal([ids[1], ids[0]], mine.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(10, mine[0].GetProperty("distanceMetres").GetDouble(), 0);
        Assert.Equal(40, mine[1].GetProperty("distanceMetres").GetDouble(), 0);
        Assert.Equal("01005", mine[0].GetProperty("caseCategoryCode").GetString());
        Assert.Equal("电力井盖", mine[0].GetProperty("categoryName").GetString());
        Assert.Equal("Power manhole cover", mine[0].GetProperty("categoryNameEn").GetString());
        var distances = found!.Select(c => c.GetProperty("distanceMetres").GetDouble()).ToList();
        Assert.Equal(distances.Order(), distances);
        Assert.All(distances, d => Assert.True(d <= 100, $"{d} m"));

        // The same place in GCJ-02 (what Chinese map apps give) finds the same component first.
        var gcj = CoordinateSystems.FromWgs84(new LonLat(here.Lon, here.Lat), CoordinateSystem.Gcj02);
        var converted = await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/components/nearby?lon={N(gcj.Longitude)}&lat={N(gcj.Latitude)}&radius=30&coordinateSystem=gcj02", Ct);
        Assert.Contains(converted!, c => c.GetProperty("id").GetString() == ids[1]);
        Assert.DoesNotContain(converted!, c => c.GetProperty("id").GetString() == ids[0]);
    }

    [Theory]
    [InlineData("lat=39.9", "lon")]
    [InlineData("lon=116.4", "lat")]
    [InlineData("lon=200&lat=39.9", "lon")]
    [InlineData("lon=116.4&lat=-95", "lat")]
    [InlineData("lon=abc&lat=39.9", "lon")]
    [InlineData("lon=116.4&lat=NaN", "lat")]
    [InlineData("lon=116.4&lat=39.9&radius=5000", "radius")]
    [InlineData("lon=116.4&lat=39.9&radius=0", "radius")]
    [InlineData("lon=116.4&lat=39.9&radius=far", "radius")]
    [InlineData("lon=116.4&lat=39.9&limit=0", "limit")]
    [InlineData("lon=116.4&lat=39.9&coordinateSystem=utm", "coordinateSystem")]
    public async Task NearbyComponents_BadQuery_Returns400NamingTheField(string query, string field)
    {
        var client = await AsAsync("inspector");

        var problem = await ProblemAsync(await client.GetAsync($"/api/v1/components/nearby?{query}", Ct), HttpStatusCode.BadRequest);

        Assert.Equal([field], ErrorFields(problem));
    }

    [Fact]
    public async Task NearbyComponents_CitizenIsForbidden_AndAnonymousUnauthorized()
    {
        var query = "/api/v1/components/nearby?lon=116.4015&lat=39.9025";
        await ProblemAsync(await (await AsAsync("citizen")).GetAsync(query, Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await App.CreateClient().GetAsync(query, Ct), HttpStatusCode.Unauthorized);
    }

    // ---- GET /api/v1/inspector/tasks ------------------------------------------------------------

    /// <summary>A case reported by the operator (so it is in the inspector's scope only by its grid).</summary>
    private async Task<string> OperatorReportAsync(int row, int col, string category = "06010")
    {
        var (lon, lat) = TestDistrict.Inside(row, col);
        var response = await (await AsAsync("operator")).PostAsJsonAsync("/api/v1/cases", new
        {
            description = "巡查任务 " + Guid.NewGuid().ToString("N"), categoryCode = category, longitude = lon, latitude = lat,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return Id(await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
    }

    private async Task<string> VerifyingAsync(int row, int col)
    {
        var id = await OperatorReportAsync(row, col);
        await StepAsync("operator", id, new { action = "requestVerification" });
        return id;
    }

    private async Task<string> CheckingAsync(int row, int col)
    {
        var id = await OperatorReportAsync(row, col);
        await StepAsync("operator", id, new { action = "file" });
        await StepAsync("dispatcher", id, new { action = "dispatch" });
        await StepAsync("handler-a", id, new { action = "accept" });
        await StepAsync("handler-a", id, new { action = "feedback", result = "已清理" });
        return id;
    }

    private async Task<List<JsonElement>> TasksAsync(string user, (double Lon, double Lat) at) =>
        [.. (await (await AsAsync(user)).GetFromJsonAsync<JsonElement[]>($"/api/v1/inspector/tasks?lon={N(at.Lon)}&lat={N(at.Lat)}", Ct))!];

    [Fact]
    public async Task Tasks_ListVerificationsAndChecksInTheInspectorsGrids_NearestFirst_AndADoneTaskLeavesTheList()
    {
        var far = await VerifyingAsync(0, 2);
        var near = await CheckingAsync(0, 0);
        var notYet = await OperatorReportAsync(0, 0);

        var tasks = await TasksAsync("inspector", TestDistrict.Inside(0, 0));

        var ids = tasks.Select(t => t.GetProperty("caseId").GetString()).ToList();
        Assert.True(ids.IndexOf(near) >= 0 && ids.IndexOf(near) < ids.IndexOf(far), string.Join(", ", ids));
        Assert.DoesNotContain(notYet, ids);
        var distances = tasks.Select(t => t.GetProperty("distanceMetres").GetDouble()).ToList();
        Assert.Equal(distances.Order(), distances);
        var check = tasks.Single(t => t.GetProperty("caseId").GetString() == near);
        var verify = tasks.Single(t => t.GetProperty("caseId").GetString() == far);
        Assert.Equal("check", check.GetProperty("action").GetString());
        Assert.Equal("checking", check.GetProperty("status").GetString());
        Assert.Equal(0, check.GetProperty("distanceMetres").GetDouble());
        Assert.Equal("verify", verify.GetProperty("action").GetString());
        Assert.Equal(2 * TestDistrict.Cell * GeoMeasure.MetresPerDegreeLongitude(TestDistrict.Inside(0, 0).Lat), verify.GetProperty("distanceMetres").GetDouble(), 0);
        Assert.Equal("暴露垃圾", verify.GetProperty("categoryName").GetString());

        // The inspector verifies and checks with the workflow's own transitions; done tasks leave the list.
        Assert.Equal("reported", Status(await StepAsync("inspector", far, new { action = "verify", passed = true, note = "现场属实" })));
        await StepAsync("inspector", near, new { action = "check", passed = true });
        var after = (await TasksAsync("inspector", TestDistrict.Inside(0, 0))).Select(t => t.GetProperty("caseId").GetString()).ToList();
        Assert.DoesNotContain(far, after);
        Assert.DoesNotContain(near, after);
    }

    [Fact]
    public async Task Tasks_InAnotherInspectorsGrids_AreNotListed()
    {
        // A second inspector patrols only the south-east grid.
        var admin = await AsAsync("admin");
        var name = "insp" + Guid.NewGuid().ToString("N")[..8];
        var user = await (await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, displayName = name, role = "inspector", password = CivicGridApp.Password }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct);
        var created = await admin.PostAsJsonAsync("/api/v1/responsibility-grids", new
        {
            code = "R" + name, name = "东南网格", inspectorId = user.GetProperty("id").GetGuid(), gridCodes = new[] { App.District.GridCodes[8] },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var theirs = await VerifyingAsync(2, 2);
        var notTheirs = await VerifyingAsync(0, 0);

        var second = (await TasksAsync(name, TestDistrict.Inside(0, 0))).Select(t => t.GetProperty("caseId").GetString()).ToList();
        var first = (await TasksAsync("inspector", TestDistrict.Inside(0, 0))).Select(t => t.GetProperty("caseId").GetString()).ToList();

        Assert.Contains(theirs, second);
        Assert.DoesNotContain(notTheirs, second);
        Assert.Contains(theirs, first);
        Assert.Contains(notTheirs, first);
        // Nor can they act on it: outside the scope reads as missing.
        await ProblemAsync(await TransitionAsync(name, notTheirs, new { action = "verify", passed = true }), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("", "lon")]
    [InlineData("lon=116.4", "lat")]
    [InlineData("lon=-181&lat=39.9", "lon")]
    [InlineData("lon=116.4&lat=91", "lat")]
    [InlineData("lon=116.4&lat=north", "lat")]
    [InlineData("lon=116.4&lat=39.9&coordinateSystem=mars", "coordinateSystem")]
    public async Task Tasks_BadQuery_Returns400NamingTheField(string query, string field)
    {
        var client = await AsAsync("inspector");

        var problem = await ProblemAsync(await client.GetAsync($"/api/v1/inspector/tasks?{query}", Ct), HttpStatusCode.BadRequest);

        Assert.Equal([field], ErrorFields(problem));
    }

    [Theory]
    [InlineData("citizen")]
    [InlineData("operator")]
    [InlineData("handler-a")]
    public async Task Tasks_OtherRoles_AreForbidden(string user)
    {
        await ProblemAsync(await (await AsAsync(user)).GetAsync("/api/v1/inspector/tasks?lon=116.4015&lat=39.9025", Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Tasks_Anonymous_IsUnauthorized()
    {
        await ProblemAsync(await App.CreateClient().GetAsync("/api/v1/inspector/tasks?lon=116.4015&lat=39.9025", Ct), HttpStatusCode.Unauthorized);
    }

    // ---- POST /api/v1/inspector/reports ---------------------------------------------------------

    private static MultipartFormDataContent ReportForm((double Lon, double Lat) at, string? category, string? component = null, string? description = null, byte[]? photo = null)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(N(at.Lon)), "longitude" },
            { new StringContent(N(at.Lat)), "latitude" },
            { new StringContent("wgs84"), "coordinateSystem" },
        };
        if (category is not null)
        {
            form.Add(new StringContent(category), "categoryCode");
        }

        if (component is not null)
        {
            form.Add(new StringContent(component), "componentId");
        }

        if (description is not null)
        {
            form.Add(new StringContent(description), "description");
        }

        if (photo is not null)
        {
            var part = new ByteArrayContent(photo);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "photos", "photo.png");
        }

        return form;
    }

    [Fact]
    public async Task Report_WithAComponent_FilesAnInspectorCase_InTheComponentsCategoryAndGrid_WithThePhoto()
    {
        var here = TestDistrict.Inside(2, 2);
        var component = (await AddComponentsAsync("01010", Offset(here, 20, 0)))[0];
        var client = await AsAsync("inspector");

        var response = await client.PostAsync("/api/v1/inspector/reports", ReportForm(here, null, component, photo: Png), Ct);

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var receipt = JsonDocument.Parse(text).RootElement;
        var number = receipt.GetProperty("number").GetString()!;
        Assert.Equal("01010", receipt.GetProperty("categoryCode").GetString());
        Assert.Equal(component, receipt.GetProperty("componentId").GetString());
        Assert.Equal(App.District.GridCodes[8], receipt.GetProperty("gridCode").GetString());
        Assert.Equal(TestDistrict.CommunityCode, receipt.GetProperty("communityCode").GetString());
        Assert.Equal(TestDistrict.StreetCode, receipt.GetProperty("streetCode").GetString());
        Assert.Equal(1, receipt.GetProperty("photos").GetInt32());

        var c = await GetCaseAsync(receipt.GetProperty("caseId").GetString()!);
        Assert.Equal(number, c.GetProperty("number").GetString());
        Assert.Equal("inspector", c.GetProperty("source").GetString());
        Assert.Equal("reported", Status(c));
        Assert.Equal(component, c.GetProperty("componentId").GetString());
        Assert.StartsWith("热力井盖异常", c.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("image/png", c.GetProperty("attachments")[0].GetProperty("contentType").GetString());
        await using var scope = App.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().Cases.AsNoTracking().SingleAsync(x => x.Number == number, Ct);
        var inspector = await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().Users.AsNoTracking().SingleAsync(u => u.UserName == "inspector", Ct);
        Assert.Equal(inspector.Id, stored.ReportedById);
        // The case sits where the component was surveyed, not where the phone said.
        var (lon, lat) = Offset(here, 20, 0);
        Assert.Equal(lon, stored.Longitude, 9);
        Assert.Equal(lat, stored.Latitude, 9);
    }

    [Fact]
    public async Task Report_RetriedWithTheSameIdempotencyKey_FilesOneCase()
    {
        var client = await AsAsync("inspector");
        var description = "重试 " + Guid.NewGuid().ToString("N");
        var key = Guid.NewGuid().ToString("N");
        var boundary = "fixed-" + key;

        async Task<HttpResponseMessage> SendAsync()
        {
            var form = ReportForm(TestDistrict.Inside(1, 2), "06010", description: description, photo: Png);
            var body = new MultipartFormDataContent(boundary);
            foreach (var part in form)
            {
                body.Add(part);
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/inspector/reports") { Content = body };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request, Ct);
        }

        var first = await SendAsync();
        var second = await SendAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("number").GetString(),
            (await second.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("number").GetString());
        await using var scope = App.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().Cases.CountAsync(c => c.Description == description, Ct));
    }

    [Fact]
    public async Task Report_BadInput_Returns400NamingTheField_AndFilesNothing()
    {
        var here = TestDistrict.Inside(2, 2);
        var tooFar = (await AddComponentsAsync("01013", Offset(here, 0, -1500)))[0];
        var client = await AsAsync("inspector");
        var marker = "坏输入 " + Guid.NewGuid().ToString("N");
        var cases = new (MultipartFormDataContent Form, string Field)[]
        {
            (ReportForm(here, null, description: marker), "categoryCode"),
            (ReportForm(here, "99999", description: marker), "categoryCode"),
            (ReportForm(here, null, "11010101005999999", marker), "componentId"),
            (ReportForm(here, "06010", tooFar, marker), "componentId"),
            (ReportForm((120.0, 30.0), "06010", description: marker), "longitude"),
            (ReportForm(here, "06010", description: marker, photo: "not a picture"u8.ToArray()), "photos"),
            (ReportForm(here, "06010", description: marker + new string('长', 500)), "description"),
        };

        foreach (var (form, field) in cases)
        {
            var problem = await ProblemAsync(await client.PostAsync("/api/v1/inspector/reports", form, Ct), HttpStatusCode.BadRequest);
            Assert.Equal([field], ErrorFields(problem));
        }

        var missing = new MultipartFormDataContent { { new StringContent("06010"), "categoryCode" }, { new StringContent(marker), "description" } };
        Assert.Equal(["longitude"], ErrorFields(await ProblemAsync(await client.PostAsync("/api/v1/inspector/reports", missing, Ct), HttpStatusCode.BadRequest)));
        await using var scope = App.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().Cases.AnyAsync(c => c.Description.StartsWith(marker), Ct));
    }

    [Fact]
    public async Task Report_OtherRolesAndAnonymous_AreRefused()
    {
        var form = ReportForm(TestDistrict.Inside(0, 0), "06010");
        await ProblemAsync(await (await AsAsync("citizen")).PostAsync("/api/v1/inspector/reports", form, Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await (await AsAsync("operator")).PostAsync("/api/v1/inspector/reports", ReportForm(TestDistrict.Inside(0, 0), "06010"), Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await App.CreateClient().PostAsync("/api/v1/inspector/reports", ReportForm(TestDistrict.Inside(0, 0), "06010"), Ct), HttpStatusCode.Unauthorized);
    }

    // ---- the page -------------------------------------------------------------------------------

    [Fact]
    public async Task Page_SignedOut_RedirectsToTheSignInPage_WithTheReturnUrl()
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/inspector", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Finspector", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Page_SignedInOperator_GetsTheAccessDeniedPage()
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/auth/login", new { username = "operator", password = CivicGridApp.Password }, Ct)).StatusCode);

        var response = await client.GetAsync("/inspector", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/access-denied", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_SignedInInspector_IsChineseByDefault_EnglishOnRequest_AndItsScriptsCarryTheNonce()
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/auth/login", new { username = "inspector", password = CivicGridApp.Password }, Ct)).StatusCode);

        var response = await client.GetAsync("/inspector", Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        var english = await client.GetStringAsync("/inspector?lang=en", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<html lang=\"zh-CN\"", html, StringComparison.Ordinal);
        Assert.Contains("一键上报", html, StringComparison.Ordinal);
        Assert.Contains("capture=\"environment\"", html, StringComparison.Ordinal);
        Assert.Contains("Report now", english, StringComparison.Ordinal);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = System.Text.RegularExpressions.Regex.Match(csp, "'nonce-([0-9a-f]+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"<script src=\"/js/inspector.js\" type=\"module\" nonce=\"{nonce}\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class InspectorPatrolTestsOnSqlite(SqliteApp app) : InspectorPatrolTests(app);

[Collection(PostgresCollection.Name)]
public sealed class InspectorPatrolTestsOnPostgres(PostgresApp app) : InspectorPatrolTests(app);
