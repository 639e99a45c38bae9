using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Platform;

/// <summary>
/// The committed docs/api/openapi-v1.json must match what the server serves, so that API changes
/// show up in review. Regenerate with <c>CIVICGRID_UPDATE_OPENAPI=1 ./scripts/test.sh --filter OpenApiDocument</c>.
/// </summary>
[Collection(SqliteCollection.Name)]
public sealed class OpenApiDocumentTests(SqliteApp app)
{
    [Fact]
    public async Task CommittedDocument_MatchesTheServedOne()
    {
        var served = await app.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json", TestContext.Current.CancellationToken);
        served!.Remove("servers");
        var text = served.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        var path = Path.Combine(RepositoryRoot(), "docs", "api", "openapi-v1.json");

        if (Environment.GetEnvironmentVariable("CIVICGRID_UPDATE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run with CIVICGRID_UPDATE_OPENAPI=1 to write it.");
        var committed = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Assert.True(string.Equals(committed, text, StringComparison.Ordinal),
            "docs/api/openapi-v1.json is out of date: run `CIVICGRID_UPDATE_OPENAPI=1 ./scripts/test.sh --filter OpenApiDocument` and commit it.");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CivicGrid.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("CivicGrid.slnx not found above " + AppContext.BaseDirectory);
    }
}
