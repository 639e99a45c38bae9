using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Audit;

/// <summary>The audit trail: what a change, a sign-in and a read write, and the auditor's search and export.</summary>
public abstract class AuditTrailTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task Transition_WritesEntryWithWhoRoleBeforeAfterAndCorrelationId()
    {
        var c = await ReportAsync();
        var operatorClient = await AsAsync("operator");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{Id(c)}/transitions") { Content = JsonContent.Create(new { action = "file" }) };
        request.Headers.Add("X-Correlation-Id", "corr-" + Id(c));
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.SendAsync(request, Ct)).StatusCode);

        var entries = await SearchAsync($"entityType=Case&entityId={Id(c)}");

        Assert.Equal(2, entries.Count);
        var created = entries[1];
        Assert.Equal("create", created.GetProperty("action").GetString());
        Assert.Equal("inspector", created.GetProperty("actorName").GetString());
        Assert.Equal("inspector", created.GetProperty("actorRole").GetString());
        Assert.Contains("\"Status\":\"Reported\"", created.GetProperty("after").GetString(), StringComparison.Ordinal);

        var filed = entries[0];
        Assert.Equal("update", filed.GetProperty("action").GetString());
        Assert.Equal("operator", filed.GetProperty("actorName").GetString());
        Assert.Equal("operator", filed.GetProperty("actorRole").GetString());
        Assert.Equal("corr-" + Id(c), filed.GetProperty("correlationId").GetString());
        Assert.Contains("\"Status\":\"Reported\"", filed.GetProperty("before").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"Status\":\"Filed\"", filed.GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.True(created.GetProperty("sequence").GetInt64() < filed.GetProperty("sequence").GetInt64());
        Assert.Matches("^[0-9a-f]{64}$", filed.GetProperty("hash").GetString()!);
    }

    [Fact]
    public async Task SignIn_SuccessAndFailure_AreAudited()
    {
        var anonymous = App.CreateClient();
        var wrong = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = "dispatcher", password = "not-the-password" }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var right = await anonymous.PostAsJsonAsync("/api/v1/auth/token", new { username = "dispatcher", password = CivicGridApp.Password }, Ct);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);

        var failed = (await SearchAsync("action=sign-in-failed"))[0];
        Assert.Equal("anonymous", failed.GetProperty("actorRole").GetString());
        Assert.Contains("\"userName\":\"dispatcher\"", failed.GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", failed.GetRawText(), StringComparison.Ordinal);
        var signedIn = (await SearchAsync("action=sign-in&actor=dispatcher"))[0];
        Assert.Equal("dispatcher", signedIn.GetProperty("actorRole").GetString());
        Assert.True(signedIn.GetProperty("sequence").GetInt64() > failed.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Open311Report_IsAttributedToTheApiClient()
    {
        var admin = await AsAsync("admin");
        var name = "审计测试应用 " + Guid.NewGuid().ToString("N")[..6];
        var issued = await admin.PostAsJsonAsync("/api/v1/api-clients", new { name }, Ct);
        var key = (await issued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!;
        var (lon, lat) = TestDistrict.Inside();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = key,
            ["service_code"] = "06010",
            ["lat"] = lat.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["long"] = lon.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["description"] = "Open311 审计 " + Guid.NewGuid().ToString("N"),
        });

        var response = await App.CreateClient().PostAsync("/open311/v2/requests.json", form, Ct);

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        var number = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct))[0].GetProperty("service_request_id").GetString()!;
        var c = await GetCaseAsync(number);
        var created = (await SearchAsync($"entityType=Case&entityId={Id(c)}")).Single();
        Assert.Equal(name, created.GetProperty("actorName").GetString());
        Assert.Equal("api-client", created.GetProperty("actorRole").GetString());
    }

    [Fact]
    public async Task UserChange_RedactsThePasswordHash()
    {
        var admin = await AsAsync("admin");
        var name = "audit" + Guid.NewGuid().ToString("N")[..8];
        var response = await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, displayName = "审计测试", role = "analyst", password = "a-long-password-1" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var entry = (await SearchAsync("entityType=User&action=create&actor=admin")).First(e => e.GetProperty("after").GetString()!.Contains(name, StringComparison.Ordinal));
        Assert.Contains("\"PasswordHash\":\"[redacted]\"", entry.GetProperty("after").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_FiltersByTimeAndPages_NewestFirst()
    {
        for (var i = 0; i < 3; i++)
        {
            await ReportAsync();
        }

        var auditor = await AsAsync("auditor");
        var page = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?entityType=Case&action=create&pageSize=2", Ct);
        Assert.Equal(2, page.GetProperty("items").GetArrayLength());
        Assert.True(page.GetProperty("total").GetInt32() >= 3);
        var sequences = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.True(sequences[0] > sequences[1]);

        var later = Uri.EscapeDataString(App.Clock.GetUtcNow().AddMinutes(1).ToString("O"));
        var none = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit?from={later}", Ct);
        Assert.Equal(0, none.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=501", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from")]
    public async Task Search_BadParameter_Returns400NamingIt(string query, string field)
    {
        var auditor = await AsAsync("auditor");
        var problem = await ProblemAsync(await auditor.GetAsync("/api/v1/audit?" + query, Ct), HttpStatusCode.BadRequest);
        Assert.Contains(field, ErrorFields(problem));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("supervisor")]
    [InlineData("operator")]
    public async Task NonAuditors_MayNotReadTheTrail(string user)
    {
        var client = await AsAsync(user);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/audit", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/audit/export", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await App.CreateClient().GetAsync("/api/v1/audit", Ct)).StatusCode);
    }

    [Fact]
    public async Task Export_IsCsvWithHashes_AndIsItselfAudited()
    {
        var c = await ReportAsync();
        var auditor = await AsAsync("auditor");
        var response = await auditor.GetAsync($"/api/v1/audit/export?entityId={Id(c)}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("sequence,at,actor_id,actor_name,actor_role,action,entity_type,entity_id,before,after", lines[0], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length);
        Assert.Contains($",create,Case,{Id(c)},", lines[1], StringComparison.Ordinal);
        Assert.Matches(",[0-9a-f]{64},[0-9a-f]{64}$", lines[1].TrimEnd('\r'));

        var exports = await SearchAsync("action=audit.export&actor=auditor");
        Assert.Contains(exports, e => e.GetProperty("after").GetString()!.Contains(Id(c), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConcurrentWriters_KeepTheChainWithoutGaps()
    {
        var tasks = Enumerable.Range(0, 12).Select(i => ReportAsync(row: i % 3, col: i / 4)).ToList();
        await Task.WhenAll(tasks);

        var auditor = await AsAsync("auditor");
        var verification = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify", Ct);
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.GetRawText());
        var page = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?pageSize=500", Ct);
        var sequences = page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.Equal(sequences[0] - sequences[^1] + 1, sequences.Count);
    }

    [Fact]
    public async Task CalendarDayRemoval_IsAudited()
    {
        var admin = await AsAsync("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/v1/calendar/days/2031-03-04", new { kind = "holiday", name = "审计假日" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/v1/calendar/days/2031-03-04", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/v1/calendar/days/2031-03-04", Ct)).StatusCode);

        var removed = (await SearchAsync("entityType=CalendarDayRecord&action=delete&actor=admin"))
            .Single(e => e.GetProperty("before").GetString()!.Contains("审计假日", StringComparison.Ordinal));
        Assert.Equal("admin", removed.GetProperty("actorRole").GetString());
    }

    private async Task<List<JsonElement>> SearchAsync(string query)
    {
        var auditor = await AsAsync("auditor");
        var page = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?pageSize=500&" + query, Ct);
        return [.. page.GetProperty("items").EnumerateArray()];
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AuditTrailTestsOnSqlite(SqliteApp app) : AuditTrailTests(app);

[Collection(PostgresCollection.Name)]
public sealed class AuditTrailTestsOnPostgres(PostgresApp app) : AuditTrailTests(app);
