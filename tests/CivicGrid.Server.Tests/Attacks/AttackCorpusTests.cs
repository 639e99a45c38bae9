using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CivicGrid.Server.Tests.Attacks;

/// <summary>
/// The attack corpus under Attacks/corpus: injection strings in text fields and filters, traversal
/// in attachment names, oversized bodies, forged, expired and unsigned tokens, replays. Each is
/// refused with a clear status (or stored as inert text) and writes nothing else.
/// </summary>
public abstract class AttackCorpusTests(CivicGridApp app) : ApiTest(app)
{
    public static TheoryData<string> Sql => Corpus("sql-injection.txt");

    public static TheoryData<string> Script => Corpus("script-injection.txt");

    public static TheoryData<string> Traversal => Corpus("path-traversal.txt");

    private static TheoryData<string> Corpus(string file) =>
        [.. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Attacks", "corpus", file)).Where(l => l.Length > 0)];

    private async Task<(int Cases, int Users)> CountsAsync()
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        return (await db.Cases.CountAsync(Ct), await db.Users.CountAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Sql))]
    public async Task SqlInjection_InTextFieldsAndFilters_IsStoredAsText_OrRefused_AndChangesNothingElse(string attack)
    {
        var (_, users) = await CountsAsync();
        var created = await ReportAsync(description: "注入测试 " + attack);
        Assert.Equal("注入测试 " + attack, (await GetCaseAsync(Id(created))).GetProperty("description").GetString());

        var client = await AsAsync("supervisor");
        var badCategory = await client.PostAsJsonAsync("/api/v1/cases", new { description = "x", categoryCode = attack, longitude = 116.4005, latitude = 39.9025 }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badCategory.StatusCode);
        foreach (var filter in new[] { "status", "categoryCode", "gridCode", "streetCode", "bbox" })
        {
            var list = await client.GetAsync($"/api/v1/cases?{filter}={Uri.EscapeDataString(attack)}", Ct);
            Assert.True(list.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{filter}: {(int)list.StatusCode}");
        }

        var login = await App.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { username = attack, password = attack }, Ct);
        Assert.True(login.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, $"login: {(int)login.StatusCode}");
        Assert.Equal(users, (await CountsAsync()).Users);
    }

    [Theory]
    [MemberData(nameof(Script))]
    public async Task ScriptInjection_InADescription_IsStoredVerbatim_AndServedAsInertJson(string attack)
    {
        var created = await ReportAsync(description: attack);
        var response = await (await AsAsync("supervisor")).GetAsync($"/api/v1/cases/{Id(created)}", Ct);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        // JSON is data: with nosniff and a CSP that runs nothing, a browser never executes it as a page.
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(attack, JsonDocument.Parse(text).RootElement.GetProperty("description").GetString());
    }

    [Theory]
    [MemberData(nameof(Traversal))]
    public async Task PathTraversal_InAnAttachmentName_KeepsOnlyAPlainFileName(string attack)
    {
        var id = Id(await ReportAsync());
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", attack);

        var response = await (await AsAsync("inspector")).PostAsync($"/api/v1/cases/{id}/attachments", form, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var name = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("fileName").GetString()!;
        Assert.DoesNotContain("/", name, StringComparison.Ordinal);
        Assert.DoesNotContain("\\", name, StringComparison.Ordinal);
        Assert.False(name.StartsWith('.'), name);
        Assert.DoesNotContain(":", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOversizedJsonBody_Returns413_AndCreatesNoCase()
    {
        var (cases, _) = await CountsAsync();
        var client = await AsAsync("inspector");
        var body = new StringContent("{\"description\":\"" + new string('x', 2 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");

        var problem = await ProblemAsync(await client.PostAsync("/api/v1/cases", body, Ct), HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("body", ErrorFields(problem));
        Assert.Equal(cases, (await CountsAsync()).Cases);
    }

    public static TheoryData<string> ForgedTokens()
    {
        var rightKey = new SymmetricSecurityKey(new byte[48]);
        var wrongKey = new SymmetricSecurityKey(Enumerable.Repeat((byte)7, 48).ToArray());
        string Make(SymmetricSecurityKey key, DateTime expires, string role = "Admin", string issuer = "civicgrid") =>
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuer,
                Audience = issuer,
                Subject = new System.Security.Claims.ClaimsIdentity([
                    new(System.Security.Claims.ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()),
                    new(System.Security.Claims.ClaimTypes.Role, role),
                    new("civicgrid:session", Guid.NewGuid().ToString("N")),
                ]),
                NotBefore = expires.AddHours(-2),
                IssuedAt = expires.AddHours(-2),
                Expires = expires,
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
            });
        var future = CivicGridApp.Start.UtcDateTime.AddYears(5);
        static string B64(string s) => Base64UrlEncoder.Encode(s);
        var none = B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + B64($"{{\"iss\":\"civicgrid\",\"aud\":\"civicgrid\",\"role\":\"Admin\",\"exp\":{new DateTimeOffset(future).ToUnixTimeSeconds()}}}") + ".";
        return
        [
            Make(wrongKey, future),
            // Signed with the real key but for a user that does not exist (no security stamp to match).
            Make(rightKey, future),
            Make(rightKey, CivicGridApp.Start.UtcDateTime.AddYears(-1)),
            Make(rightKey, future, issuer: "someone-else"),
            none,
            "not.a.token",
            "",
        ];
    }

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task Forged_Expired_Unsigned_OrGarbageTokens_Return401_AndWriteNothing(string token)
    {
        var (cases, users) = await CountsAsync();
        var client = App.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);

        await ProblemAsync(await client.GetAsync("/api/v1/users", Ct), HttpStatusCode.Unauthorized);
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/users", new { userName = "intruder", role = "admin", password = "intruder-password-1" }, Ct), HttpStatusCode.Unauthorized);
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/cases", new { description = "x", categoryCode = "06010", longitude = 116.4005, latitude = 39.9025 }, Ct), HttpStatusCode.Unauthorized);

        Assert.Equal((cases, users), await CountsAsync());
    }

    [Fact]
    public async Task ARevokedTokenReplayed_Returns401()
    {
        var client = App.CreateClient();
        var token = (await (await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "analyst", password = CivicGridApp.Password }, Ct))
            .Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await client.PostAsync("/api/v1/auth/logout", null, Ct);

        var replay = App.CreateClient();
        replay.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await ProblemAsync(await replay.GetAsync("/api/v1/cases", Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AReplayedPostWithTheSameIdempotencyKey_CreatesOneCase()
    {
        var client = await AsAsync("inspector");
        var key = Guid.NewGuid().ToString();
        var body = new { description = "重放测试 " + key, categoryCode = "06010", longitude = 116.4005, latitude = 39.9025 };
        async Task<JsonElement> SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await (await client.SendAsync(request, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        }

        var first = await SendAsync();
        var second = await SendAsync();

        Assert.Equal(Id(first), Id(second));
        using var scope = App.Services.CreateScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().Cases.CountAsync(c => c.Description == body.description, Ct));
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AttackCorpusTestsOnSqlite(SqliteApp app) : AttackCorpusTests(app);

[Collection(PostgresCollection.Name)]
public sealed class AttackCorpusTestsOnPostgres(PostgresApp app) : AttackCorpusTests(app);
