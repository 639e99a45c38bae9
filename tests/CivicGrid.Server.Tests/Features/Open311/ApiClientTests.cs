using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Open311;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CivicGrid.Server.Tests.Features.Open311;

/// <summary>Admin endpoints for Open311 API keys, and the demo client.</summary>
public abstract class ApiClientTests(CivicGridApp app) : Open311Test(app)
{
    [Fact]
    public async Task Issue_ShowsTheKeyOnce_StoresOnlyItsHash()
    {
        var admin = await AsAsync("admin");

        var response = await admin.PostAsJsonAsync("/api/v1/api-clients", new { name = "FixMyStreet 东城" }, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var issued = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var key = issued.GetProperty("key").GetString()!;
        Assert.StartsWith("cg311_", key, StringComparison.Ordinal);
        Assert.Equal(key[..12], issued.GetProperty("keyPrefix").GetString());
        var id = issued.GetProperty("id").GetGuid();

        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/api-clients", Ct);
        var listed = list.EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == id);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("key").ValueKind);
        Assert.DoesNotContain(key, list.GetRawText(), StringComparison.Ordinal);

        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var row = await db.Set<ApiClient>().AsNoTracking().SingleAsync(c => c.Id == id, Ct);
        Assert.Equal(ApiKeys.Hash(key), row.KeyHash);
        Assert.DoesNotContain(key, row.KeyHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_MarksTheClientRevoked()
    {
        var admin = await AsAsync("admin");
        var issued = await (await admin.PostAsJsonAsync("/api/v1/api-clients", new { name = "old app" }, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        var revoked = await admin.PostAsync($"/api/v1/api-clients/{issued.GetProperty("id").GetGuid()}/revoke", null, Ct);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, (await revoked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("revokedAt").ValueKind);
        await ProblemAsync(await admin.PostAsync($"/api/v1/api-clients/{Guid.NewGuid()}/revoke", null, Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Issue_WithoutName_Returns400NamingIt()
    {
        var admin = await AsAsync("admin");
        var problem = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/api-clients", new { name = " " }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("name", ErrorFields(problem));
    }

    [Theory]
    [InlineData("operator")]
    [InlineData("supervisor")]
    public async Task NonAdmins_AreForbidden(string user)
    {
        var client = await AsAsync(user);
        await ProblemAsync(await client.GetAsync("/api/v1/api-clients", Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await client.PostAsJsonAsync("/api/v1/api-clients", new { name = "x" }, Ct), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Anonymous_IsUnauthorized()
    {
        await ProblemAsync(await App.CreateClient().GetAsync("/api/v1/api-clients", Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task DemoClient_UsesTheConfiguredKey_OrPrintsAGeneratedOneOnce()
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        DemoApiClient Demo(string? key) => new(db,
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [DemoApiClient.KeyVariable] = key }).Build(),
            clock, NullLogger<DemoApiClient>.Instance);

        var console = new StringWriter();
        var generated = await Demo(null).EnsureAsync(console, Ct);
        Assert.NotNull(generated);
        Assert.Contains(generated, console.ToString(), StringComparison.Ordinal);
        Assert.Null(await Demo(null).EnsureAsync(console, Ct));
        Assert.Single(console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var form = await FormAsync();
        form["api_key"] = generated;
        Assert.Equal(HttpStatusCode.OK, (await PostFormAsync("/requests.json", form)).StatusCode);

        var configured = "demo-key-" + Guid.NewGuid().ToString("N");
        Assert.Null(await Demo(configured).EnsureAsync(console, Ct));
        form["api_key"] = configured;
        Assert.Equal(HttpStatusCode.OK, (await PostFormAsync("/requests.json", form)).StatusCode);
        form["api_key"] = generated;
        Assert.Equal(HttpStatusCode.Forbidden, (await PostFormAsync("/requests.json", form)).StatusCode);
        Assert.DoesNotContain(configured, console.ToString(), StringComparison.Ordinal);
    }
}

[Collection(Open311SqliteCollection.Name)]
public sealed class ApiClientTestsOnSqlite(SqliteApp app) : ApiClientTests(app);

[Collection(Open311PostgresCollection.Name)]
public sealed class ApiClientTestsOnPostgres(PostgresApp app) : ApiClientTests(app);
