using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Users;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Cases;

/// <summary>
/// 智能派遣 over the API: the suggestion and why, dispatch by default, the dispatcher's override
/// (a reason or a 400 naming it), workload-aware assignment, and co-handling (主办/协办) with its data scope.
/// Each test makes its own departments, handlers and components, so loads do not leak between tests.
/// </summary>
public abstract class DispatchTests(CivicGridApp app) : ApiTest(app)
{
    private sealed record Unit(Guid DepartmentId, string Code, string[] Handlers);

    /// <summary>A fresh department with handlers named after it (…-1, …-2).</summary>
    private async Task<Unit> DepartmentAsync(int handlers = 2)
    {
        var code = "d" + Guid.NewGuid().ToString("N")[..10];
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var department = new Department { Code = code, NameZh = "部门" + code, NameEn = "Dept " + code, Kind = "department" };
        db.Departments.Add(department);
        await db.SaveChangesAsync(Ct);
        var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var names = Enumerable.Range(1, handlers).Select(i => $"{code}-{i}").ToArray();
        foreach (var name in names)
        {
            await users.CreateAsync(new UserEndpoints.CreateUserRequest(name, name, Role.Handler, department.Id, CivicGridApp.Password), Ct);
        }

        return new Unit(department.Id, code, names);
    }

    /// <summary>A manhole cover in the first grid owned by the department.</summary>
    private async Task<string> ComponentOwnedByAsync(Guid department)
    {
        var id = "11010101001" + Random.Shared.Next(100000, 999999).ToString(CultureInfo.InvariantCulture);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var (lon, lat) = TestDistrict.Inside();
        db.Components.Add(new Component { Id = id, CategoryCode = "01001", Name = "井盖", Longitude = lon, Latitude = lat, GridCode = App.District.GridCodes[0], OwnerDepartmentId = department });
        await db.SaveChangesAsync(Ct);
        return id;
    }

