using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CivicGrid.Server.Tests.Features.Auth;

/// <summary>Password sign-in: bearer tokens for API clients, a cookie for the console.</summary>
public abstract class AuthTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task Token_WithRightPassword_ReturnsBearerToken()
    {
        var client = App.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "dispatcher", password = CivicGridApp.Password }, Ct);

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("access_token").GetString()));
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        var me = await (await AsAsync("dispatcher")).GetFromJsonAsync<JsonElement>("/api/v1/auth/me", Ct);
        Assert.Equal("dispatcher", me.GetProperty("role").GetString()!.ToLowerInvariant());
    }

    [Theory]
    [InlineData("dispatcher", "wrong-password-1")]
    [InlineData("nobody", "test-password-123")]
    public async Task Token_WithWrongCredentials_Returns401(string user, string password)
    {
        var client = App.CreateClient();
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/auth/token", new { username = user, password }, Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Token_WithoutPassword_Returns400NamingIt()
    {
        var client = App.CreateClient();
        var problem = await ProblemAsync(await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "dispatcher" }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("password", ErrorFields(problem));
    }

    [Fact]
    public async Task CookieLogin_ThenApiCallsWork_AndLogoutEndsTheSession()
    {
        var client = App.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { username = "operator", password = CivicGridApp.Password }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/cases", Ct)).StatusCode);

        await client.PostAsync("/api/v1/auth/logout", null, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/cases", Ct)).StatusCode);
    }

    [Fact]
    public async Task Users_AreAdminOnly()
    {
        var admin = await AsAsync("admin");
        var supervisor = await AsAsync("supervisor");

        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/users", Ct)).StatusCode);
        await ProblemAsync(await supervisor.GetAsync("/api/v1/users", Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CreateUser_Handler_NeedsADepartment_AndAStrongEnoughPassword()
    {
        var admin = await AsAsync("admin");
        var name = "h" + Guid.NewGuid().ToString("N")[..8];

        var noDept = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, role = "handler", password = "long-enough-pw" }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("departmentId", ErrorFields(noDept));
        var weak = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, role = "handler", departmentId = App.District.SanitationId, password = "short" }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("password", ErrorFields(weak));

        var created = await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, role = "handler", departmentId = App.District.SanitationId, password = "long-enough-pw" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var duplicate = await admin.PostAsJsonAsync("/api/v1/users", new { userName = name, role = "operator", password = "long-enough-pw" }, Ct);
        await ProblemAsync(duplicate, HttpStatusCode.Conflict);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class AuthTestsOnSqlite(SqliteApp app) : AuthTests(app);

[Collection(PostgresCollection.Name)]
public sealed class AuthTestsOnPostgres(PostgresApp app) : AuthTests(app);
