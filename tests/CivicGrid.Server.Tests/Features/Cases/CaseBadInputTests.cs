using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Cases;

/// <summary>Every kind of bad input gets a 4xx ProblemDetails naming the problem, and writes nothing.</summary>
public abstract class CaseBadInputTests(CivicGridApp app) : ApiTest(app)
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];

    [Fact]
    public async Task Create_MalformedJson_Returns400AndWritesNothing()
    {
        var client = await AsAsync("inspector");
        var before = await CountCasesAsync();

        var response = await client.PostAsync("/api/v1/cases", new StringContent("{\"description\": \"x\", ", Encoding.UTF8, "application/json"), Ct);

        await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(before, await CountCasesAsync());
    }

    [Theory]
    [InlineData("{\"categoryCode\":\"06010\",\"longitude\":116.4005,\"latitude\":39.9025}", "description")]
    [InlineData("{\"description\":\"x\",\"categoryCode\":\"99999\",\"longitude\":116.4005,\"latitude\":39.9025}", "categoryCode")]
    [InlineData("{\"description\":\"x\",\"longitude\":116.4005,\"latitude\":39.9025}", "categoryCode")] // no category and no trained model to suggest one
    [InlineData("{\"description\":\"x\",\"categoryCode\":\"01001\",\"longitude\":116.4005,\"latitude\":39.9025,\"componentId\":\"11010101001999999\"}", "componentId")]
    [InlineData("{\"description\":\"x\",\"categoryCode\":\"06010\",\"gridCode\":\"110101001001999\"}", "gridCode")]
    [InlineData("{\"description\":\"x\",\"categoryCode\":\"06010\",\"longitude\":121.47,\"latitude\":31.23}", "longitude")]
    [InlineData("{\"description\":\"x\",\"categoryCode\":\"06010\",\"longitude\":200,\"latitude\":39.9}", "longitude")]
    [InlineData("{\"description\":\"x\",\"categoryCode\":\"06010\",\"longitude\":116.4005}", "latitude")]
    [InlineData("{\"description\":\"x\",\"categoryCode\":\"06010\"}", "longitude")]
    [InlineData("{\"description\":\"x\",\"categoryCode\":\"06010\",\"longitude\":116.4005,\"latitude\":39.9025,\"urgency\":\"extreme\"}", "urgency")]
    public async Task Create_BadField_Returns400NamingTheField(string body, string field)
    {
        var client = await AsAsync("inspector");
        var before = await CountCasesAsync();

        var response = await client.PostAsync("/api/v1/cases", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(field, ErrorFields(problem));
        Assert.Equal(before, await CountCasesAsync());
    }

    [Theory]
    [InlineData("{\"action\":\"fly\"}", "action")]
    [InlineData("{}", "action")]
    [InlineData("{\"action\":\"reject\"}", "note")]
    [InlineData("{\"action\":\"reject\",\"note\":\"   \"}", "note")]
    [InlineData("{\"action\":\"merge\"}", "duplicateOfId")]
    [InlineData("{\"action\":\"merge\",\"duplicateOfId\":\"0190a0a0-0000-7000-8000-000000000000\"}", "duplicateOfId")]
    [InlineData("{\"action\":\"file\",\"categoryCode\":\"00000\"}", "categoryCode")]
    [InlineData("{\"action\":\"file\",\"attachmentIds\":[\"0190a0a0-0000-7000-8000-000000000000\"]}", "attachmentIds")]
    public async Task Transition_BadField_Returns400NamingTheField_AndChangesNothing(string body, string field)
    {
        var id = Id(await ReportAsync());
        var client = await AsAsync("operator");

        var response = await client.PostAsync($"/api/v1/cases/{id}/transitions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(field, ErrorFields(problem));
        var after = await GetCaseAsync(id);
        Assert.Equal("reported", Status(after));
        Assert.Equal(1, after.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task Dispatch_ToUnknownDepartment_Returns400()
    {
        var id = Id(await ReportAsync());
        await StepAsync("operator", id, new { action = "file" });

        var problem = await ProblemAsync(await TransitionAsync("dispatcher", id, new { action = "dispatch", departmentId = Guid.NewGuid() }), HttpStatusCode.BadRequest);

        Assert.Contains("departmentId", ErrorFields(problem));
        Assert.Equal("filed", Status(await GetCaseAsync(id)));
    }

    [Fact]
    public async Task Transition_WithStaleETag_Returns412()
    {
        var id = Id(await ReportAsync());
        var client = await AsAsync("operator");
        var first = await client.GetAsync($"/api/v1/cases/{id}", Ct);
        var etag = first.Headers.ETag!.Tag;
        await StepAsync("operator", id, new { action = "requestVerification" });

        var response = await TransitionAsync("operator", id, new { action = "reject", note = "x" }, ifMatch: etag);

        await ProblemAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal("verifying", Status(await GetCaseAsync(id)));
    }

    [Fact]
    public async Task Transition_WithCurrentETag_Succeeds_AndReturnsTheNextETag()
    {
        var id = Id(await ReportAsync());
        var client = await AsAsync("operator");
        var etag = (await client.GetAsync($"/api/v1/cases/{id}", Ct)).Headers.ETag!.Tag;

        var response = await TransitionAsync("operator", id, new { action = "file" }, ifMatch: etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(etag, response.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task ConcurrentTransitions_OneWins_TheOtherGets409()
    {
        var id = Id(await ReportAsync());
        await StepAsync("operator", id, new { action = "file" });

        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => TransitionAsync("dispatcher", id, new { action = "dispatch" })));

        Assert.Equal(1, attempts.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.All(attempts.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        var c = await GetCaseAsync(id);
        Assert.Equal(1, c.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("action").GetString() == "dispatch"));
    }

    [Fact]
    public async Task IdempotencyKey_ReplayedWithSameBody_CreatesOneCase()
    {
        var client = await AsAsync("inspector");
        var key = Guid.NewGuid().ToString();
        var (lon, lat) = TestDistrict.Inside();
        var body = JsonSerializer.Serialize(new { description = "井盖缺失 " + key, categoryCode = "01001", longitude = lon, latitude = lat });

        async Task<HttpResponseMessage> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request, Ct);
        }

        var first = await PostAsync();
        var second = await PostAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        var a = await first.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var b = await second.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(Id(a), Id(b));
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        Assert.Equal(1, await db.Cases.CountAsync(c => c.Description == "井盖缺失 " + key, Ct));
    }

    [Fact]
    public async Task IdempotencyKey_ReusedWithDifferentBody_Returns422()
    {
        var client = await AsAsync("inspector");
        var key = Guid.NewGuid().ToString();
        var (lon, lat) = TestDistrict.Inside();
        var before = await CountCasesAsync();
        using (var first = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = JsonContent.Create(new { description = "A " + key, categoryCode = "06010", longitude = lon, latitude = lat }) })
        {
            first.Headers.Add("Idempotency-Key", key);
            Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(first, Ct)).StatusCode);
        }

        using var second = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = JsonContent.Create(new { description = "B " + key, categoryCode = "06010", longitude = lon, latitude = lat }) };
        second.Headers.Add("Idempotency-Key", key);
        var problem = await ProblemAsync(await client.SendAsync(second, Ct), HttpStatusCode.UnprocessableEntity);

        Assert.Contains("Idempotency-Key", ErrorFields(problem));
        Assert.Equal(before + 1, await CountCasesAsync());
    }

    [Fact]
    public async Task Attachment_Png_IsStoredAndServedWithItsDetectedType()
    {
        var id = Id(await ReportAsync());
        var client = await AsAsync("inspector");

        var response = await client.PostAsync($"/api/v1/cases/{id}/attachments", FileContent(Png, "../../etc/现场照片.png", "image/png"), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var attachment = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("现场照片.png", attachment.GetProperty("fileName").GetString());
        Assert.Equal("image/png", attachment.GetProperty("contentType").GetString());
        var download = await client.GetAsync(attachment.GetProperty("url").GetString(), Ct);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await download.Content.ReadAsByteArrayAsync(Ct));

        var fed = await StepAsync("operator", id, new { action = "file", attachmentIds = new[] { attachment.GetProperty("id").GetString() } });
        Assert.Equal(2, fed.GetProperty("attachments")[0].GetProperty("historySequence").GetInt32());
    }

    [Fact]
    public async Task Attachment_ExecutableNamedJpg_Returns415()
    {
        var id = Id(await ReportAsync());
        var client = await AsAsync("inspector");

        var response = await client.PostAsync($"/api/v1/cases/{id}/attachments", FileContent([0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0], "photo.jpg", "image/jpeg"), Ct);

        var problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("file", ErrorFields(problem));
        Assert.Empty((await GetCaseAsync(id)).GetProperty("attachments").EnumerateArray());
    }

    [Fact]
    public async Task Attachment_PngDeclaredAsPdf_Returns400Mislabelled()
    {
        var id = Id(await ReportAsync());
        var client = await AsAsync("inspector");

        var problem = await ProblemAsync(await client.PostAsync($"/api/v1/cases/{id}/attachments", FileContent(Png, "a.pdf", "application/pdf"), Ct), HttpStatusCode.BadRequest);

        Assert.Contains("file", ErrorFields(problem));
    }

    [Fact]
    public async Task Attachment_Oversized_Returns413()
    {
        var id = Id(await ReportAsync());
        var client = await AsAsync("inspector");
        var big = new byte[10 * 1024 * 1024 + 1];
        Png.CopyTo(big, 0);

        var response = await client.PostAsync($"/api/v1/cases/{id}/attachments", FileContent(big, "big.png", "image/png"), Ct);

        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty((await GetCaseAsync(id)).GetProperty("attachments").EnumerateArray());
    }

    [Fact]
    public async Task Unauthenticated_Returns401ProblemDetails()
    {
        var client = App.CreateClient();
        await ProblemAsync(await client.GetAsync("/api/v1/cases", Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ForgedToken_Returns401()
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
        await ProblemAsync(await client.GetAsync("/api/v1/cases", Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Citizen_CannotUseTheStaffApi()
    {
        var client = await AsAsync("citizen");
        await ProblemAsync(await client.GetAsync("/api/v1/cases", Ct), HttpStatusCode.Forbidden);
    }

    private static MultipartFormDataContent FileContent(byte[] bytes, string name, string contentType)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", name } };
    }

    private async Task<int> CountCasesAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().Cases.CountAsync(Ct);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class CaseBadInputTestsOnSqlite(SqliteApp app) : CaseBadInputTests(app);

[Collection(PostgresCollection.Name)]
public sealed class CaseBadInputTestsOnPostgres(PostgresApp app) : CaseBadInputTests(app);
