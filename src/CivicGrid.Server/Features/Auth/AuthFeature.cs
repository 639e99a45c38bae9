using System.Security.Claims;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CivicGrid.Server.Features.Auth;

/// <summary>Password sign-in: a cookie for the console, bearer tokens for API clients.</summary>
public static class AuthFeature
{
    public const string StaffPolicy = "staff";
    public const string AdminPolicy = "admin";
    private const string SmartScheme = "cookie-or-bearer";

    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName)
            .Validate(o => o.TokenLifetime > TimeSpan.Zero && o.CookieLifetime > TimeSpan.Zero, "Lifetimes must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TokenSigningKey>();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddScoped<PasswordSignIn>();

        builder.Services.AddAuthentication(SmartScheme)
            .AddPolicyScheme(SmartScheme, "Cookie or bearer", o =>
                o.ForwardDefaultSelector = http =>
                    http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? JwtBearerDefaults.AuthenticationScheme
                        : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "civicgrid.auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.Events.OnRedirectToLogin = ctx => ApiOr(ctx, 401);
                o.Events.OnRedirectToAccessDenied = ctx => ApiOr(ctx, 403);
            })
            .AddJwtBearer(o => o.MapInboundClaims = false);
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((o, auth) => o.ExpireTimeSpan = auth.Value.CookieLifetime);
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenSigningKey, IOptions<AuthOptions>, TimeProvider>((o, key, auth, clock) =>
            {
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Issuer,
                    IssuerSigningKey = key.Key,
                    NameClaimType = ClaimTypes.Name,
                    RoleClaimType = ClaimTypes.Role,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    // Lifetimes are judged on the platform's clock (the same one that issued them).
                    LifetimeValidator = (notBefore, expires, _, p) =>
                    {
                        var now = clock.GetUtcNow().UtcDateTime;
                        return (notBefore is null || notBefore.Value <= now + p.ClockSkew) && expires is not null && expires.Value >= now - p.ClockSkew;
                    },
                };
                o.Events = new JwtBearerEvents
                {
                    OnChallenge = async ctx =>
                    {
                        ctx.HandleResponse();
                        await WriteProblemAsync(ctx.HttpContext, 401, "A valid bearer token is required.");
                    },
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicy, p => p.RequireAuthenticatedUser().RequireRole(StaffRoles))
            .AddPolicy(AdminPolicy, p => p.RequireAuthenticatedUser().RequireRole(nameof(Role.Admin)));
        return builder;
    }

    /// <summary>Roles that work inside the city's organisation (everyone but citizens and devices).</summary>
    public static string[] StaffRoles { get; } =
        [.. Enum.GetValues<Role>().Where(r => r is not Role.Citizen and not Role.Device).Select(r => r.ToString())];

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/auth").WithTags("Auth");
        group.MapPost("/token", IssueTokenAsync).AllowAnonymous()
            .WithSummary("Exchange a username and password for a bearer token.");
        group.MapPost("/login", CookieLoginAsync).AllowAnonymous().DisableAntiforgery()
            .WithSummary("Sign in to the console (sets the auth cookie).");
        group.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        }).AllowAnonymous().WithSummary("Sign out of the console.");
        group.MapGet("/me", (ClaimsPrincipal user) =>
        {
            var actor = user.ToActor();
            return Results.Ok(new MeDto(actor.UserId, user.Identity?.Name ?? string.Empty, actor.DisplayName, actor.Role.ToString(), actor.DepartmentId));
        }).RequireAuthorization().WithSummary("Who am I.");
        return app;
    }

    private static async Task<IResult> IssueTokenAsync(LoginRequest request, PasswordSignIn signIn, TokenSigningKey key, IOptions<AuthOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var user = await signIn.CheckAsync(request, ct);
        if (user is null)
        {
            return Results.Problem(statusCode: 401, title: "Sign-in failed", detail: "Unknown user or wrong password.");
        }

        var now = clock.GetUtcNow();
        var lifetime = options.Value.TokenLifetime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Issuer,
            Subject = new ClaimsIdentity(CivicGridClaims.For(user)),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        });
        return Results.Ok(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds));
    }

    private static async Task<IResult> CookieLoginAsync(LoginRequest request, PasswordSignIn signIn, HttpContext http, CancellationToken ct)
    {
        var user = await signIn.CheckAsync(request, ct);
        if (user is null)
        {
            return Results.Problem(statusCode: 401, title: "Sign-in failed", detail: "Unknown user or wrong password.");
        }

        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, CivicGridClaims.CookiePrincipal(user));
        return Results.NoContent();
    }

    private static Task ApiOr(RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            return WriteProblemAsync(ctx.HttpContext, status, status == 401 ? "Sign in first." : "Your role may not do this.");
        }

        ctx.Response.Redirect(ctx.RedirectUri);
        return Task.CompletedTask;
    }

    private static Task WriteProblemAsync(HttpContext http, int status, string detail) =>
        Results.Problem(statusCode: status, title: status == 401 ? "Unauthorized" : "Forbidden", detail: detail).ExecuteAsync(http);
}

