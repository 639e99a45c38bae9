using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Open311;

/// <summary>
/// With <c>--demo</c>, one Open311 client exists whose key is <c>CIVICGRID_DEMO_API_KEY</c>, or a
/// generated one printed once on the console (never logged).
/// </summary>
public sealed partial class DemoApiClient(CivicGridDbContext db, IConfiguration configuration, TimeProvider clock, ILogger<DemoApiClient> logger)
{
    public const string KeyVariable = "CIVICGRID_DEMO_API_KEY";
    public const string ClientName = "demo";

    /// <summary>Creates the demo client, or gives it the configured key; returns the key when it was generated now.</summary>
    public async Task<string?> EnsureAsync(TextWriter console, CancellationToken ct)
    {
        var configured = configuration[KeyVariable];
        var clients = db.Set<ApiClient>();
        var existing = await clients.FirstOrDefaultAsync(c => c.Name == ClientName && c.CreatedById == null && c.RevokedAt == null, ct);
        if (!string.IsNullOrEmpty(configured))
        {
            if (existing is null)
            {
                clients.Add(New(configured));
            }
            else if (!string.Equals(existing.KeyHash, ApiKeys.Hash(configured), StringComparison.Ordinal))
            {
                existing.KeyPrefix = ApiKeys.PrefixOf(configured);
                existing.KeyHash = ApiKeys.Hash(configured);
            }

            await db.SaveChangesAsync(ct);
            LogConfigured(logger);
            return null;
        }

        if (existing is not null)
        {
            return null;
        }

        var key = ApiKeys.Generate();
        clients.Add(New(key));
        await db.SaveChangesAsync(ct);
        await console.WriteLineAsync($"CivicGrid demo: Open311 api_key: {key}  (set {KeyVariable} to choose it)");
        return key;
    }

    private ApiClient New(string key) => new()
    {
        Name = ClientName,
        KeyPrefix = ApiKeys.PrefixOf(key),
        KeyHash = ApiKeys.Hash(key),
        CreatedAt = clock.GetUtcNow(),
    };

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Open311 demo client uses the key from the environment")]
    private static partial void LogConfigured(ILogger logger);
}

/// <summary>Runs <see cref="DemoApiClient"/> at start in demo mode (after the migrations, which start first).</summary>
internal sealed class DemoApiClientStartup(IServiceScopeFactory scopes, IOptions<ServerOptions> server) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!server.Value.Demo)
        {
            return;
        }

        using var scope = scopes.CreateScope();
        await scope.ServiceProvider.GetRequiredService<DemoApiClient>().EnsureAsync(Console.Out, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
