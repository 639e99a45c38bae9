using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;
using Json.Schema;

namespace CivicGrid.Server.Tests.Features.Open311;

/// <summary>
/// Our JSON replies validate against the JSON Schemas the Open311 project publishes
/// (../shared/reference/open311/examples/schema-validation): services, a service definition,
/// and request lists (empty, plain and with extensions).
/// </summary>
public abstract class Open311SchemaTests(CivicGridApp app) : Open311Test(app)
{
    private static readonly Lazy<Schemas?> Loaded = new(Schemas.Load);

    [Fact]
    public async Task Services_ValidateAgainst_ServicesSchema()
    {
        var schemas = SchemasOrSkip();
        Validate(schemas.Services, await GetJsonAsync("/services.json"), "services.json");
        Validate(schemas.Services, await GetJsonAsync("/services.json?locale=en"), "services.json?locale=en");
    }

    [Theory]
    [InlineData("01001")]
    [InlineData("06042")]
    [InlineData("09009")]
    public async Task Definition_ValidatesAgainst_ServiceDefinitionSchema(string code)
    {
        var schemas = SchemasOrSkip();
        Validate(schemas.ServiceDefinition, await GetJsonAsync($"/services/{code}.json"), $"services/{code}.json");
    }

    [Fact]
    public async Task Requests_ValidateAgainst_RequestsSchema()
    {
        var schemas = SchemasOrSkip();
        var form = await FormAsync("01001");
        form["attribute[condition]"] = "damaged";
        var number = await CreateAsync(form);
        var withMedia = await FormAsync("06010");
        withMedia["media_url"] = "https://photos.example.org/p.jpg";
        var second = await CreateAsync(withMedia);
        await StepAsync("operator", second, new { action = "reject", note = "测试" });

        Validate(schemas.Requests, await GetJsonAsync($"/requests/{number}.json"), "requests/{id}.json");
        Validate(schemas.Requests, await GetJsonAsync($"/requests.json?service_request_id={number},{second}"), "requests.json (ids)");
        Validate(schemas.Requests, await GetJsonAsync($"/requests.json?service_request_id={number},{second}&extensions=true"), "requests.json (extensions)");
        Validate(schemas.Requests, await GetJsonAsync("/requests.json?page_size=50"), "requests.json (page)");
        Validate(schemas.Requests, await GetJsonAsync("/requests.json?service_code=99999"), "requests.json (empty)");
    }

    private static Schemas SchemasOrSkip()
    {
        if (Loaded.Value is { } schemas)
        {
            return schemas;
        }

        var message = $"The Open311 JSON Schemas were not found ({Schemas.RelativeFolder} beside the repository).";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException(message + " CI must run the schema tests.");
        }

        Assert.Skip(message + " Skipping the schema validation.");
        return null!;
    }

    private static void Validate(JsonSchema schema, JsonElement instance, string what)
    {
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key} {e.Value}"))
            .Take(20)
            .ToList();
        Assert.True(result.IsValid, $"{what} does not validate:\n{string.Join("\n", errors)}");
    }

    /// <summary>The published schemas, registered under their file names so that their $refs resolve.</summary>
    private sealed record Schemas(JsonSchema Services, JsonSchema ServiceDefinition, JsonSchema Requests)
    {
        public const string RelativeFolder = "shared/reference/open311/examples/schema-validation";

        public static Schemas? Load()
        {
            var folder = Find();
            if (folder is null)
            {
                return null;
            }

            var registry = new SchemaRegistry();
            var options = new BuildOptions { SchemaRegistry = registry };
            var baseUri = new Uri("https://open311.example/schema/georeport-v2/");
            JsonSchema Build(string file)
            {
                var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(folder, file)), options, new Uri(baseUri, file));
                registry.Register(new Uri(baseUri, file), schema);
                return schema;
            }

            // Referenced ones first: services.json and requests.json point at them by file name.
            Build("service.json");
            Build("request.json");
            return new Schemas(Build("services.json"), Build("service-definition.json"), Build("requests.json"));
        }

        /// <summary>../shared beside the repository root, found by walking up from the test binaries.</summary>
        private static string? Find()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CivicGrid.slnx")))
                {
                    var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", RelativeFolder));
                    return Directory.Exists(candidate) ? candidate : null;
                }
            }

            return null;
        }
    }
}

[Collection(Open311SqliteCollection.Name)]
public sealed class Open311SchemaTestsOnSqlite(SqliteApp app) : Open311SchemaTests(app);

[Collection(Open311PostgresCollection.Name)]
public sealed class Open311SchemaTestsOnPostgres(PostgresApp app) : Open311SchemaTests(app);
