using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Geography;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Intake;

/// <summary>The public citizen API: report without signing in, follow by tracking code, me too, rate.</summary>
public abstract class CitizenReportTests(CivicGridApp app) : ApiTest(app)
{
    protected const string Api = "/api/v1/public";

    /// <summary>A PNG header: enough for the content check.</summary>
    protected static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];

    [Fact]
    public async Task Report_Anonymous_FilesACaseWithATrackingCodeAndNoPersonalDataInTheTrackingView()
    {
        var text = "井盖破损 " + Guid.NewGuid().ToString("N");
        var response = await PostReportAsync(Form(text, phone: "13800138000"), ("photos", "hole.png", Png));
        var receipt = await CreatedAsync(response);

        var code = receipt.GetProperty("trackingCode").GetString()!;
        Assert.True(TrackingCodes.IsWellFormed(code), code);
        Assert.Equal(16, receipt.GetProperty("secret").GetString()!.Length);
        Assert.Equal($"/track/{code}", receipt.GetProperty("trackingUrl").GetString());
        Assert.Equal($"{Api}/cases/{code}", response.Headers.Location?.OriginalString);

        var view = await App.CreateClient().GetFromJsonAsync<JsonElement>($"{Api}/cases/{code}", Ct);
        Assert.Equal("reported", view.GetProperty("status").GetString());
        Assert.Equal("待受理", view.GetProperty("statusName").GetString());
        Assert.Equal(text, view.GetProperty("description").GetString());
        Assert.Equal(["report"], view.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("action").GetString()));
        var json = view.GetRawText();
        Assert.DoesNotContain("13800138000", json, StringComparison.Ordinal);
        Assert.False(view.TryGetProperty("id", out _));
        Assert.DoesNotContain("\"actor", json, StringComparison.Ordinal);

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var stored = await db.Cases.AsNoTracking().SingleAsync(c => c.TrackingCode == code, Ct);
        Assert.Equal(CaseSource.Public, stored.Source);
        Assert.Equal(App.District.GridCodes[0], stored.GridCode);
        var reporter = await db.CaseReporters.AsNoTracking().SingleAsync(r => r.CaseId == stored.Id, Ct);
        Assert.Equal("13800138000", reporter.ReporterPhone);
        Assert.Equal(NotifyBy.Sms, reporter.NotifyBy);
        Assert.NotEqual(receipt.GetProperty("secret").GetString(), reporter.SecretHash);
        Assert.Equal(1, await db.CaseAttachments.CountAsync(a => a.CaseId == stored.Id, Ct));
    }

    [Fact]
    public async Task Report_Gcj02Position_IsStoredAsWgs84()
    {
        var (lon, lat) = TestDistrict.Inside(1, 1);
        var gcj = CoordinateSystems.FromWgs84(new LonLat(lon, lat), CoordinateSystem.Gcj02);
        var form = Form("GCJ 坐标 " + Guid.NewGuid().ToString("N"));
        form["longitude"] = gcj.Longitude.ToString("R", CultureInfo.InvariantCulture);
        form["latitude"] = gcj.Latitude.ToString("R", CultureInfo.InvariantCulture);
        form["coordinateSystem"] = "gcj02";

        var code = (await CreatedAsync(await PostReportAsync(form))).GetProperty("trackingCode").GetString()!;

        await using var scope = App.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().Cases.AsNoTracking().SingleAsync(c => c.TrackingCode == code, Ct);
        Assert.Equal(lon, stored.Longitude, 6);
        Assert.Equal(lat, stored.Latitude, 6);
        Assert.Equal(App.District.GridCodes[4], stored.GridCode);
    }

    [Fact]
    public async Task Report_ScriptInTheText_IsKeptAsTextAndShownInert()
    {
        var text = "<script>alert('x')</script> 路灯不亮 " + Guid.NewGuid().ToString("N");
        var code = (await CreatedAsync(await PostReportAsync(Form(text)))).GetProperty("trackingCode").GetString()!;

        var page = await App.CreateClient().GetStringAsync($"/track/{code}", Ct);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert", page, StringComparison.Ordinal);
        Assert.Contains(code, page, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadReports => new()
    {
        { "no place", "longitude" },
        { "outside the district", "longitude" },
        { "unknown category", "categoryCode" },
        { "empty description", "description" },
        { "bad coordinate system", "coordinateSystem" },
        { "bad e-mail", "email" },
        { "sms without phone", "phone" },
        { "not an image", "photos" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public async Task Report_BadInput_IsRefusedNamingTheFieldAndFilesNothing(string what, string field)
    {
        var marker = "坏输入 " + Guid.NewGuid().ToString("N");
        var form = Form(marker);
        var files = new List<(string, string, byte[])>();
        switch (what)
        {
            case "no place": form.Remove("longitude"); form.Remove("latitude"); break;
            case "outside the district": form["longitude"] = "121.47"; form["latitude"] = "31.23"; break;
            case "unknown category": form["categoryCode"] = "99999"; break;
            case "empty description": form["description"] = "   "; break;
            case "bad coordinate system": form["coordinateSystem"] = "mercator"; break;
            case "bad e-mail": form["email"] = "not-an-address"; break;
            case "sms without phone": form["notifyBy"] = "sms"; break;
            case "not an image": files.Add(("photos", "x.png", "MZ this is an executable"u8.ToArray())); break;
        }

        var response = await PostReportAsync(form, [.. files]);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(field, ErrorFields(problem));
        await AssertNothingFiledAsync(marker);
    }

    [Fact]
    public async Task Report_TwentyMegabytePhoto_IsRefusedAndNothingIsFiled()
    {
        var marker = "大照片 " + Guid.NewGuid().ToString("N");
        var photo = new byte[20 * 1024 * 1024];
        Png.CopyTo(photo, 0);

        var response = await PostReportAsync(Form(marker), ("photos", "big.png", photo));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["photos"], ErrorFields(problem));
        await AssertNothingFiledAsync(marker);
    }

    [Fact]
    public async Task Track_UnknownOrMalformedCode_Is404WithTheSameBody()
    {
        var client = App.CreateClient();
        var unknown = await ProblemAsync(await client.GetAsync($"{Api}/cases/{TrackingCodes.New()}", Ct), HttpStatusCode.NotFound);
        var malformed = await ProblemAsync(await client.GetAsync($"{Api}/cases/x'%20or%201=1", Ct), HttpStatusCode.NotFound);

        Assert.Equal(unknown.GetProperty("detail").GetString(), malformed.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/track/{TrackingCodes.New()}", Ct)).StatusCode);
    }

    [Fact]
    public async Task TrackingCode_IsTypedForgivingly()
    {
        var code = (await CreatedAsync(await PostReportAsync(Form("查询码 " + Guid.NewGuid().ToString("N"))))).GetProperty("trackingCode").GetString()!;
        var typed = $"{code[..4].ToLowerInvariant()}-{code[4..8]} {code[8..]}";

        var response = await App.CreateClient().GetAsync($"{Api}/cases/{Uri.EscapeDataString(typed)}", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Duplicates_SimilarReportNearby_IsSuggestedAndMeTooJoinsIt()
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        var text = $"东门口垃圾桶满了溢出来 {unique}";
        var first = await CreatedAsync(await PostReportAsync(Form(text, row: 2, col: 2)));
        var (lon, lat) = TestDistrict.Inside(2, 2);

        var found = await (await App.CreateClient().PostAsJsonAsync($"{Api}/duplicates", new
        {
            longitude = lon + 0.0002, latitude = lat, categoryCode = "06010", description = $"东门口的垃圾桶满了 {unique}",
        }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var top = found.EnumerateArray().First();
        Assert.Equal(first.GetProperty("caseNumber").GetString(), top.GetProperty("caseNumber").GetString());
        Assert.Equal(text, top.GetProperty("description").GetString());
        Assert.InRange(top.GetProperty("distanceMetres").GetDouble(), 10, 30);

        var otherKind = await (await App.CreateClient().PostAsJsonAsync($"{Api}/duplicates", new
        {
            longitude = lon, latitude = lat, categoryCode = "05002", description = text,
        }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.DoesNotContain(otherKind.EnumerateArray(), d => d.GetProperty("caseNumber").GetString() == first.GetProperty("caseNumber").GetString());

        var joined = await CreatedAsync(await App.CreateClient().PostAsJsonAsync(
            $"{Api}/reports/{first.GetProperty("caseNumber").GetString()}/me-too", new { email = "me-too@example.org" }, Ct));
        Assert.True(joined.GetProperty("joinedExisting").GetBoolean());
        Assert.Equal(first.GetProperty("trackingCode").GetString(), joined.GetProperty("trackingCode").GetString());
        Assert.NotEqual(first.GetProperty("secret").GetString(), joined.GetProperty("secret").GetString());

        var view = await App.CreateClient().GetFromJsonAsync<JsonElement>($"{Api}/cases/{first.GetProperty("trackingCode").GetString()}", Ct);
        Assert.Equal(["report", "meToo"], view.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("action").GetString()));
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var reporters = await db.CaseReporters.AsNoTracking().Where(r => db.Cases.Any(c => c.Id == r.CaseId && c.TrackingCode == first.GetProperty("trackingCode").GetString())).ToListAsync(Ct);
        Assert.Equal(2, reporters.Count);
        Assert.Equal(NotifyBy.Email, reporters.Single(r => !r.IsOriginal).NotifyBy);
    }

    [Fact]
    public async Task MeToo_UnknownCase_Is404_AndEndedCase_Is400()
    {
        var client = App.CreateClient();
        await ProblemAsync(await client.PostAsJsonAsync($"{Api}/reports/2026-999999/me-too", new { }, Ct), HttpStatusCode.NotFound);

        var id = Id(await ReportAsync());
        await StepAsync("operator", id, new { action = "reject", note = "不属于城市管理范围" });
        var number = (await GetCaseAsync(id)).GetProperty("number").GetString();
        var problem = await ProblemAsync(await client.PostAsJsonAsync($"{Api}/reports/{number}/me-too", new { }, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(["caseNumber"], ErrorFields(problem));
    }

    [Fact]
    public async Task Rejection_ShowsItsReasonOnTheTrackingView()
    {
        var receipt = await CreatedAsync(await PostReportAsync(Form("不予立案 " + Guid.NewGuid().ToString("N"))));
        var id = await CaseIdAsync(receipt);
        await StepAsync("operator", id, new { action = "reject", note = "属于物业管理范围，请联系物业" });

        var view = await App.CreateClient().GetFromJsonAsync<JsonElement>($"{Api}/cases/{receipt.GetProperty("trackingCode").GetString()}", Ct);

        Assert.Equal("rejected", view.GetProperty("status").GetString());
        var step = view.GetProperty("steps").EnumerateArray().Last();
        Assert.Equal("reject", step.GetProperty("action").GetString());
        Assert.Equal("属于物业管理范围，请联系物业", step.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Rating_LowAfterClosing_AsksTheSupervisorForAReturnVisit()
    {
        var receipt = await CreatedAsync(await PostReportAsync(Form("评价 " + Guid.NewGuid().ToString("N"))));
        var code = receipt.GetProperty("trackingCode").GetString()!;
        var id = await CaseIdAsync(receipt);
        var client = App.CreateClient();

        var early = await client.PostAsJsonAsync($"{Api}/cases/{code}/rating", new { secret = receipt.GetProperty("secret").GetString(), stars = 5 }, Ct);
        await ProblemAsync(early, HttpStatusCode.Conflict);

        await CloseAsync(id);
        await ProblemAsync(await client.PostAsJsonAsync($"{Api}/cases/{code}/rating", new { secret = TrackingCodes.New() + "ABCD", stars = 1 }, Ct), HttpStatusCode.Forbidden);
        var noStars = await ProblemAsync(await client.PostAsJsonAsync($"{Api}/cases/{code}/rating", new { secret = receipt.GetProperty("secret").GetString() }, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(["stars"], ErrorFields(noStars));

        var rated = await client.PostAsJsonAsync($"{Api}/cases/{code}/rating", new { secret = receipt.GetProperty("secret").GetString(), stars = 2, comment = "路灯还是不亮" }, Ct);
        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);
        var view = await rated.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(view.GetProperty("awaitingReturnVisit").GetBoolean());
        Assert.False(view.GetProperty("canRate").GetBoolean());
        Assert.Equal(["rate", "dispute"], view.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("action").GetString()).TakeLast(2));

        var staff = await GetCaseAsync(id);
        Assert.Equal("closed", Status(staff));
        Assert.Contains("returnVisit", Allowed(staff));
        Assert.Contains("reopen", Allowed(staff));
        var reopened = await StepAsync("supervisor", id, new { action = "reopen", note = "回访：市民反映仍未修好" });
        Assert.Equal("filed", Status(reopened));
        Assert.Equal("none", reopened.GetProperty("pendingRequest").GetString());
    }

    [Fact]
    public async Task Rating_High_KeepsTheCaseClosed()
    {
        var receipt = await CreatedAsync(await PostReportAsync(Form("好评 " + Guid.NewGuid().ToString("N"))));
        var id = await CaseIdAsync(receipt);
        await CloseAsync(id);

        var rated = await App.CreateClient().PostAsJsonAsync($"{Api}/cases/{receipt.GetProperty("trackingCode").GetString()}/rating",
            new { secret = receipt.GetProperty("secret").GetString(), stars = 5, comment = "很快" }, Ct);

        var view = await rated.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.OK, rated.StatusCode);
        Assert.False(view.GetProperty("awaitingReturnVisit").GetBoolean());
        Assert.DoesNotContain("returnVisit", Allowed(await GetCaseAsync(id)));
        await using var scope = App.Services.CreateAsyncScope();
        var reporter = await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().CaseReporters.AsNoTracking().SingleAsync(r => r.CaseId == Guid.Parse(id), Ct);
        Assert.Equal(5, reporter.Rating);
        Assert.Equal("很快", reporter.RatingComment);
    }

    [Fact]
    public async Task SuggestCategory_EmptyDescription_Is400()
    {
        var problem = await ProblemAsync(await App.CreateClient().PostAsJsonAsync($"{Api}/suggest-category", new { description = "" }, Ct), HttpStatusCode.BadRequest);
        Assert.Equal(["description"], ErrorFields(problem));
    }

    [Fact]
    public async Task ReportPage_RendersInChineseByDefaultAndInEnglishOnRequest()
    {
        var client = App.CreateClient();
        var zh = await client.GetStringAsync("/report", Ct);
        var en = await client.GetStringAsync("/report?lang=en", Ct);

        Assert.Contains("<html lang=\"zh-CN\">", zh, StringComparison.Ordinal);
        Assert.Contains("我要反映城市问题", zh, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", en, StringComparison.Ordinal);
        Assert.Contains("Report a problem in the city", en, StringComparison.Ordinal);
        Assert.Contains("value=\"06010\"", zh, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_LinksTheDuplicatesReportersToTheSurvivingCase_WhoCanRateIt()
    {
        var first = await CreatedAsync(await PostReportAsync(Form("垃圾桶满溢 " + Guid.NewGuid().ToString("N"), phone: "13600136001", row: 2, col: 0)));
        var second = await CreatedAsync(await PostReportAsync(Form("垃圾桶满了没人清 " + Guid.NewGuid().ToString("N"), phone: "13600136002", row: 2, col: 0)));
        var survivorId = await CaseIdAsync(first);
        var duplicateId = await CaseIdAsync(second);

        await StepAsync("operator", duplicateId, new { action = "merge", duplicateOfId = survivorId, note = "同一问题" });

        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var phones = await db.CaseReporters.AsNoTracking().Where(r => r.CaseId == Guid.Parse(survivorId)).Select(r => r.ReporterPhone).ToListAsync(Ct);
            Assert.Equal(["13600136001", "13600136002"], phones.Order());
            Assert.Equal(1, await db.CaseReporters.CountAsync(r => r.CaseId == Guid.Parse(duplicateId), Ct));
        }

        var view = await App.CreateClient().GetFromJsonAsync<JsonElement>($"{Api}/cases/{first.GetProperty("trackingCode").GetString()}", Ct);
        Assert.Contains("meToo", view.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("action").GetString()));

        // The second reporter's secret now rates the surviving case once it is closed.
        await StepAsync("operator", survivorId, new { action = "file" });
        await StepAsync("dispatcher", survivorId, new { action = "dispatch", departmentId = App.District.SanitationId });
        await StepAsync("handler-a", survivorId, new { action = "accept" });
        await StepAsync("handler-a", survivorId, new { action = "feedback", result = "已清运" });
        await StepAsync("inspector", survivorId, new { action = "check", passed = true });
        await StepAsync("supervisor", survivorId, new { action = "close" });
        var rated = await App.CreateClient().PostAsJsonAsync(
            $"{Api}/cases/{first.GetProperty("trackingCode").GetString()}/rating",
            new { secret = second.GetProperty("secret").GetString(), stars = 5, comment = "很快" }, Ct);
        Assert.True(rated.IsSuccessStatusCode, await rated.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>Takes a case through the loop to closed, as the staff would.</summary>
    protected async Task CloseAsync(string id)
    {
        await StepAsync("operator", id, new { action = "file" });
        await StepAsync("dispatcher", id, new { action = "dispatch", departmentId = App.District.SanitationId });
        await StepAsync("handler-a", id, new { action = "accept" });
        await StepAsync("handler-a", id, new { action = "feedback", result = "已修复" });
        await StepAsync("inspector", id, new { action = "check", passed = true });
        await StepAsync("supervisor", id, new { action = "close" });
    }

    protected async Task<string> CaseIdAsync(JsonElement receipt)
    {
        var staff = await GetCaseAsync(receipt.GetProperty("caseNumber").GetString()!);
        return Id(staff);
    }

    protected static Dictionary<string, string> Form(string description, string? phone = null, int row = 0, int col = 0)
    {
        var (lon, lat) = TestDistrict.Inside(row, col);
        var form = new Dictionary<string, string>
        {
            ["description"] = description,
            ["categoryCode"] = "06010",
            ["longitude"] = lon.ToString("R", CultureInfo.InvariantCulture),
            ["latitude"] = lat.ToString("R", CultureInfo.InvariantCulture),
        };
        if (phone is not null)
        {
            form["phone"] = phone;
        }

        return form;
    }

    protected Task<HttpResponseMessage> PostReportAsync(Dictionary<string, string> form, params (string Field, string FileName, byte[] Bytes)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (k, v) in form)
        {
            content.Add(new StringContent(v), k);
        }

        foreach (var (field, name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            content.Add(part, field, name);
        }

        return App.CreateClient().PostAsync($"{Api}/reports", content, Ct);
    }

    protected static async Task<JsonElement> CreatedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task AssertNothingFiledAsync(string marker)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        Assert.False(await db.Cases.AnyAsync(c => c.Description.Contains(marker), Ct));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class CitizenReportTestsOnSqlite(SqliteApp app) : CitizenReportTests(app);

[Collection(PostgresCollection.Name)]
public sealed class CitizenReportTestsOnPostgres(PostgresApp app) : CitizenReportTests(app);
