using System.Security.Claims;
using CivicGrid.Domain.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Security;

/// <summary>
/// Endpoints declare the permission they need; the role × permission matrix (data, see
/// <see cref="PermissionMatrix"/>) decides who holds it. A policy named <c>perm:&lt;permission&gt;</c>
/// is made on demand by <see cref="PermissionPolicyProvider"/>.
/// </summary>
public static class PermissionPolicies
{
    public const string Prefix = "perm:";

    /// <summary>The policy name for a permission.</summary>
    public static string PolicyName(string permission) => Prefix + permission;

    /// <summary>
    /// Requires a signed-in user whose role holds <paramref name="permission"/> in the matrix.
    /// Every new endpoint says this (or <c>AllowAnonymous()</c>); a test walks them all.
    /// </summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission)
        where TBuilder : IEndpointConventionBuilder
    {
        if (!Permission.All.Contains(permission, StringComparer.Ordinal))
        {
            throw new ArgumentException($"Unknown permission '{permission}'; add it to Permission and permissions.csv.", nameof(permission));
        }

        return builder.RequireAuthorization(PolicyName(permission));
    }

    /// <summary>True when the principal's role holds the permission.</summary>
    public static bool Has(this ClaimsPrincipal user, PermissionMatrix matrix, string permission) =>
        user.Identity?.IsAuthenticated == true
        && Enum.TryParse<Role>(user.FindFirstValue(ClaimTypes.Role), out var role)
        && matrix.Allows(role, permission);
}

/// <summary>The requirement behind a <c>perm:</c> policy.</summary>
public sealed class PermissionRequirement(string permission) : IAuthorizationRequirement
{
    public string Permission { get; } = permission;
}

/// <summary>Grants a <see cref="PermissionRequirement"/> when the user's role holds it in the matrix.</summary>
internal sealed class PermissionHandler(PermissionMatrix matrix) : AuthorizationHandler<PermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement)
    {
        if (context.User.Has(matrix, requirement.Permission))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Builds <c>perm:*</c> policies on demand; other names go to the default provider.</summary>
internal sealed class PermissionPolicyProvider(IOptions<AuthorizationOptions> options) : DefaultAuthorizationPolicyProvider(options)
{
    public override async Task<AuthorizationPolicy?> GetPolicyAsync(string policyName)
    {
        if (policyName.StartsWith(PermissionPolicies.Prefix, StringComparison.Ordinal))
        {
            var permission = policyName[PermissionPolicies.Prefix.Length..];
            if (Permission.All.Contains(permission, StringComparer.Ordinal))
            {
                return new AuthorizationPolicyBuilder()
                    .RequireAuthenticatedUser()
                    .AddRequirements(new PermissionRequirement(permission))
                    .Build();
            }
        }

        return await base.GetPolicyAsync(policyName);
    }
}
