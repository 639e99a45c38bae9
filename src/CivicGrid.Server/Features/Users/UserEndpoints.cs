using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Auth;
using CivicGrid.Server.Features.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Users;

/// <summary>User administration.</summary>
public static class UserEndpoints
{
    public const int MinPasswordLength = PasswordPolicy.MinLength;

    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserAdministration>();
        return builder;
    }

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/users").WithTags("Users").RequirePermission(Permission.UsersManage);
        group.MapGet("/", async (CivicGridDbContext db, CancellationToken ct) =>
            Results.Ok(await db.Users.AsNoTracking().OrderBy(u => u.UserName)
                .Select(u => new UserDto(u.Id, u.UserName, u.DisplayName, u.Role, u.DepartmentId, u.IsActive, u.DistrictCode, u.TotpEnabled, u.LockoutEndsAt)).ToListAsync(ct)))
            .WithSummary("All users (admin).");
        group.MapPost("/", async (CreateUserRequest request, UserAdministration users, CancellationToken ct) =>
        {
            var u = await users.CreateAsync(request, ct);
            return Results.Created($"/api/v1/users/{u.Id}", UserDto.From(u));
        }).WithSummary("Create a user (admin).");
        group.MapPut("/{id:guid}", async (Guid id, UpdateUserRequest request, UserAdministration users, CancellationToken ct) =>
        {
            var u = await users.UpdateAsync(id, request, ct);
            return Results.Ok(UserDto.From(u));
        }).WithSummary("Change a user's name, role, department or active flag (admin).");
        group.MapPost("/{id:guid}/password", async (Guid id, SetPasswordRequest request, UserAdministration users, CancellationToken ct) =>
        {
            await users.SetPasswordAsync(id, request.Password, ct);
            return Results.NoContent();
        }).WithSummary("Set a user's password (admin); the user's sessions end.");
        group.MapPost("/{id:guid}/revoke-sessions", async (Guid id, Sessions sessions, CancellationToken ct) =>
        {
            await sessions.RevokeAllAsync(id, ct);
            return Results.NoContent();
        }).WithSummary("End every session of a user: their tokens and cookies stop working at once (admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/unlock", async (Guid id, UserAdministration users, CancellationToken ct) =>
            Results.Ok(UserDto.From(await users.UnlockAsync(id, ct))))
            .WithSummary("Lift a sign-in lockout (admin).").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/reset-second-factor", async (Guid id, UserAdministration users, CancellationToken ct) =>
            Results.Ok(UserDto.From(await users.ResetSecondFactorAsync(id, ct))))
            .WithSummary("Remove a user's TOTP second factor when they lost the device and the recovery codes (admin); their sessions end.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public sealed record UserDto(Guid Id, string UserName, string DisplayName, Role Role, Guid? DepartmentId, bool IsActive, string? DistrictCode, bool TotpEnabled, DateTimeOffset? LockedUntil)
    {
        public static UserDto From(User u) => new(u.Id, u.UserName, u.DisplayName, u.Role, u.DepartmentId, u.IsActive, u.DistrictCode, u.TotpEnabled, u.LockoutEndsAt);
    }

    public sealed record CreateUserRequest(string? UserName, string? DisplayName, Role? Role, Guid? DepartmentId, string? Password);

    /// <summary>Changes; <c>districtCode</c> "" clears the district scope.</summary>
    public sealed record UpdateUserRequest(string? DisplayName, Role? Role, Guid? DepartmentId, bool? IsActive, string? DistrictCode = null);

    public sealed record SetPasswordRequest(string? Password);
}

