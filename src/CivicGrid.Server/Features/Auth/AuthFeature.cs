using System.Security.Claims;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CivicGrid.Server.Features.Auth;

/// <summary>
/// Sign-in: a cookie for the console, bearer tokens for API clients; password policy, lockout,
/// optional TOTP second factor, sessions that expire (idle and absolute) and can be revoked.
/// </summary>
public static class AuthFeature
{
    /// <summary>Kept for endpoints not yet moved to permissions; prefer <c>RequirePermission(Permission.X)</c>.</summary>
    public const string StaffPolicy = "staff";

    /// <summary>Kept for endpoints not yet moved to permissions; prefer <c>RequirePermission(Permission.X)</c>.</summary>
    public const string AdminPolicy = "admin";
    private const string SmartScheme = "cookie-or-bearer";

    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName)
            .Validate(o => o.IsValid(), "Auth: lifetimes must be positive, the absolute session lifetime at least the idle one, lockout settings positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<TokenSigningKey>();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddScoped<PasswordSignIn>();
        builder.Services.AddScoped<Sessions>();
        builder.Services.AddSingleton<SecondFactor>();

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
                // Secure whenever the request came over https (the documented deployment).
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SlidingExpiration = true;
                o.LoginPath = "/login";
                o.Events.OnRedirectToLogin = ctx => ApiOr(ctx, 401);
                o.Events.OnRedirectToAccessDenied = ctx => ApiOr(ctx, 403);
                o.Events.OnValidatePrincipal = ValidateCookieAsync;
            })
            .AddJwtBearer(o => o.MapInboundClaims = false);
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>, TimeProvider>((o, auth, clock) =>
            {
                o.ExpireTimeSpan = auth.Value.CookieLifetime;
                o.TimeProvider = clock;
            });
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenSigningKey, IOptions<AuthOptions>, TimeProvider>((o, key, auth, clock) =>
            {
                o.TimeProvider = clock;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Issuer,
                    IssuerSigningKey = key.Key,
                    // Only the algorithm we sign with: no "none", no RSA/HMAC confusion.
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
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
                    OnTokenValidated = async ctx =>
                    {
                        var sessions = ctx.HttpContext.RequestServices.GetRequiredService<Security.SessionValidator>();
                        if (await sessions.RejectionAsync(ctx.Principal!, ctx.HttpContext.RequestAborted) is { } reason)
                        {
                            ctx.Fail(reason);
                        }
                    },
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
        group.MapPost("/token", IssueTokenAsync).AllowAnonymous().RequireRateLimiting(RateLimits.Login)
            .WithSummary("Exchange a username and password (and a TOTP or recovery code when enabled) for a bearer token.")
            .Produces<TokenResponse>().ProducesValidationProblem().ProducesProblem(401).ProducesProblem(423).ProducesProblem(429);
        group.MapPost("/login", CookieLoginAsync).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(RateLimits.Login)
            .WithSummary("Sign in to the console (sets the auth cookie).")
            .ProducesValidationProblem().ProducesProblem(401).ProducesProblem(423).ProducesProblem(429);
        group.MapPost("/logout", async (HttpContext http, Sessions sessions, CancellationToken ct) =>
        {
            await sessions.RevokeCurrentAsync(http.User, ct);
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.NoContent();
        }).AllowAnonymous().WithSummary("Sign out: the current session (cookie or bearer token) stops working at once.");
        group.MapPost("/revoke", async (RevokeRequest? request, HttpContext http, Sessions sessions, CancellationToken ct) =>
        {
            if (request?.AllSessions == true)
            {
                await sessions.RevokeAllAsync(http.User.ToActor().UserId, ct);
            }
            else
            {
                await sessions.RevokeCurrentAsync(http.User, ct);
            }

            return Results.NoContent();
        }).RequirePermission(Permission.SelfRead)
            .WithSummary("Revoke the presented token, or with allSessions every session of the caller (sign out everywhere).");
        group.MapGet("/me", (ClaimsPrincipal user) =>
        {
            var actor = user.ToActor();
            return Results.Ok(new MeDto(actor.UserId, user.Identity?.Name ?? string.Empty, actor.DisplayName, actor.Role.ToString(), actor.DepartmentId));
        }).RequirePermission(Permission.SelfRead).WithSummary("Who am I.");

        var totp = group.MapGroup("/totp").RequirePermission(Permission.SelfTotp);
        totp.MapPost("/enrol", async (ClaimsPrincipal principal, CivicGridDbContext db, SecondFactor factor, CancellationToken ct) =>
        {
            var user = await CurrentUserAsync(principal, db, ct);
            var enrolment = factor.Enrol(user);
            await db.SaveChangesAsync(ct);
            return Results.Ok(enrolment);
        }).WithSummary("Start enrolling a TOTP second factor: returns the secret and the otpauth:// URI for an authenticator app.")
            .Produces<TotpEnrolment>().ProducesProblem(409);
        totp.MapPost("/confirm", async (TotpCodeRequest request, ClaimsPrincipal principal, CivicGridDbContext db, SecondFactor factor, TimeProvider clock, CancellationToken ct) =>
        {
            var user = await CurrentUserAsync(principal, db, ct);
            var codes = factor.Confirm(user, request.Code, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return Results.Ok(new RecoveryCodesDto(codes));
        }).WithSummary("Confirm enrolment with a current code; sign-in asks for a code from now on. Returns ten recovery codes, shown once.")
            .Produces<RecoveryCodesDto>().ProducesValidationProblem().ProducesProblem(409);
        totp.MapPost("/disable", async (TotpCodeRequest request, ClaimsPrincipal principal, CivicGridDbContext db, SecondFactor factor, TimeProvider clock, CancellationToken ct) =>
        {
            var user = await CurrentUserAsync(principal, db, ct);
            factor.Disable(user, request.Code, request.RecoveryCode, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
            return Results.NoContent();
        }).WithSummary("Turn the second factor off (needs a current code or a recovery code).")
            .ProducesValidationProblem().ProducesProblem(409);
        return app;
    }

    /// <summary>The answer to a sign-in that did not succeed (401, 423 with Retry-After), or null on success.</summary>
    public static IResult? Refusal(SignInOutcome outcome, TimeProvider clock, HttpContext http) =>
        outcome.Status switch
        {
            SignInStatus.Succeeded => null,
            SignInStatus.LockedOut => Locked(outcome.LockedUntil!.Value, clock, http),
            SignInStatus.SecondFactorRequired => Results.Problem(statusCode: 401, title: "Second factor required",
                detail: "This account has a second factor: send totpCode (or a recoveryCode) with the password. 请输入动态验证码。",
                extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["secondFactorRequired"] = true }),
            _ => Results.Problem(statusCode: 401, title: "Sign-in failed", detail: "Unknown user or wrong password. 用户名或密码错误。"),
        };

    private static IResult Locked(DateTimeOffset until, TimeProvider clock, HttpContext http)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((until - clock.GetUtcNow()).TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status423Locked, title: "Account locked",
            detail: $"Too many failed sign-ins: the account is locked for {seconds} seconds. 登录失败次数过多，账号已临时锁定。",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["lockedUntil"] = until });
    }

    private static async Task<IResult> IssueTokenAsync(LoginRequest request, PasswordSignIn signIn, TokenSigningKey key, IOptions<AuthOptions> options, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var outcome = await signIn.CheckAsync(request, http.Connection.RemoteIpAddress?.ToString(), ct);
        if (Refusal(outcome, clock, http) is { } refused)
        {
            return refused;
        }

        var user = outcome.User!;
        var now = clock.GetUtcNow();
        var lifetime = options.Value.TokenLifetime;
        var session = CivicGridClaims.NewSessionId();
        var claims = CivicGridClaims.For(user, session, now);
        claims.Add(new Claim(JwtRegisteredClaimNames.Jti, session));
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Issuer,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.HmacSha256),
        });
        return Results.Ok(new TokenResponse(token, "Bearer", (int)lifetime.TotalSeconds));
    }

    private static async Task<IResult> CookieLoginAsync(LoginRequest request, PasswordSignIn signIn, TimeProvider clock, HttpContext http, CancellationToken ct)
    {
        var outcome = await signIn.CheckAsync(request, http.Connection.RemoteIpAddress?.ToString(), ct);
        if (Refusal(outcome, clock, http) is { } refused)
        {
            return refused;
        }

        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, CivicGridClaims.CookiePrincipal(outcome.User!, clock.GetUtcNow()));
        return Results.NoContent();
    }

    /// <summary>A cookie is good while its session is (see SessionValidator) and younger than the absolute lifetime.</summary>
    private static async Task ValidateCookieAsync(CookieValidatePrincipalContext ctx)
    {
        var services = ctx.HttpContext.RequestServices;
        var clock = services.GetRequiredService<TimeProvider>();
        var absolute = services.GetRequiredService<IOptions<AuthOptions>>().Value.SessionAbsoluteLifetime;
        var began = long.TryParse(ctx.Principal?.FindFirstValue(CivicGridClaims.AuthTime), System.Globalization.CultureInfo.InvariantCulture, out var unix)
            ? DateTimeOffset.FromUnixTimeSeconds(unix)
            : (DateTimeOffset?)null;
        var expired = began is null || clock.GetUtcNow() - began.Value > absolute;
        if (expired || await services.GetRequiredService<Security.SessionValidator>().RejectionAsync(ctx.Principal!, ctx.HttpContext.RequestAborted) is not null)
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    private static async Task<User> CurrentUserAsync(ClaimsPrincipal principal, CivicGridDbContext db, CancellationToken ct)
    {
        var id = principal.ToActor().UserId;
        return await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new Domain.Common.NotFoundException("User", id.ToString());
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

/// <summary>What <c>POST /api/v1/auth/revoke</c> revokes: the presented session, or all of the caller's.</summary>
public sealed record RevokeRequest(bool? AllSessions);

/// <summary>A TOTP code or a recovery code.</summary>
public sealed record TotpCodeRequest(string? Code, string? RecoveryCode = null);

/// <summary>Recovery codes, shown once.</summary>
public sealed record RecoveryCodesDto(IReadOnlyList<string> RecoveryCodes);

/// <summary>A bearer token, OAuth-style names.</summary>
public sealed record TokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn);

/// <summary>The signed-in user.</summary>
public sealed record MeDto(Guid Id, string UserName, string DisplayName, string Role, Guid? DepartmentId);

/// <summary>Ending sessions: one (logout, token revocation) or all of a user's (security stamp).</summary>
public sealed class Sessions(CivicGridDbContext db, IOptions<AuthOptions> options, TimeProvider clock)
{
    /// <summary>Revokes the caller's current session, if the caller is signed in.</summary>
    public async Task RevokeCurrentAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var session = principal.FindFirstValue(CivicGridClaims.Session);
        if (principal.Identity?.IsAuthenticated != true || string.IsNullOrEmpty(session) || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return;
        }

        var now = clock.GetUtcNow();
        // Expired entries are of no use any more: drop them while here.
        await db.RevokedSessions.Where(r => r.ExpiresAt < now).ExecuteDeleteAsync(ct);
        if (!await db.RevokedSessions.AnyAsync(r => r.SessionId == session, ct))
        {
            var longest = options.Value.SessionAbsoluteLifetime > options.Value.TokenLifetime ? options.Value.SessionAbsoluteLifetime : options.Value.TokenLifetime;
            db.RevokedSessions.Add(new RevokedSession { SessionId = session, UserId = userId, RevokedAt = now, ExpiresAt = now + longest });
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>Ends every session of a user (a new security stamp).</summary>
    public async Task RevokeAllAsync(Guid userId, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, ct) ?? throw new Domain.Common.NotFoundException("User", userId.ToString());
        user.SecurityStamp = User.NewStamp();
        await db.SaveChangesAsync(ct);
    }
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
