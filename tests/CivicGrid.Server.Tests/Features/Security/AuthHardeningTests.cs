using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Domain.Identity;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CivicGrid.Server.Tests.Features.Security;

/// <summary>Password policy, lockout, session expiry and revocation, the TOTP second factor, API key rotation.</summary>
public abstract class AuthHardeningTests(CivicGridApp app) : ApiTest(app)
{
    private async Task<(string Name, Guid Id)> NewUserAsync(string role = "operator", string password = CivicGridApp.Password)
    {
        var admin = await AsAsync("admin");
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        var response = await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, role, password }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (name, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetGuid());
    }

    private Task<HttpResponseMessage> TokenAsync(string user, string password, string? totpCode = null, string? recoveryCode = null) =>
        App.CreateClient().PostAsJsonAsync("/api/v1/auth/token", new { username = user, password, totpCode, recoveryCode }, Ct);

    private async Task<HttpClient> BearerAsync(string user, string password = CivicGridApp.Password, string? totpCode = null)
    {
        var response = await TokenAsync(user, password, totpCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("access_token").GetString());
        return client;
    }

    [Theory]
    [InlineData("short-1")]
    [InlineData("password123")]
    [InlineData("1234567890")]
    [InlineData("zzzzzzzzzzzz")]
    public async Task CreateUser_WithAWeakPassword_Returns400NamingPassword_AndCreatesNoUser(string password)
    {
        var admin = await AsAsync("admin");
        var name = "w" + Guid.NewGuid().ToString("N")[..10];

        var problem = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, role = "operator", password }, Ct), HttpStatusCode.BadRequest);

        Assert.Contains("password", ErrorFields(problem));
        var users = await admin.GetFromJsonAsync<JsonElement>("/api/v1/users", Ct);
        Assert.DoesNotContain(users.EnumerateArray(), u => u.GetProperty("userName").GetString() == name);
    }

    [Fact]
    public async Task CreateUser_WithThePasswordContainingTheUsername_Returns400()
    {
        var admin = await AsAsync("admin");
        var name = "x" + Guid.NewGuid().ToString("N")[..8];

        var problem = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, role = "operator", password = name + "-secret-1" }, Ct), HttpStatusCode.BadRequest);

        Assert.Contains("password", ErrorFields(problem));
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheAccount_UntilTheLockoutEnds_OnTheClock()
    {
        var (name, _) = await NewUserAsync();
        for (var i = 0; i < 4; i++)
        {
            await ProblemAsync(await TokenAsync(name, "wrong-password-" + i), HttpStatusCode.Unauthorized);
        }

        var locked = await TokenAsync(name, "wrong-password-4");
        var problem = await ProblemAsync(locked, (HttpStatusCode)423);
        Assert.Equal("Account locked", problem.GetProperty("title").GetString());
        Assert.Equal("900", locked.Headers.RetryAfter?.ToString());

        // The right password does not help while locked.
        await ProblemAsync(await TokenAsync(name, CivicGridApp.Password), (HttpStatusCode)423);
        App.Clock.Advance(TimeSpan.FromMinutes(14));
        await ProblemAsync(await TokenAsync(name, CivicGridApp.Password), (HttpStatusCode)423);
        App.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(name, CivicGridApp.Password)).StatusCode);
    }

    [Fact]
    public async Task ASuccessfulSignIn_ResetsTheFailureCount()
    {
        var (name, _) = await NewUserAsync();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                await ProblemAsync(await TokenAsync(name, "wrong-password-x"), HttpStatusCode.Unauthorized);
            }

            Assert.Equal(HttpStatusCode.OK, (await TokenAsync(name, CivicGridApp.Password)).StatusCode);
        }
    }

    [Fact]
    public async Task AdminUnlock_LiftsALockout()
    {
        var (name, id) = await NewUserAsync();
        for (var i = 0; i < 5; i++)
        {
            await TokenAsync(name, "wrong-password-y");
        }

        await ProblemAsync(await TokenAsync(name, CivicGridApp.Password), (HttpStatusCode)423);
        Assert.Equal(HttpStatusCode.OK, (await (await AsAsync("admin")).PostAsync($"/api/v1/users/{id}/unlock", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(name, CivicGridApp.Password)).StatusCode);
    }

    [Fact]
    public async Task Logout_RevokesTheBearerToken_ButNotOtherSessions()
    {
        var (name, _) = await NewUserAsync();
        var first = await BearerAsync(name);
        var second = await BearerAsync(name);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/auth/me", Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsync("/api/v1/auth/logout", null, Ct)).StatusCode);

        await ProblemAsync(await first.GetAsync("/api/v1/auth/me", Ct), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/auth/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task RevokeAllSessions_EndsEveryTokenOfTheUser()
    {
        var (name, _) = await NewUserAsync();
        var first = await BearerAsync(name);
        var second = await BearerAsync(name);

        Assert.Equal(HttpStatusCode.NoContent, (await first.PostAsJsonAsync("/api/v1/auth/revoke", new { allSessions = true }, Ct)).StatusCode);

        await ProblemAsync(await first.GetAsync("/api/v1/auth/me", Ct), HttpStatusCode.Unauthorized);
        await ProblemAsync(await second.GetAsync("/api/v1/auth/me", Ct), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await (await BearerAsync(name)).GetAsync("/api/v1/auth/me", Ct)).StatusCode);
    }

    [Fact]
    public async Task ARoleChange_OrADeactivation_EndsTheUsersSessions()
    {
        var (name, id) = await NewUserAsync();
        var admin = await AsAsync("admin");
        var before = await BearerAsync(name);

        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/users/{id}", new { role = "dispatcher" }, Ct)).StatusCode);
        await ProblemAsync(await before.GetAsync("/api/v1/cases", Ct), HttpStatusCode.Unauthorized);

        var after = await BearerAsync(name);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/users/{id}", new { isActive = false }, Ct)).StatusCode);
        await ProblemAsync(await after.GetAsync("/api/v1/cases", Ct), HttpStatusCode.Unauthorized);
        await ProblemAsync(await TokenAsync(name, CivicGridApp.Password), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task BearerTokens_ExpireOnTheClock()
    {
        var (name, _) = await NewUserAsync();
        var client = await BearerAsync(name);

        App.Clock.Advance(TimeSpan.FromMinutes(61));

        await ProblemAsync(await client.GetAsync("/api/v1/auth/me", Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ConsoleCookie_ExpiresWhenIdle_AndAfterTheAbsoluteLifetimeEvenWhenActive()
    {
        var (name, _) = await NewUserAsync();
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/auth/login", new { username = name, password = CivicGridApp.Password }, Ct)).StatusCode);

        // Active every 50 minutes: the sliding idle limit (1 h) never strikes, the absolute one (12 h) does.
        for (var i = 0; i < 15; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/auth/me", Ct)).StatusCode);
            App.Clock.Advance(TimeSpan.FromMinutes(50));
        }

        await ProblemAsync(await client.GetAsync("/api/v1/auth/me", Ct), HttpStatusCode.Unauthorized);

        var idle = App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        await idle.PostAsJsonAsync("/api/v1/auth/login", new { username = name, password = CivicGridApp.Password }, Ct);
        App.Clock.Advance(TimeSpan.FromMinutes(61));
        await ProblemAsync(await idle.GetAsync("/api/v1/auth/me", Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Totp_Enrol_Confirm_ThenSignInNeedsACode_RecoveryCodesWorkOnce_AndDisable()
    {
        var (name, _) = await NewUserAsync("supervisor");
        var client = await BearerAsync(name);
        var enrol = await (await client.PostAsync("/api/v1/auth/totp/enrol", null, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var secret = FromBase32(enrol.GetProperty("secret").GetString()!);
        Assert.StartsWith("otpauth://totp/civicgrid:" + name, enrol.GetProperty("otpauthUri").GetString(), StringComparison.Ordinal);

        var wrong = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/auth/totp/confirm", new { code = "000000" == Code(secret) ? "111111" : "000000" }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("code", ErrorFields(wrong));
        var confirmed = await client.PostAsJsonAsync("/api/v1/auth/totp/confirm", new { code = Code(secret) }, Ct);
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var recovery = (await confirmed.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("recoveryCodes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, recovery.Count);

        // The password alone is no longer enough.
        var needs = await ProblemAsync(await TokenAsync(name, CivicGridApp.Password), HttpStatusCode.Unauthorized);
        Assert.True(needs.GetProperty("secondFactorRequired").GetBoolean());
        // The code just used to confirm cannot be replayed; the next step's code works.
        await ProblemAsync(await TokenAsync(name, CivicGridApp.Password, Code(secret)), HttpStatusCode.Unauthorized);
        App.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(name, CivicGridApp.Password, Code(secret))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(name, CivicGridApp.Password, recoveryCode: recovery[0])).StatusCode);
        await ProblemAsync(await TokenAsync(name, CivicGridApp.Password, recoveryCode: recovery[0]), HttpStatusCode.Unauthorized);

        App.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/auth/totp/disable", new { code = Code(secret) }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TokenAsync(name, CivicGridApp.Password)).StatusCode);
    }

    [Fact]
    public async Task Totp_IsNotOfferedToCitizens()
    {
        var (name, _) = await NewUserAsync("citizen");
        var client = await BearerAsync(name);

        await ProblemAsync(await client.PostAsync("/api/v1/auth/totp/enrol", null, Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ApiClientKey_Rotation_StopsTheOldKeyAtOnce()
    {
        var admin = await AsAsync("admin");
        var issued = await (await admin.PostAsJsonAsync("/api/v1/api-clients", new { name = "rotating app" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var id = issued.GetProperty("id").GetGuid();
        var oldKey = issued.GetProperty("key").GetString()!;

        var rotated = await admin.PostAsync($"/api/v1/api-clients/{id}/rotate", null, Ct);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newKey = (await rotated.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!;
        Assert.NotEqual(oldKey, newKey);

        var form = new Dictionary<string, string> { ["service_code"] = "06010", ["lat"] = "39.9025", ["long"] = "116.4005", ["description"] = "旋转密钥测试" };
        var withOld = await App.CreateClient().PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["api_key"] = oldKey }), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, withOld.StatusCode);
        var withNew = await App.CreateClient().PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["api_key"] = newKey }), Ct);
        Assert.Equal(HttpStatusCode.OK, withNew.StatusCode);

        await admin.PostAsync($"/api/v1/api-clients/{id}/revoke", null, Ct);
        await ProblemAsync(await admin.PostAsync($"/api/v1/api-clients/{id}/rotate", null, Ct), HttpStatusCode.Conflict);
    }

    private string Code(byte[] secret) => Totp.Compute(secret, Totp.StepOf(App.Clock.GetUtcNow()));

    private static byte[] FromBase32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var ch in text)
        {
            buffer = (buffer << 5) | alphabet.IndexOf(ch, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. bytes];
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AuthHardeningTestsOnSqlite(SqliteApp app) : AuthHardeningTests(app);

[Collection(PostgresCollection.Name)]
public sealed class AuthHardeningTestsOnPostgres(PostgresApp app) : AuthHardeningTests(app);
