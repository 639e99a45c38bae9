using System.Net;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Cases;

/// <summary>The closed loop over the API: every path, by the right roles, refused to the wrong ones.</summary>
public abstract class CaseLoopTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task Report_ResolvesGridCommunityStreet_AndNumbersByYear()
    {
        var c = await ReportAsync(row: 1, col: 2);

        Assert.Equal("reported", Status(c));
        Assert.Equal(App.District.GridCodes[5], c.GetProperty("gridCode").GetString());
        Assert.Equal(TestDistrict.CommunityCode, c.GetProperty("communityCode").GetString());
        Assert.Equal(TestDistrict.StreetCode, c.GetProperty("streetCode").GetString());
        Assert.Matches(@"^2026-\d{6}$", c.GetProperty("number").GetString()!);
        Assert.Equal("file", c.GetProperty("currentStage").GetString());
        var history = c.GetProperty("history").EnumerateArray().ToList();
        Assert.Single(history);
        Assert.Equal("report", history[0].GetProperty("action").GetString());
        Assert.Equal("上报", history[0].GetProperty("actionName").GetString());
    }

    [Fact]
    public async Task HappyPath_ReportToClose_ByTheRightRoles()
    {
        var id = Id(await ReportAsync());
        var filed = await StepAsync("operator", id, new { action = "file" });
        Assert.Equal("filed", Status(filed));

        var dispatched = await StepAsync("dispatcher", id, new { action = "dispatch" });
        Assert.Equal("dispatched", Status(dispatched));
        Assert.Equal(App.District.SanitationId.ToString(), dispatched.GetProperty("departmentId").GetString());

        Assert.Equal("handling", Status(await StepAsync("handler-a", id, new { action = "accept" })));
        var fed = await StepAsync("handler-a", id, new { action = "feedback", result = "已清理完毕" });
        Assert.Equal("checking", Status(fed));
        var check = await StepAsync("inspector", id, new { action = "check", passed = true });
        Assert.True(check.GetProperty("checkPassed").GetBoolean());
        var closed = await StepAsync("supervisor", id, new { action = "close" });

        Assert.Equal("closed", Status(closed));
        Assert.Equal(["reopen"], Allowed(closed));
        var actions = closed.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()!).ToArray();
        Assert.Equal(["report", "file", "dispatch", "accept", "feedback", "check", "close"], actions);
        var sequences = closed.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("sequence").GetInt32()).ToArray();
        Assert.Equal(Enumerable.Range(1, 7), sequences);
        var stages = closed.GetProperty("stages").EnumerateArray().ToList();
        Assert.Equal(["file", "dispatch", "handle", "check"], stages.Select(s => s.GetProperty("stage").GetString()));
        Assert.All(stages, s => Assert.True(s.GetProperty("finishedOnTime").GetBoolean()));
    }

    [Theory]
    [InlineData("dispatcher", "file")]
    [InlineData("inspector", "file")]
    public async Task File_ByWrongRole_Returns403AndChangesNothing(string user, string action)
    {
        var id = Id(await ReportAsync());

        var problem = await ProblemAsync(await TransitionAsync(user, id, new { action }), HttpStatusCode.Forbidden);

        Assert.Contains(action, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var after = await GetCaseAsync(id);
        Assert.Equal("reported", Status(after));
        Assert.Equal(1, after.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task File_ByARoleWithoutTheTransitionPermission_Returns403AndChangesNothing()
    {
        var id = Id(await ReportAsync());

        var problem = await ProblemAsync(await TransitionAsync("analyst", id, new { action = "file" }), HttpStatusCode.Forbidden);

        Assert.Equal("Forbidden", problem.GetProperty("title").GetString());
        var after = await GetCaseAsync(id);
        Assert.Equal("reported", Status(after));
        Assert.Equal(1, after.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Accept_ByHandlerOfAnotherDepartment_Returns404AsIfTheCaseDidNotExist()
    {
        var id = Id(await ReportAsync());
        await StepAsync("operator", id, new { action = "file" });
        await StepAsync("dispatcher", id, new { action = "dispatch" });

        // Outside the handler's data scope: answered like a missing case, so ids cannot be probed.
        await ProblemAsync(await TransitionAsync("handler-b", id, new { action = "accept" }), HttpStatusCode.NotFound);

        Assert.Equal("dispatched", Status(await GetCaseAsync(id)));
    }

    [Fact]
    public async Task Close_WhenNotAllowedNow_Returns409WithAllowedActions()
    {
        var id = Id(await ReportAsync());

        var problem = await ProblemAsync(await TransitionAsync("supervisor", id, new { action = "close" }), HttpStatusCode.Conflict);

        var allowed = problem.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Contains("file", allowed);
        Assert.DoesNotContain("close", allowed);
        Assert.Equal("reported", problem.GetProperty("caseStatus").GetString());
        Assert.Equal("reported", Status(await GetCaseAsync(id)));
    }

    [Fact]
    public async Task AllowedActions_DependOnTheCaller()
    {
        var id = Id(await ReportAsync());

        Assert.Contains("file", Allowed(await GetCaseAsync(id, "operator")));
        Assert.Contains("void", Allowed(await GetCaseAsync(id, "supervisor")));
        Assert.DoesNotContain("void", Allowed(await GetCaseAsync(id, "operator")));
        Assert.Empty(Allowed(await GetCaseAsync(id, "inspector")));
    }

    [Fact]
    public async Task Verify_NotFound_CannotBeFiled_ButCanBeRejected()
    {
        var id = Id(await ReportAsync());
        Assert.Equal("verifying", Status(await StepAsync("operator", id, new { action = "requestVerification" })));
        var verified = await StepAsync("inspector", id, new { action = "verify", passed = false, note = "现场未发现" });
        Assert.Equal("reported", Status(verified));

        await ProblemAsync(await TransitionAsync("operator", id, new { action = "file" }), HttpStatusCode.Conflict);
        Assert.Equal("rejected", Status(await StepAsync("operator", id, new { action = "reject", note = "核实不存在" })));
    }

    [Fact]
    public async Task Merge_IntoAnotherCase_RecordsTheDuplicate()
    {
        var original = Id(await ReportAsync());
        var duplicate = Id(await ReportAsync());

        var merged = await StepAsync("operator", duplicate, new { action = "merge", duplicateOfId = original });

        Assert.Equal("merged", Status(merged));
        Assert.Equal(original, merged.GetProperty("duplicateOfId").GetString());
    }

    [Fact]
    public async Task Return_WrongDepartment_GoesBackToDispatcher()
    {
        var id = Id(await ReportAsync());
        await StepAsync("operator", id, new { action = "file" });
        await StepAsync("dispatcher", id, new { action = "dispatch" });

        var returned = await StepAsync("handler-a", id, new { action = "return", note = "不属于本部门职责" });

        Assert.Equal("filed", Status(returned));
        Assert.Equal(JsonValueKind.Null, returned.GetProperty("departmentId").ValueKind);
        Assert.Equal(1, returned.GetProperty("returnCount").GetInt32());
        var redispatched = await StepAsync("dispatcher", id, new { action = "dispatch", departmentId = App.District.TrafficId, reason = "环卫回退：不属于其职责" });
        Assert.Equal(App.District.TrafficId.ToString(), redispatched.GetProperty("departmentId").GetString());
        Assert.Equal("handling", Status(await StepAsync("handler-b", id, new { action = "accept" })));
    }

    [Fact]
    public async Task Rework_AfterFailedCheck_SendsBackToSameDepartment()
    {
        var id = await HandlingCaseAsync();
        await StepAsync("handler-a", id, new { action = "feedback", result = "已处理" });
        await StepAsync("inspector", id, new { action = "check", passed = false });
        await ProblemAsync(await TransitionAsync("supervisor", id, new { action = "close" }), HttpStatusCode.Conflict);

        var rework = await StepAsync("supervisor", id, new { action = "rework", note = "垃圾未清理干净" });

        Assert.Equal("handling", Status(rework));
        Assert.Equal(1, rework.GetProperty("reworkCount").GetInt32());
        Assert.Equal(App.District.SanitationId.ToString(), rework.GetProperty("departmentId").GetString());
        Assert.Equal(2, rework.GetProperty("stages").EnumerateArray().Count(s => s.GetProperty("stage").GetString() == "handle"));
    }

    [Fact]
    public async Task Postponement_Approved_ExtendsTheHandleDeadline()
    {
        var id = await HandlingCaseAsync();
        var before = (await GetCaseAsync(id)).GetProperty("dueAt").GetDateTimeOffset();

        var requested = await StepAsync("handler-a", id, new { action = "requestPostponement", note = "需协调施工", extension = new { value = 2, unit = "workDay" } });
        Assert.Equal("postponement", requested.GetProperty("pendingRequest").GetString());
        await ProblemAsync(await TransitionAsync("handler-a", id, new { action = "feedback", result = "x" }), HttpStatusCode.Conflict);
        var approved = await StepAsync("dispatcher", id, new { action = "approvePostponement" });

        Assert.Equal("none", approved.GetProperty("pendingRequest").GetString());
        Assert.True(approved.GetProperty("dueAt").GetDateTimeOffset() > before.AddHours(24));
    }

    [Fact]
    public async Task Postponement_Rejected_KeepsTheDeadline()
    {
        var id = await HandlingCaseAsync();
        var before = (await GetCaseAsync(id)).GetProperty("dueAt").GetDateTimeOffset();
        await StepAsync("handler-a", id, new { action = "requestPostponement", note = "需协调", extension = new { value = 1, unit = "workDay" } });

        var rejected = await StepAsync("dispatcher", id, new { action = "rejectPostponement", note = "不符合延期条件" });

        Assert.Equal(before, rejected.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Suspension_PausesTheClock_AndLiftingResumesIt()
    {
        var id = await HandlingCaseAsync();
        await StepAsync("handler-a", id, new { action = "requestSuspension", note = "需列入明年改造计划" });
        var suspended = await StepAsync("supervisor", id, new { action = "approveSuspension" });
        Assert.Equal("suspended", Status(suspended));
        Assert.Equal(JsonValueKind.Null, suspended.GetProperty("dueAt").ValueKind);

        var lifted = await StepAsync("dispatcher", id, new { action = "liftSuspension" });

        Assert.Equal("handling", Status(lifted));
        Assert.NotEqual(JsonValueKind.Null, lifted.GetProperty("dueAt").ValueKind);
    }

    [Fact]
    public async Task Urge_Void_Reopen()
    {
        var id = Id(await ReportAsync());
        await StepAsync("operator", id, new { action = "file" });
        var urged = await StepAsync("supervisor", id, new { action = "urge", note = "领导关注，尽快处理" });
        Assert.Equal(1, urged.GetProperty("urgeCount").GetInt32());
        Assert.Equal("voided", Status(await StepAsync("supervisor", id, new { action = "void", note = "重复上报" })));

        var reopened = await StepAsync("supervisor", id, new { action = "reopen", note = "市民再次反映" });

        Assert.Equal("reported", Status(reopened));
    }

    [Fact]
    public async Task Reopen_ClosedCase_ReturnsToDispatch()
    {
        var id = await HandlingCaseAsync();
        await StepAsync("handler-a", id, new { action = "feedback", result = "已处理" });
        await StepAsync("inspector", id, new { action = "check", passed = true });
        await StepAsync("supervisor", id, new { action = "close" });

        var reopened = await StepAsync("supervisor", id, new { action = "reopen", note = "问题复发" });

        Assert.Equal("filed", Status(reopened));
        Assert.Equal("dispatch", reopened.GetProperty("currentStage").GetString());
    }

    [Fact]
    public async Task GetCase_ByNumber_FindsTheSameCase()
    {
        var c = await ReportAsync();
        var byNumber = await GetCaseAsync(c.GetProperty("number").GetString()!);
        Assert.Equal(Id(c), Id(byNumber));
    }

    [Fact]
    public async Task GetCase_Unknown_Returns404ProblemDetails()
    {
        var client = await AsAsync("operator");
        await ProblemAsync(await client.GetAsync($"/api/v1/cases/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound);
    }

    private async Task<string> HandlingCaseAsync()
    {
        var id = Id(await ReportAsync());
        await StepAsync("operator", id, new { action = "file" });
        await StepAsync("dispatcher", id, new { action = "dispatch" });
        await StepAsync("handler-a", id, new { action = "accept" });
        return id;
    }
}

[Collection(SqliteCollection.Name)]
public sealed class CaseLoopTestsOnSqlite(SqliteApp app) : CaseLoopTests(app);

[Collection(PostgresCollection.Name)]
public sealed class CaseLoopTestsOnPostgres(PostgresApp app) : CaseLoopTests(app);
