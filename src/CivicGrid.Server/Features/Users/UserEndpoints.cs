using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Users;

/// <summary>User administration.</summary>
public static class UserEndpoints
{
    public const int MinPasswordLength = 10;

    public static IHostApplicationBuilder AddUsers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserAdministration>();
        return builder;
    }

    public static IEndpointRouteBuilder MapUsers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(AuthFeature.AdminPolicy);
        group.MapGet("/", async (CivicGridDbContext db, CancellationToken ct) =>
            Results.Ok(await db.Users.AsNoTracking().OrderBy(u => u.UserName)
                .Select(u => new UserDto(u.Id, u.UserName, u.DisplayName, u.Role, u.DepartmentId, u.IsActive)).ToListAsync(ct)))
            .WithSummary("All users (admin).");
        group.MapPost("/", async (CreateUserRequest request, UserAdministration users, CancellationToken ct) =>
        {
            var u = await users.CreateAsync(request, ct);
            return Results.Created($"/api/v1/users/{u.Id}", new UserDto(u.Id, u.UserName, u.DisplayName, u.Role, u.DepartmentId, u.IsActive));
        }).WithSummary("Create a user (admin).");
        group.MapPut("/{id:guid}", async (Guid id, UpdateUserRequest request, UserAdministration users, CancellationToken ct) =>
        {
            var u = await users.UpdateAsync(id, request, ct);
            return Results.Ok(new UserDto(u.Id, u.UserName, u.DisplayName, u.Role, u.DepartmentId, u.IsActive));
        }).WithSummary("Change a user's name, role, department or active flag (admin).");
        group.MapPost("/{id:guid}/password", async (Guid id, SetPasswordRequest request, UserAdministration users, CancellationToken ct) =>
        {
            await users.SetPasswordAsync(id, request.Password, ct);
            return Results.NoContent();
        }).WithSummary("Set a user's password (admin).");
        return app;
    }

    public sealed record UserDto(Guid Id, string UserName, string DisplayName, Role Role, Guid? DepartmentId, bool IsActive);

    public sealed record CreateUserRequest(string? UserName, string? DisplayName, Role? Role, Guid? DepartmentId, string? Password);

    public sealed record UpdateUserRequest(string? DisplayName, Role? Role, Guid? DepartmentId, bool? IsActive);

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
        CheckPassword(request.Password);
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
        user.Role = role;
        user.DepartmentId = role == Role.Handler ? department : request.DepartmentId;
        if (!string.IsNullOrWhiteSpace(request.DisplayName))
        {
            user.DisplayName = request.DisplayName.Trim();
        }

        user.IsActive = request.IsActive ?? user.IsActive;
        await db.SaveChangesAsync(ct);
        return user;
    }

    public async Task SetPasswordAsync(Guid id, string? password, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct) ?? throw new NotFoundException("User", id.ToString());
        CheckPassword(password);
        user.PasswordHash = hasher.HashPassword(user, password!);
        await db.SaveChangesAsync(ct);
    }

    private static void CheckPassword(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < UserEndpoints.MinPasswordLength)
        {
            throw new DomainValidationException("password", $"A password has at least {UserEndpoints.MinPasswordLength} characters.");
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