/// <summary>Creating users and setting passwords, shared by the API, the CLI and the seeders.</summary>
public sealed class UserAdministration(CivicGridDbContext db, IPasswordHasher<User> hasher, TimeProvider clock)
{
    public async Task<User> CreateAsync(UserEndpoints.CreateUserRequest request, CancellationToken ct)
    {
        var name = request.UserName?.Trim().ToLowerInvariant() ?? string.Empty;
        if (name.Length is < 2 or > 64 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_'))
        {
            throw new DomainValidationException("userName", "userName has 2–64 letters, digits, dots, dashes or underscores.");
        }

        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            throw new DomainValidationException("role", $"role is one of {string.Join(", ", Enum.GetNames<Role>())}.");
        }

        await CheckDepartmentAsync(role, request.DepartmentId, ct);
        CheckPassword(request.Password, name);
        if (await db.Users.AnyAsync(u => u.UserName == name, ct))
        {
            throw new Common.ConflictException($"User '{name}' already exists.");
        }

        var user = new User
        {
            UserName = name,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? name : request.DisplayName.Trim(),
            Role = role,
            DepartmentId = request.DepartmentId,
            PasswordHash = string.Empty,
            CreatedAt = clock.GetUtcNow(),
        };
        user.PasswordHash = hasher.HashPassword(user, request.Password!);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    public async Task<User> UpdateAsync(Guid id, UserEndpoints.UpdateUserRequest request, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new NotFoundException("User", id.ToString());
        var role = request.Role ?? user.Role;
        if (!Enum.IsDefined(role))
        {
            throw new DomainValidationException("role", "Unknown role.");
        }

        var department = request.DepartmentId ?? user.DepartmentId;
        await CheckDepartmentAsync(role, department, ct);
        if (request.DistrictCode is { } district)
        {
            if (district.Length != 0 && (district.Length != 6 || !district.All(char.IsAsciiDigit)))
            {
                throw new DomainValidationException("districtCode", "districtCode is a 6-digit administrative division code, or empty to clear it.");
            }

            user.DistrictCode = district.Length == 0 ? null : district;
        }

        var wasActive = user.IsActive;
        var oldRole = user.Role;
        var oldDepartment = user.DepartmentId;
        user.Role = role;
        user.DepartmentId = role == Role.Handler ? department : request.DepartmentId;
        if (!string.IsNullOrWhiteSpace(request.DisplayName))
        {
            user.DisplayName = request.DisplayName.Trim();
        }

        user.IsActive = request.IsActive ?? user.IsActive;
        if (user.Role != oldRole || user.DepartmentId != oldDepartment || (wasActive && !user.IsActive))
        {
            // The sessions carry the old role and department: end them.
            user.SecurityStamp = User.NewStamp();
        }

        await db.SaveChangesAsync(ct);
        return user;
    }

    public async Task<User> UnlockAsync(Guid id, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new NotFoundException("User", id.ToString());
        user.LockoutEndsAt = null;
        user.FailedLoginCount = 0;
        await db.SaveChangesAsync(ct);
        return user;
    }

    public async Task<User> ResetSecondFactorAsync(Guid id, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new NotFoundException("User", id.ToString());
        user.TotpEnabled = false;
        user.TotpSecret = null;
        user.TotpLastStep = null;
        user.RecoveryCodeHashes = null;
        user.SecurityStamp = User.NewStamp();
        await db.SaveChangesAsync(ct);
        return user;
    }

    public async Task SetPasswordAsync(Guid id, string? password, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new NotFoundException("User", id.ToString());
        CheckPassword(password, user.UserName);
        user.PasswordHash = hasher.HashPassword(user, password!);
        user.SecurityStamp = User.NewStamp();
        await db.SaveChangesAsync(ct);
    }

    private static void CheckPassword(string? password, string userName)
    {
        if (PasswordPolicy.Check(password, userName) is { } problem)
        {
            throw new DomainValidationException("password", problem);
        }
    }

    private async Task CheckDepartmentAsync(Role role, Guid? departmentId, CancellationToken ct)
    {
        if (role == Role.Handler && departmentId is null)
        {
            throw new DomainValidationException("departmentId", "A handler belongs to a department.");
        }

        if (departmentId is { } d && !await db.Departments.AnyAsync(x => x.Id == d, ct))
        {
            throw new DomainValidationException("departmentId", $"Department '{d}' does not exist.");
        }
    }
}
