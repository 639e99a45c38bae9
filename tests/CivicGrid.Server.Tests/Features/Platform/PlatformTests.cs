using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Platform;

/// <summary>Health, metrics and the OpenAPI document.</summary>
public abstract class PlatformTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task Health_LiveAndReady_Return200()
    {
        var client = App.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Ct)).StatusCode);
    }

    [Fact]
    public async Task Metrics_AreExposedForPrometheus()
    {
        var client = App.CreateClient();
        await client.GetAsync("/health/live", Ct);

        var text = await client.GetStringAsync("/metrics", Ct);

        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApi_DescribesTheCaseEndpoints()
    {
        var client = App.CreateClient();
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/cases", out _));
        Assert.True(paths.TryGetProperty("/api/v1/cases/{id}/transitions", out _));
        Assert.True(paths.TryGetProperty("/api/v1/auth/token", out _));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/docs", Ct)).StatusCode);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PlatformTestsOnSqlite(SqliteApp app) : PlatformTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PlatformTestsOnPostgres(PostgresApp app) : PlatformTests(app);