/// <summary>Credentials.</summary>
public sealed record LoginRequest(string? Username, string? Password);

/// <summary>A bearer token, OAuth-style names.</summary>
public sealed record TokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn);

/// <summary>The signed-in user.</summary>
public sealed record MeDto(Guid Id, string UserName, string DisplayName, string Role, Guid? DepartmentId);

/// <summary>Checks a username and password against the stored hash.</summary>
internal sealed class PasswordSignIn(CivicGridDbContext db, IPasswordHasher<User> hasher)
{
    public async Task<User?> CheckAsync(LoginRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            throw new CivicGrid.Domain.Common.DomainValidationException(string.IsNullOrWhiteSpace(request.Username) ? "username" : "password", "Username and password are required.");
        }

        var name = request.Username.Trim().ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == name, ct);
        if (user is null || !user.IsActive)
        {
            // Same work as a real check, so timing does not reveal which usernames exist.
            hasher.VerifyHashedPassword(new User { UserName = name, DisplayName = name, Role = Role.Citizen, PasswordHash = string.Empty }, DummyHash, request.Password);
            await AuditAsync(null, name, ct);
            return null;
        }

        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password);
        if (result == PasswordVerificationResult.Failed)
        {
            await AuditAsync(null, name, ct);
            return null;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password);
        }

        await AuditAsync(user, name, ct);
        return user;
    }

    /// <summary>Every sign-in and every failed attempt is an audit entry, with the client's address.</summary>
    private async Task AuditAsync(User? user, string name, CancellationToken ct)
    {
        if (user is null)
        {
            db.Record(AuditActions.SignInFailed, nameof(User), null, new { userName = name.Length > 100 ? name[..100] : name });
        }
        else
        {
            db.Record(AuditActions.SignIn, nameof(User), user.Id.ToString(), null, new AuditActor(user.Id, user.UserName, user.Role.ToString().ToLowerInvariant(), null, null, null));
        }

        await db.SaveChangesAsync(ct);
    }

    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(
        new User { UserName = "x", DisplayName = "x", Role = Role.Citizen, PasswordHash = string.Empty }, Guid.NewGuid().ToString());
}

/// <summary>The key that signs bearer tokens, from configuration or the data folder.</summary>
internal sealed class TokenSigningKey
{
    public TokenSigningKey(IOptions<AuthOptions> options, IOptions<ServerOptions> server)
    {
        byte[] bytes;
        if (!string.IsNullOrWhiteSpace(options.Value.SigningKey))
        {
            bytes = Convert.FromBase64String(options.Value.SigningKey);
        }
        else
        {
            var dir = Path.Combine(server.Value.EnsureDataDir(), "keys");
            Directory.CreateDirectory(dir);
            var file = Path.Combine(dir, "token-signing.key");
            if (!File.Exists(file))
            {
                File.WriteAllText(file, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64)));
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }

            bytes = Convert.FromBase64String(File.ReadAllText(file).Trim());
        }

        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes (base64).");
        }

        Key = new SymmetricSecurityKey(bytes);
    }

    public SymmetricSecurityKey Key { get; }
}
