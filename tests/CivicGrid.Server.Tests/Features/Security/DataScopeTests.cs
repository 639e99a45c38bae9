using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.WebConsole;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Security;

/// <summary>
/// Data scope on top of the permission matrix: handlers reach their department's cases, inspectors
/// their responsibility grids, district users their district. Out of scope reads as 404 (no probing).
/// </summary>
public abstract class DataScopeTests(CivicGridApp app) : ApiTest(app)
{
    private async Task<string> DispatchedToAsync(string category)
    {
        var id = Id(await ReportAsync(category));
        await StepAsync("operator", id, new { action = "file" });
        await StepAsync("dispatcher", id, new { action = "dispatch" });
        return id;
    }

    private async Task<List<string>> ListIdsAsync(string user)
    {
        var page = await (await AsAsync(user)).GetFromJsonAsync<JsonElement>("/api/v1/cases?pageSize=200", Ct);
        return [.. page.GetProperty("items").EnumerateArray().Select(Id)];
    }

    [Fact]
    public async Task Handler_ListsOnlyTheirDepartmentsCases()
    {
        var sanitation = await DispatchedToAsync("06010");
        var traffic = await DispatchedToAsync("09009");

        var a = await ListIdsAsync("handler-a");
        var b = await ListIdsAsync("handler-b");

        Assert.Contains(sanitation, a);
        Assert.DoesNotContain(traffic, a);
        Assert.Contains(traffic, b);
        Assert.DoesNotContain(sanitation, b);
        // Asking for the other department explicitly does not widen the scope.
        var asked = await (await AsAsync("handler-a")).GetFromJsonAsync<JsonElement>($"/api/v1/cases?departmentId={App.District.TrafficId}", Ct);
        Assert.DoesNotContain(asked.GetProperty("items").EnumerateArray(), c => Id(c) == traffic);
    }

    [Fact]
    public async Task ConsoleOverview_CountsAndMapsOnlyTheHandlersDepartment()
    {
        var sanitation = await DispatchedToAsync("06010");
        var traffic = await DispatchedToAsync("09009");
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var data = scope.ServiceProvider.GetRequiredService<ConsoleData>();
        var handler = (await db.Users.AsNoTracking().SingleAsync(u => u.UserName == "handler-a", Ct)).ToActor();
        var supervisor = (await db.Users.AsNoTracking().SingleAsync(u => u.UserName == "supervisor", Ct)).ToActor();

        var own = await data.OverviewAsync(handler, Ct);
        var all = await data.OverviewAsync(supervisor, Ct);

        Assert.Contains(own.Cases, c => c.Id.ToString() == sanitation);
        Assert.DoesNotContain(own.Cases, c => c.Id.ToString() == traffic);
        Assert.Contains(all.Cases, c => c.Id.ToString() == traffic);
        Assert.True(own.Counts.Values.Sum() < all.Counts.Values.Sum());
    }

    [Fact]
    public async Task Handler_OfAnotherDepartment_GetsA404_ForRead_Transition_AndAttachments_AndNothingChanges()
    {
        var id = await DispatchedToAsync("06010");
        var other = await AsAsync("handler-b");
        var before = await GetCaseAsync(id);

        await ProblemAsync(await other.GetAsync($"/api/v1/cases/{id}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await other.GetAsync($"/api/v1/cases/{before.GetProperty("number").GetString()}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await TransitionAsync("handler-b", id, new { action = "accept" }), HttpStatusCode.NotFound);
        using var upload = new MultipartFormDataContent { { new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]), "file", "x.png" } };
        await ProblemAsync(await other.PostAsync($"/api/v1/cases/{id}/attachments", upload, Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await other.GetAsync($"/api/v1/cases/{id}/attachments/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound);

        var after = await GetCaseAsync(id);
        Assert.Equal(before.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Empty(after.GetProperty("attachments").EnumerateArray());
        // The handler of the right department goes on as usual.
        Assert.Equal("handling", Status(await StepAsync("handler-a", id, new { action = "accept" })));
    }

    [Fact]
    public async Task Inspector_SeesCasesInTheirResponsibilityGrids_AndTheirOwnReports_Only()
    {
        var inGrid = Id(await ReportAsync());
        string outside;
        using (var scope = App.Services.CreateScope())
        {
            // A case reported by someone else outside the inspector's grids: move its grid code away.
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            outside = Id(await ReportAsync());
            var guid = Guid.Parse(outside);
            var operatorId = await db.Users.Where(u => u.UserName == "operator").Select(u => u.Id).FirstAsync(Ct);
            await db.Cases.Where(c => c.Id == guid).ExecuteUpdateAsync(s => s.SetProperty(c => c.GridCode, "999999999999001").SetProperty(c => c.ReportedById, operatorId), Ct);
        }

        var seen = await ListIdsAsync("inspector");

        Assert.Contains(inGrid, seen);
        Assert.DoesNotContain(outside, seen);
        await ProblemAsync(await (await AsAsync("inspector")).GetAsync($"/api/v1/cases/{outside}", Ct), HttpStatusCode.NotFound);
        Assert.Contains(outside, await ListIdsAsync("supervisor"));
    }

    [Fact]
    public async Task DistrictUser_SeesOnlyTheirDistrict()
    {
        var admin = await AsAsync("admin");
        var name = "d" + Guid.NewGuid().ToString("N")[..10];
        var created = await (await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, role = "supervisor", password = CivicGridApp.Password }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var userId = created.GetProperty("id").GetGuid();
        var id = Id(await ReportAsync());

        // The test district is 110101 (Dongcheng): a supervisor of 110102 does not see it.
        var bad = await ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/users/{userId}", new { districtCode = "11010" }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("districtCode", ErrorFields(bad));
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/users/{userId}", new { districtCode = "110102" }, Ct)).StatusCode);
        Assert.DoesNotContain(id, await ListIdsAsync(name));
        await ProblemAsync(await (await AsAsync(name)).GetAsync($"/api/v1/cases/{id}", Ct), HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/users/{userId}", new { districtCode = "110101" }, Ct)).StatusCode);
        Assert.Contains(id, await ListIdsAsync(name));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class DataScopeTestsOnSqlite(SqliteApp app) : DataScopeTests(app);

[Collection(PostgresCollection.Name)]
public sealed class DataScopeTestsOnPostgres(PostgresApp app) : DataScopeTests(app);