    /// <summary>A filed case (category 06010, whose rule says sanitation) that names the component.</summary>
    private async Task<string> FiledWithComponentAsync(string componentId, string category = "06010")
    {
        var (lon, lat) = TestDistrict.Inside();
        var response = await (await AsAsync("inspector")).PostAsJsonAsync("/api/v1/cases", new
        {
            description = "井盖旁垃圾堆积 " + Guid.NewGuid().ToString("N"),
            categoryCode = category,
            longitude = lon,
            latitude = lat,
            componentId,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = Id(await response.Content.ReadFromJsonAsync<JsonElement>(Ct));
        await StepAsync("operator", id, new { action = "file" });
        return id;
    }

    private async Task<JsonElement> SuggestionAsync(string id, string user = "dispatcher")
    {
        var response = await (await AsAsync(user)).GetAsync($"/api/v1/cases/{id}/dispatch-suggestion", Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<Guid> UserIdAsync(string name)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        return await db.Users.Where(u => u.UserName == name).Select(u => u.Id).SingleAsync(Ct);
    }

    private static JsonElement LastDetails(JsonElement c, string action) =>
        JsonDocument.Parse(c.GetProperty("history").EnumerateArray().Last(h => h.GetProperty("action").GetString() == action).GetProperty("details").GetString()!).RootElement;

    [Fact]
    public async Task Suggestion_ComponentOwnerWinsOverTheCategoryRule_WithTheLeastLoadedHandler_AndWhy()
    {
        var unit = await DepartmentAsync();
        var component = await ComponentOwnedByAsync(unit.DepartmentId);
        var first = await FiledWithComponentAsync(component);
        // Equal loads: the first handler by user name gets the first case.
        Assert.Equal(await UserIdAsync(unit.Handlers[0]), (await StepAsync("dispatcher", first, new { action = "dispatch" })).GetProperty("assigneeId").GetGuid());
        var second = await FiledWithComponentAsync(component);

        var s = await SuggestionAsync(second);

        Assert.Equal(unit.DepartmentId, s.GetProperty("department").GetProperty("id").GetGuid());
        Assert.Equal("componentOwner", s.GetProperty("basis").GetString());
        Assert.Contains(component, s.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains(component, s.GetProperty("reasonEn").GetString(), StringComparison.Ordinal);
        Assert.Equal(unit.Handlers[1], s.GetProperty("assignee").GetProperty("userName").GetString());
        Assert.Equal(
            [(unit.Handlers[1], 0m, 0), (unit.Handlers[0], 1m, 1)],
            s.GetProperty("handlers").EnumerateArray().Select(h => (h.GetProperty("userName").GetString()!, h.GetProperty("load").GetDecimal(), h.GetProperty("openCases").GetInt32())));
        Assert.Empty(s.GetProperty("coHandlingDepartments").EnumerateArray());
    }

    [Fact]
    public async Task Suggestion_CategoryRule_ForACaseWithoutComponent()
    {
        var id = Id(await ReportAsync("06010"));

        var s = await SuggestionAsync(id, "supervisor");

        Assert.Equal(App.District.SanitationId, s.GetProperty("department").GetProperty("id").GetGuid());
        Assert.Equal("majorCategoryRule", s.GetProperty("basis").GetString());
        // The freest handler of the department (other tests on this server add handlers and work): first in the list.
        var handlers = s.GetProperty("handlers").EnumerateArray().ToList();
        Assert.Contains(handlers, h => h.GetProperty("userName").GetString() == "handler-a");
        Assert.Equal(handlers[0].GetProperty("userName").GetString(), s.GetProperty("assignee").GetProperty("userName").GetString());
        var loads = handlers.Select(h => h.GetProperty("load").GetDecimal()).ToList();
        Assert.Equal(loads.Order(), loads);
    }

    [Fact]
    public async Task Suggestion_IsForDispatchers_AndWithinTheDataScope()
    {
        var id = Id(await ReportAsync("06010"));

        await ProblemAsync(await (await AsAsync("handler-a")).GetAsync($"/api/v1/cases/{id}/dispatch-suggestion", Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await (await AsAsync("operator")).GetAsync($"/api/v1/cases/{id}/dispatch-suggestion", Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await (await AsAsync("dispatcher")).GetAsync($"/api/v1/cases/{Guid.NewGuid()}/dispatch-suggestion", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Dispatch_WithoutChoices_TakesTheSuggestion_AndRecordsIt()
    {
        var unit = await DepartmentAsync();
        var id = await FiledWithComponentAsync(await ComponentOwnedByAsync(unit.DepartmentId));
        var suggested = await SuggestionAsync(id);

        var c = await StepAsync("dispatcher", id, new { action = "dispatch" });

        Assert.Equal("dispatched", Status(c));
        Assert.Equal(unit.DepartmentId, c.GetProperty("departmentId").GetGuid());
        Assert.Equal(suggested.GetProperty("assignee").GetProperty("userId").GetGuid(), c.GetProperty("assigneeId").GetGuid());
        Assert.Equal(unit.Handlers[0], c.GetProperty("assigneeName").GetString());
        var details = LastDetails(c, "dispatch");
        Assert.False(details.GetProperty("overridden").GetBoolean());
        Assert.Equal("ComponentOwner", details.GetProperty("basis").GetString());
        // The handler sees who has it.
        Assert.Equal(unit.Handlers[0], (await GetCaseAsync(id, unit.Handlers[1])).GetProperty("assigneeName").GetString());
    }

    [Fact]
    public async Task Dispatch_OtherDepartmentWithoutReason_Is400NamingReason_AndChangesNothing()
    {
        var unit = await DepartmentAsync();
        var id = await FiledWithComponentAsync(await ComponentOwnedByAsync(unit.DepartmentId));
        var before = await GetCaseAsync(id);

        var problem = await ProblemAsync(await TransitionAsync("dispatcher", id, new { action = "dispatch", departmentId = App.District.TrafficId }), HttpStatusCode.BadRequest);
        Assert.Contains("reason", ErrorFields(problem));
        var blank = await ProblemAsync(await TransitionAsync("dispatcher", id, new { action = "dispatch", departmentId = App.District.TrafficId, reason = "  " }), HttpStatusCode.BadRequest);
        Assert.Contains("reason", ErrorFields(blank));

        var after = await GetCaseAsync(id);
        Assert.Equal("filed", Status(after));
        Assert.Equal(before.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("departmentId").ValueKind);
    }

    [Fact]
    public async Task Dispatch_Override_WithReason_RecordsSuggestedAndChosen_InHistoryAndAudit()
    {
        var unit = await DepartmentAsync();
        var id = await FiledWithComponentAsync(await ComponentOwnedByAsync(unit.DepartmentId));

        var c = await StepAsync("dispatcher", id, new { action = "dispatch", departmentId = App.District.TrafficId, reason = "井盖下是交通信号电缆" });

        Assert.Equal(App.District.TrafficId, c.GetProperty("departmentId").GetGuid());
        // The other department's least loaded handler gets it.
        Assert.Equal("handler-b", c.GetProperty("assigneeName").GetString());
        var details = LastDetails(c, "dispatch");
        Assert.True(details.GetProperty("overridden").GetBoolean());
        Assert.Equal(unit.DepartmentId, details.GetProperty("suggestedDepartmentId").GetGuid());
        Assert.Equal(App.District.TrafficId, details.GetProperty("departmentId").GetGuid());
        Assert.Equal("井盖下是交通信号电缆", details.GetProperty("reason").GetString());
        var entry = c.GetProperty("history").EnumerateArray().Last();
        Assert.Equal(("dispatcher", "Dispatcher"), (entry.GetProperty("actorName").GetString(), entry.GetProperty("actorRole").GetString()));

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var audits = await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == "Case" && a.EntityId == id).ToListAsync(Ct);
        Assert.Contains(audits, a => a.After != null && a.After.Contains(App.District.TrafficId.ToString(), StringComparison.Ordinal) && a.After.Contains("AssigneeId", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dispatch_OtherHandlerOfTheSuggestedDepartment_NeedsAReason_AndMustBeOne()
    {
        var unit = await DepartmentAsync();
        var id = await FiledWithComponentAsync(await ComponentOwnedByAsync(unit.DepartmentId));
        var second = await UserIdAsync(unit.Handlers[1]);

        var noReason = await ProblemAsync(await TransitionAsync("dispatcher", id, new { action = "dispatch", assigneeId = second }), HttpStatusCode.BadRequest);
        Assert.Contains("reason", ErrorFields(noReason));
        var stranger = await ProblemAsync(await TransitionAsync("dispatcher", id, new { action = "dispatch", assigneeId = await UserIdAsync("handler-b"), reason = "熟悉该片区" }), HttpStatusCode.BadRequest);
        Assert.Contains("assigneeId", ErrorFields(stranger));
        var unknownSupport = await ProblemAsync(await TransitionAsync("dispatcher", id, new { action = "dispatch", coHandlingDepartmentIds = new[] { Guid.NewGuid() } }), HttpStatusCode.BadRequest);
        Assert.Contains("coHandlingDepartmentIds", ErrorFields(unknownSupport));
        Assert.Equal("filed", Status(await GetCaseAsync(id)));

        var c = await StepAsync("dispatcher", id, new { action = "dispatch", assigneeId = second, reason = "熟悉该片区" });
        Assert.Equal(second, c.GetProperty("assigneeId").GetGuid());
        Assert.True(LastDetails(c, "dispatch").GetProperty("overridden").GetBoolean());
    }

    [Fact]
    public async Task CoHandling_FromTheRule_SupporterSeesAndReports_MainCannotFinishBefore()
    {
        var main = await DepartmentAsync(handlers: 1);
        var support = await DepartmentAsync(handlers: 1);
        var stranger = await DepartmentAsync(handlers: 1);
        var category = CoHandlingCategory();
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            db.ResponsibilityRules.Add(new ResponsibilityRule { CategoryCode = category, StreetCode = TestDistrict.StreetCode, DepartmentId = main.DepartmentId, SupportingDepartmentIds = [support.DepartmentId] });
            await db.SaveChangesAsync(Ct);
        }

        var id = Id(await ReportAsync(category));
        await StepAsync("operator", id, new { action = "file" });
        var s = await SuggestionAsync(id);
        Assert.Equal("streetRule", s.GetProperty("basis").GetString());
        Assert.Equal([support.DepartmentId], s.GetProperty("coHandlingDepartments").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()));

        var dispatched = await StepAsync("dispatcher", id, new { action = "dispatch" });
        Assert.Equal(support.DepartmentId, Assert.Single(dispatched.GetProperty("coHandling").EnumerateArray()).GetProperty("departmentId").GetGuid());

        // The supporting department sees the case (list and read) and may only do its part.
        var supporter = support.Handlers[0];
        var page = await (await AsAsync(supporter)).GetFromJsonAsync<JsonElement>("/api/v1/cases?pageSize=200", Ct);
        Assert.Contains(page.GetProperty("items").EnumerateArray(), c => Id(c) == id);
        Assert.Equal(["coHandlingNote", "coHandlingDone"], Allowed(await GetCaseAsync(id, supporter)));
        await ProblemAsync(await (await AsAsync(stranger.Handlers[0])).GetAsync($"/api/v1/cases/{id}", Ct), HttpStatusCode.NotFound);
        await ProblemAsync(await TransitionAsync(stranger.Handlers[0], id, new { action = "coHandlingNote", note = "路过" }), HttpStatusCode.NotFound);

        // IDOR: the supporter cannot take the main department's steps.
        var version = (await GetCaseAsync(id)).GetProperty("version").GetInt32();
        await ProblemAsync(await TransitionAsync(supporter, id, new { action = "accept" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await TransitionAsync(supporter, id, new { action = "return", note = "不归我们" }), HttpStatusCode.Forbidden);
        await ProblemAsync(await TransitionAsync(supporter, id, new { action = "requestSuspension", note = "暂缓" }), HttpStatusCode.Forbidden);
        Assert.Equal(version, (await GetCaseAsync(id)).GetProperty("version").GetInt32());

        // The main department cannot report the case fixed while its supporter has not.
        await StepAsync(main.Handlers[0], id, new { action = "accept" });
        await ProblemAsync(await TransitionAsync(main.Handlers[0], id, new { action = "coHandlingDone", result = "代为完成" }), HttpStatusCode.Forbidden);
        var early = await ProblemAsync(await TransitionAsync(main.Handlers[0], id, new { action = "feedback", result = "已修复" }), HttpStatusCode.Conflict);
        Assert.DoesNotContain("feedback", early.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()));
        await ProblemAsync(await TransitionAsync(supporter, id, new { action = "coHandlingDone" }), HttpStatusCode.BadRequest);

        await StepAsync(supporter, id, new { action = "coHandlingNote", note = "已安排交通疏导" });
        var done = await StepAsync(supporter, id, new { action = "coHandlingDone", result = "交通疏导完成" });
        var part = Assert.Single(done.GetProperty("coHandling").EnumerateArray());
        Assert.Equal(("交通疏导完成", supporter), (part.GetProperty("result").GetString(), part.GetProperty("doneByName").GetString()));
        await ProblemAsync(await TransitionAsync(supporter, id, new { action = "coHandlingDone", result = "再报一次" }), HttpStatusCode.Conflict);

        var fed = await StepAsync(main.Handlers[0], id, new { action = "feedback", result = "已修复" });
        Assert.Equal("checking", Status(fed));
        var actions = fed.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
        Assert.Equal(["dispatch", "accept", "coHandlingNote", "coHandlingDone", "feedback"], actions.SkipWhile(a => a != "dispatch"));
        Assert.Equal("协办完成", fed.GetProperty("history").EnumerateArray().Single(h => h.GetProperty("action").GetString() == "coHandlingDone").GetProperty("actionName").GetString());
    }

    [Fact]
    public async Task CoHandling_ChosenByTheDispatcher_MainDepartmentCannotSupportItself()
    {
        var unit = await DepartmentAsync(handlers: 1);
        var id = await FiledWithComponentAsync(await ComponentOwnedByAsync(unit.DepartmentId));

        var problem = await ProblemAsync(await TransitionAsync("dispatcher", id, new { action = "dispatch", coHandlingDepartmentIds = new[] { unit.DepartmentId } }), HttpStatusCode.BadRequest);
        Assert.Contains("coHandlingDepartmentIds", ErrorFields(problem));

        var c = await StepAsync("dispatcher", id, new { action = "dispatch", coHandlingDepartmentIds = new[] { App.District.TrafficId } });
        Assert.Equal(App.District.TrafficId, Assert.Single(c.GetProperty("coHandling").EnumerateArray()).GetProperty("departmentId").GetGuid());
        Assert.Contains(id, (await (await AsAsync("handler-b")).GetFromJsonAsync<JsonElement>("/api/v1/cases?pageSize=200", Ct)).GetProperty("items").EnumerateArray().Select(Id));
    }

    /// <summary>An event category no other test sets a street rule for: one per engine (the rule is unique per category and street).</summary>
    private static string CoHandlingCategory() => "02004";
}

[Collection(SqliteCollection.Name)]
public sealed class DispatchTestsOnSqlite(SqliteApp app) : DispatchTests(app);

[Collection(PostgresCollection.Name)]
public sealed class DispatchTestsOnPostgres(PostgresApp app) : DispatchTests(app);
