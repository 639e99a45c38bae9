using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.PersonalData;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CivicGrid.Server.Tests.Features.PersonalData;

/// <summary>Reporters' personal data: encrypted at rest, masked in reads, revealed with an audit entry, erased after retention, exported on request.</summary>
public abstract class PersonalDataTests(CivicGridApp app) : ApiTest(app)
{
    /// <summary>A fresh mobile number per test: 139 and eight random digits.</summary>
    private static string NewPhone() => "139" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<JsonElement> ReportWithReporterAsync(string name, string phone)
    {
        var client = await AsAsync("operator");
        var (lon, lat) = TestDistrict.Inside();
        var response = await client.PostAsJsonAsync("/api/v1/cases", new
        {
            description = "热线反映：路灯不亮 " + Guid.NewGuid().ToString("N"),
            categoryCode = "06010",
            source = "hotline",
            longitude = lon,
            latitude = lat,
            reporterName = name,
            reporterPhone = phone,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    [Fact]
    public async Task PhoneAndName_AreNotInTheDatabaseInPlaintext()
    {
        var phone = NewPhone();
        var name = "欧阳" + Guid.NewGuid().ToString("N")[..6];
        var c = await ReportWithReporterAsync(name, phone);

        // The columns as the database holds them, read without EF Core.
        var (storedName, storedPhone, index) = await RawReporterAsync(Id(c));
        Assert.NotNull(storedPhone);
        Assert.DoesNotContain(phone, storedPhone, StringComparison.Ordinal);
        Assert.DoesNotContain(name, storedName!, StringComparison.Ordinal);
        Assert.DoesNotContain(phone[3..], storedPhone, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", index!);
        Assert.Equal(0, await RawCountAsync($"SELECT COUNT(*) FROM cases WHERE \"ReporterPhone\" LIKE '%{phone}%' OR \"ReporterName\" LIKE '%{name}%'"));
        Assert.Equal(0, await RawCountAsync($"SELECT COUNT(*) FROM audit_entries WHERE \"Before\" LIKE '%{phone}%' OR \"After\" LIKE '%{phone}%' OR \"After\" LIKE '%{name}%'"));

        if (App.Engine == DatabaseProvider.Sqlite)
        {
            // Every byte of the file and its write-ahead log: no trace of the number, in UTF-8 or UTF-16.
            foreach (var file in Directory.GetFiles(App.DataDir, "civicgrid.db*"))
            {
                byte[] bytes;
                using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                using (var memory = new MemoryStream())
                {
                    await stream.CopyToAsync(memory, Ct);
                    bytes = memory.ToArray();
                }

                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(phone)));
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(phone)));
                Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(name)));
            }
        }
    }

    [Fact]
    public async Task OrdinaryReads_AreMasked()
    {
        var phone = NewPhone();
        var c = await ReportWithReporterAsync("张三", phone);
        Assert.Equal("张*", c.GetProperty("reporterName").GetString());
        Assert.Equal(phone[..3] + "****" + phone[^4..], c.GetProperty("reporterPhone").GetString());

        foreach (var user in new[] { "operator", "supervisor", "admin", "dispatcher" })
        {
            var read = await GetCaseAsync(Id(c), user);
            Assert.Equal("张*", read.GetProperty("reporterName").GetString());
            Assert.Equal(phone[..3] + "****" + phone[^4..], read.GetProperty("reporterPhone").GetString());
        }

        var list = await (await AsAsync("operator")).GetStringAsync("/api/v1/cases?pageSize=200", Ct);
        Assert.DoesNotContain(phone, list, StringComparison.Ordinal);
        Assert.DoesNotContain("张三", list, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("operator")]
    [InlineData("supervisor")]
    [InlineData("admin")]
    public async Task Reveal_ByAllowedRole_ShowsInFullAndWritesAnAuditEntry(string user)
    {
        var phone = NewPhone();
        var c = await ReportWithReporterAsync("李四", phone);
        var client = await AsAsync(user);

        var response = await client.PostAsJsonAsync($"/api/v1/cases/{Id(c)}/reporter/reveal", new { reason = "回访市民" }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reporter = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("李四", reporter.GetProperty("reporterName").GetString());
        Assert.Equal(phone, reporter.GetProperty("reporterPhone").GetString());
        var auditor = await AsAsync("auditor");
        var trail = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=personal-data.read&entityId={Id(c)}", Ct);
        var entry = Assert.Single(trail.GetProperty("items").EnumerateArray());
        Assert.Equal(user, entry.GetProperty("actorName").GetString());
        Assert.Contains("回访市民", entry.GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(phone, entry.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dispatcher")]
    [InlineData("inspector")]
    [InlineData("handler-a")]
    [InlineData("analyst")]
    [InlineData("auditor")]
    public async Task Reveal_ByOtherRoles_IsForbiddenAndShowsNothing(string user)
    {
        var c = await ReportWithReporterAsync("王五", NewPhone());
        var client = await AsAsync(user);

        var response = await client.PostAsJsonAsync($"/api/v1/cases/{Id(c)}/reporter/reveal", new { }, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("王五", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reveal_BadInput_IsRefusedAndWritesNothing()
    {
        var c = await ReportWithReporterAsync("赵六", NewPhone());
        var client = await AsAsync("operator");

        var tooLong = await client.PostAsJsonAsync($"/api/v1/cases/{Id(c)}/reporter/reveal", new { reason = new string('x', 501) }, Ct);
        Assert.Contains("reason", ErrorFields(await ProblemAsync(tooLong, HttpStatusCode.BadRequest)));
        var missing = await client.PostAsJsonAsync($"/api/v1/cases/{Guid.NewGuid()}/reporter/reveal", new { }, Ct);
        await ProblemAsync(missing, HttpStatusCode.NotFound);

        var auditor = await AsAsync("auditor");
        var trail = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=personal-data.read&entityId={Id(c)}", Ct);
        Assert.Equal(0, trail.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Reveal_WithIdempotencyKey_IsNotStoredForReplay()
    {
        var phone = NewPhone();
        var c = await ReportWithReporterAsync("冯二", phone);
        var client = await AsAsync("operator");

        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{Id(c)}/reporter/reveal") { Content = JsonContent.Create(new { }) };
            request.Headers.Add("Idempotency-Key", "reveal-" + Id(c));
            var response = await client.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("Idempotent-Replayed"));
        }

        Assert.Equal(0, await RawCountAsync($"SELECT COUNT(*) FROM idempotency_records WHERE \"ResponseBody\" LIKE '%{phone}%'"));
        var auditor = await AsAsync("auditor");
        var trail = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=personal-data.read&entityId={Id(c)}", Ct);
        Assert.Equal(2, trail.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Export_FindsOneCitizensCasesWhateverTheNumbersFormat_AndIsAudited()
    {
        var phone = NewPhone();
        var first = await ReportWithReporterAsync("孙七", $"{phone[..3]}-{phone[3..7]}-{phone[7..]}");
        var second = await ReportWithReporterAsync("孙七", "+86 " + phone);
        await ReportWithReporterAsync("周八", NewPhone());
        var client = await AsAsync("operator");

        var response = await client.PostAsJsonAsync("/api/v1/personal-data/export", new { phone }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var export = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var numbers = export.GetProperty("cases").EnumerateArray().Select(x => x.GetProperty("number").GetString()).ToList();
        Assert.Equal([first.GetProperty("number").GetString(), second.GetProperty("number").GetString()], numbers);
        Assert.All(export.GetProperty("cases").EnumerateArray(), x => Assert.Equal("孙七", x.GetProperty("reporterName").GetString()));
        var auditor = await AsAsync("auditor");
        var trail = await auditor.GetFromJsonAsync<JsonElement>("/api/v1/audit?action=personal-data.export&actor=operator", Ct);
        var entry = trail.GetProperty("items")[0];
        Assert.Contains(phone[..3] + "****" + phone[^4..], entry.GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(phone, entry.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_BadPhoneOrWrongRole_IsRefused()
    {
        var operatorClient = await AsAsync("operator");
        var problem = await ProblemAsync(await operatorClient.PostAsJsonAsync("/api/v1/personal-data/export", new { phone = "12" }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("phone", ErrorFields(problem));
        var dispatcher = await AsAsync("dispatcher");
        Assert.Equal(HttpStatusCode.Forbidden, (await dispatcher.PostAsJsonAsync("/api/v1/personal-data/export", new { phone = NewPhone() }, Ct)).StatusCode);
    }

    [Fact]
    public async Task Retention_ErasesFinishedCasesAfterThePeriod_KeepsTheCase_IsIdempotentAndAudited()
    {
        var phone = NewPhone();
        var closed = await ReportWithReporterAsync("吴九", phone);
        var id = Id(closed);
        await StepAsync("operator", id, new { action = "file" });
        await StepAsync("dispatcher", id, new { action = "dispatch" });
        await StepAsync("handler-a", id, new { action = "accept" });
        await StepAsync("handler-a", id, new { action = "feedback", result = "已修复" });
        await StepAsync("inspector", id, new { action = "check", passed = true });
        await StepAsync("supervisor", id, new { action = "close" });
        var open = await ReportWithReporterAsync("郑十", NewPhone());
        var period = TimeSpan.FromDays(30);

        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            // Other tests' cases in the shared database may be due already; this one is not yet.
            await RetentionJob.RunOnceAsync(db, App.Clock.GetUtcNow().AddDays(29), period, Ct);
            Assert.Equal(phone, (await db.Cases.AsNoTracking().SingleAsync(c => c.Id == Guid.Parse(id), Ct)).ReporterPhone);
            var erased = await RetentionJob.RunOnceAsync(db, App.Clock.GetUtcNow().AddDays(31), period, Ct);
            Assert.True(erased >= 1);
            Assert.Equal(0, await RetentionJob.RunOnceAsync(db, App.Clock.GetUtcNow().AddDays(31), period, Ct));
        }

        var operatorClient = await AsAsync("operator");
        var gone = await (await operatorClient.PostAsJsonAsync($"/api/v1/cases/{id}/reporter/reveal", new { }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(JsonValueKind.Null, gone.GetProperty("reporterName").ValueKind);
        Assert.Equal(JsonValueKind.Null, gone.GetProperty("reporterPhone").ValueKind);
        var kept = await (await operatorClient.PostAsJsonAsync($"/api/v1/cases/{Id(open)}/reporter/reveal", new { }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("郑十", kept.GetProperty("reporterName").GetString());
        var c = await GetCaseAsync(id);
        Assert.Equal("closed", Status(c));
        Assert.Equal(closed.GetProperty("description").GetString(), c.GetProperty("description").GetString());
        var (storedName, storedPhone, index) = await RawReporterAsync(id);
        Assert.Null(storedName);
        Assert.Null(storedPhone);
        Assert.Null(index);

        var auditor = await AsAsync("auditor");
        var trail = await auditor.GetFromJsonAsync<JsonElement>($"/api/v1/audit?entityId={id}&actor=retention", Ct);
        var entry = Assert.Single(trail.GetProperty("items").EnumerateArray());
        Assert.Equal("system", entry.GetProperty("actorRole").GetString());
        Assert.Contains(phone[..3] + "****" + phone[^4..], entry.GetProperty("before").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"ReporterPhone\":null", entry.GetProperty("after").GetString(), StringComparison.Ordinal);
    }

    private async Task<(string? Name, string? Phone, string? Index)> RawReporterAsync(string caseId)
    {
        const string sql = "SELECT \"ReporterName\", \"ReporterPhone\", \"ReporterPhoneIndex\" FROM cases WHERE \"Id\" = @id";
        if (App.Engine == DatabaseProvider.Sqlite)
        {
            await using var conn = new SqliteConnection($"Data Source={Path.Combine(App.DataDir, "civicgrid.db")};Mode=ReadOnly;Pooling=False");
            await conn.OpenAsync(Ct);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("@id", Guid.Parse(caseId).ToString().ToUpperInvariant());
            await using var r = await cmd.ExecuteReaderAsync(Ct);
            Assert.True(await r.ReadAsync(Ct), "case row not found");
            return (r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2));
        }
        else
        {
            await using var conn = new NpgsqlConnection(ConnectionString());
            await conn.OpenAsync(Ct);
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.AddWithValue("id", Guid.Parse(caseId));
            await using var r = await cmd.ExecuteReaderAsync(Ct);
            Assert.True(await r.ReadAsync(Ct), "case row not found");
            return (r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2));
        }
    }

    private async Task<long> RawCountAsync(string sql)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync(Ct);
        try
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            await conn.CloseAsync();
        }
    }

    private string ConnectionString()
    {
        // The configured string: once a connection has opened, Npgsql strips the password from the context's copy.
        var configured = App.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Database:ConnectionString"];
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        using var scope = App.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().Database.GetConnectionString()!;
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PersonalDataTestsOnSqlite(SqliteApp app) : PersonalDataTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PersonalDataTestsOnPostgres(PostgresApp app) : PersonalDataTests(app);
