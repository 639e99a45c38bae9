using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CivicGrid.Server.Tests.Infrastructure;

/// <summary>Helpers shared by the API tests; every test class runs once per engine.</summary>
public abstract class ApiTest
{
    protected ApiTest(CivicGridApp app)
    {
        App = app;
        app.SkipIfUnavailable();
    }

    protected CivicGridApp App { get; }

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected Task<HttpClient> AsAsync(string userName) => App.ClientForAsync(userName);

    /// <summary>Reports a case as the inspector in the first grid; returns its JSON.</summary>
    protected async Task<JsonElement> ReportAsync(string category = "06010", int row = 0, int col = 0, string? description = null)
    {
        var client = await AsAsync("inspector");
        var (lon, lat) = TestDistrict.Inside(row, col);
        var response = await client.PostAsJsonAsync("/api/v1/cases", new
        {
            description = description ?? "路边有暴露垃圾 " + Guid.NewGuid().ToString("N"),
            categoryCode = category,
            longitude = lon,
            latitude = lat,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>Posts a transition and returns the response.</summary>
    protected async Task<HttpResponseMessage> TransitionAsync(string userName, string caseId, object body, string? ifMatch = null)
    {
        var client = await AsAsync(userName);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/transitions") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request, Ct);
    }

    /// <summary>Posts a transition that must succeed; returns the case JSON.</summary>
    protected async Task<JsonElement> StepAsync(string userName, string caseId, object body)
    {
        var response = await TransitionAsync(userName, caseId, body);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{userName} {JsonSerializer.Serialize(body)} → {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    protected async Task<JsonElement> GetCaseAsync(string caseId, string userName = "supervisor")
    {
        var client = await AsAsync(userName);
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{caseId}", Ct);
    }

    /// <summary>Reads a ProblemDetails body, checking the status and content type.</summary>
    protected static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The field names in a validation ProblemDetails.</summary>
    protected static IReadOnlyList<string> ErrorFields(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateObject().Select(p => p.Name)] : [];

    protected static string Id(JsonElement c) => c.GetProperty("id").GetString()!;

    protected static string Status(JsonElement c) => c.GetProperty("status").GetString()!;

    protected static string[] Allowed(JsonElement c) => [.. c.GetProperty("allowedActions").EnumerateArray().Select(a => a.GetString()!)];
}
