using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;
using CivicGrid.Server.Features.Security;

namespace CivicGrid.Server.Features.Open311;

/// <summary>
/// Open311 API keys: random, shown once, stored as SHA-256, found by their first characters and
/// compared in constant time. A revoked key stops working at once.
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "cg311_";
    public const int PrefixLength = 12;

    /// <summary>A new key: <c>cg311_</c> and 32 random characters (about 190 bits).</summary>
    public static string Generate()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return Prefix + string.Create(32, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    /// <summary>The part of a key kept in clear for lookup and display.</summary>
    public static string PrefixOf(string key) => key[..Math.Min(PrefixLength, key.Length)];

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The active client holding this key, or null.</summary>
    public static async Task<ApiClient?> FindAsync(CivicGridDbContext db, string? key, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 200)
        {
            return null;
        }

        var prefix = PrefixOf(key);
        var hash = Encoding.ASCII.GetBytes(Hash(key));
        var candidates = await db.Set<ApiClient>().AsNoTracking()
            .Where(c => c.KeyPrefix == prefix && c.RevokedAt == null)
            .ToListAsync(ct);
        return candidates.FirstOrDefault(c => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(c.KeyHash), hash));
    }

    /// <summary>The 403 for a missing, unknown or revoked key; logs the key's prefix only.</summary>
    internal static Exception Refused(ILogger logger, string? key, string operation)
    {
        Open311Log.KeyRefused(logger, string.IsNullOrEmpty(key) ? "(none)" : PrefixOf(key));
        return Open311Exception.Forbidden($"Invalid api_key received -- can't proceed with {operation}.");
    }

    /// <summary>The actor an API client acts as in case history: an integration, named after the client.</summary>
    public static Actor ActorFor(ApiClient client) => new(client.Id, "Open311: " + client.Name, Role.Device, null);
}

/// <summary>Admin endpoints that issue, list and revoke Open311 API keys.</summary>
public static class ApiClientEndpoints
{
    /// <summary>A request to issue a key.</summary>
    public sealed record CreateApiClientRequest(string? Name);

    /// <summary>An API client; <c>key</c> is present only in the reply that issued it.</summary>
    public sealed record ApiClientDto(Guid Id, string Name, string KeyPrefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? Key = null);

    public static IEndpointRouteBuilder MapApiClients(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/api-clients").WithTags("Open311").RequirePermission(Permission.ApiClientsManage);
        group.MapPost("/", CreateAsync).WithName("CreateApiClient")
            .WithSummary("Issue an Open311 API key (admin). The key is in this reply only; it is stored hashed.")
            .Produces<ApiClientDto>(StatusCodes.Status201Created).ProducesValidationProblem();
        group.MapGet("/", ListAsync).WithName("ListApiClients")
            .WithSummary("Open311 API clients with their key prefixes (admin).")
            .Produces<List<ApiClientDto>>();
        group.MapPost("/{id:guid}/revoke", RevokeAsync).WithName("RevokeApiClient")
            .WithSummary("Revoke an Open311 API key (admin); it stops working at once.")
            .Produces<ApiClientDto>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/rotate", RotateAsync).WithName("RotateApiClientKey")
            .WithSummary("Issue a new key for an API client (admin); the old key stops working at once. The new key is in this reply only.")
            .Produces<ApiClientDto>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<IResult> CreateAsync(CreateApiClientRequest request, ClaimsPrincipal user, CivicGridDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new DomainValidationException("name", "Name the client (the app or partner system).");
        }

        if (name.Length > 100)
        {
            throw new DomainValidationException("name", "The name is longer than 100 characters.");
        }

        var key = ApiKeys.Generate();
        var client = new ApiClient
        {
            Name = name,
            KeyPrefix = ApiKeys.PrefixOf(key),
            KeyHash = ApiKeys.Hash(key),
            CreatedAt = clock.GetUtcNow(),
            CreatedById = user.ToActor().UserId,
        };
        db.Set<ApiClient>().Add(client);
        await db.SaveChangesAsync(ct);
        return Results.Created($"/api/v1/api-clients/{client.Id}", ToDto(client) with { Key = key });
    }

    private static async Task<IResult> ListAsync(CivicGridDbContext db, CancellationToken ct)
    {
        var clients = await db.Set<ApiClient>().AsNoTracking().OrderBy(c => c.CreatedAt).ToListAsync(ct);
        return Results.Ok(clients.Select(ToDto).ToList());
    }

    private static async Task<IResult> RevokeAsync(Guid id, ClaimsPrincipal user, CivicGridDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var client = await db.Set<ApiClient>().FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new NotFoundException("API client", id.ToString());
        if (client.RevokedAt is null)
        {
            client.RevokedAt = clock.GetUtcNow();
            client.RevokedById = user.ToActor().UserId;
            await db.SaveChangesAsync(ct);
        }

        return Results.Ok(ToDto(client));
    }

    private static async Task<IResult> RotateAsync(Guid id, CivicGridDbContext db, CancellationToken ct)
    {
        var client = await db.Set<ApiClient>().FirstOrDefaultAsync(c => c.Id == id, ct)
            ?? throw new NotFoundException("API client", id.ToString());
        if (client.RevokedAt is not null)
        {
            throw new ConflictException("The client is revoked; issue a new client instead.");
        }

        var key = ApiKeys.Generate();
        client.KeyPrefix = ApiKeys.PrefixOf(key);
        client.KeyHash = ApiKeys.Hash(key);
        await db.SaveChangesAsync(ct);
        return Results.Ok(ToDto(client) with { Key = key });
    }

    private static ApiClientDto ToDto(ApiClient c) => new(c.Id, c.Name, c.KeyPrefix, c.CreatedAt, c.RevokedAt);
}
