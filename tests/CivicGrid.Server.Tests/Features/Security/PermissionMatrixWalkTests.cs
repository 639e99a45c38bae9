using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CivicGrid.Domain.Identity;
using CivicGrid.Server.Features.Security;
using CivicGrid.Server.Features.Users;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Security;

/// <summary>
/// Walks every role × every API endpoint: a role the matrix grants gets past authorization (any
/// status but 401/403), a role it does not is refused with 403; anonymous callers get 401.
/// Route values are random ids, so no request reaches real data.
/// </summary>
public abstract class PermissionMatrixWalkTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task EveryRole_OnEveryEndpoint_IsAllowedOrDenied_AsTheMatrixSays()
    {
        var matrix = PermissionMatrix.Default;
        var endpoints = App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .Select(e => (Endpoint: e, Permission: PermissionOf(e), Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .Where(x => x.Permission is not null)
            .ToList();
        Assert.True(endpoints.Count > 50, $"only {endpoints.Count} endpoints found");

        var users = await UsersPerRoleAsync();
        var failures = new List<string>();
        var anonymous = App.CreateClient();
        foreach (var (endpoint, permission, methods) in endpoints)
        {
            foreach (var method in methods.Where(m => m != "HEAD" && m != "OPTIONS"))
            {
                var path = Fill(endpoint.RoutePattern.RawText!);
                var anon = await SendAsync(anonymous, method, path, endpoint);
                if (anon != HttpStatusCode.Unauthorized)
                {
                    failures.Add($"anonymous {method} {path}: {(int)anon}, expected 401");
                }

                foreach (var (role, user) in users)
                {
                    // Session-ending endpoints get a token of their own, so the walk keeps its tokens.
                    var client = path.StartsWith("/api/v1/auth/", StringComparison.Ordinal) || path.Contains("revoke-sessions", StringComparison.Ordinal)
                        ? await FreshClientAsync(user)
                        : await AsAsync(user);
                    var status = await SendAsync(client, method, path, endpoint);
                    var allowed = matrix.Allows(role, permission!);
                    if (allowed && status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
                    {
                        failures.Add($"{role} {method} {path} ({permission}): {(int)status}, expected allowed");
                    }
                    else if (!allowed && status != HttpStatusCode.Forbidden)
                    {
                        failures.Add($"{role} {method} {path} ({permission}): {(int)status}, expected 403");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    private static string? PermissionOf(RouteEndpoint e) =>
        e.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(a => a.Policy)
            .LastOrDefault(p => p?.StartsWith(PermissionPolicies.Prefix, StringComparison.Ordinal) == true)?[PermissionPolicies.Prefix.Length..];

    private static string Fill(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, "{([^}:]+)(:[^}]+)?}", m => m.Groups[2].Value switch
        {
            ":guid" => Guid.NewGuid().ToString(),
            _ when m.Groups[1].Value == "date" => "2026-05-01",
            _ when m.Groups[1].Value == "code" => "999999999999999",
            _ => Guid.NewGuid().ToString(),
        });

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string path, RouteEndpoint endpoint)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            // The body shape the endpoint accepts (routing answers 415 to any other, before authorization).
            var accepts = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes ?? [];
            request.Content = accepts.Count == 0 || accepts.Any(t => t.Contains("json", StringComparison.Ordinal))
                ? new StringContent("{}", Encoding.UTF8, "application/json")
                : accepts.Any(t => t.StartsWith("multipart/", StringComparison.Ordinal))
                    ? new MultipartFormDataContent { { new StringContent("x"), "note" } }
                    : new StringContent("x", Encoding.UTF8, accepts[0]);
        }

        // Live feeds stream: their status is in the headers.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await cts.CancelAsync();
        return response.StatusCode;
    }

    private async Task<HttpClient> FreshClientAsync(string user)
    {
        var client = App.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = user, password = CivicGridApp.Password }, Ct);
        response.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("access_token").GetString());
        return client;
    }

    /// <summary>One user per role: the test district's, plus a device-role account made here.</summary>
    private async Task<List<(Role Role, string User)>> UsersPerRoleAsync()
    {
        const string device = "integration-walk";
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGrid.Infrastructure.Persistence.CivicGridDbContext>();
            if (!db.Users.Any(u => u.UserName == device))
            {
                await scope.ServiceProvider.GetRequiredService<UserAdministration>()
                    .CreateAsync(new UserEndpoints.CreateUserRequest(device, device, Role.Device, null, CivicGridApp.Password), Ct);
            }
        }

        return
        [
            (Role.Citizen, "citizen"), (Role.Inspector, "inspector"), (Role.Operator, "operator"), (Role.Dispatcher, "dispatcher"),
            (Role.Handler, "handler-a"), (Role.Supervisor, "supervisor"), (Role.Analyst, "analyst"), (Role.Auditor, "auditor"),
            (Role.Admin, "admin"), (Role.Device, device),
        ];
    }
}

[Collection(SqliteCollection.Name)]
public sealed class PermissionMatrixWalkTestsOnSqlite(SqliteApp app) : PermissionMatrixWalkTests(app);

[Collection(PostgresCollection.Name)]
public sealed class PermissionMatrixWalkTestsOnPostgres(PostgresApp app) : PermissionMatrixWalkTests(app);
