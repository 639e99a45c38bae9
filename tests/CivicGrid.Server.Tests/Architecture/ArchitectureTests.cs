using CivicGrid.Server.Tests.Infrastructure;
using CivicGrid.Server.Features.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Architecture;

/// <summary>Guards of the architecture: dependencies point one way, every endpoint declares who may call it.</summary>
[Collection(SqliteCollection.Name)]
public sealed class ArchitectureTests(SqliteApp app)
{
    [Fact]
    public void Domain_ReferencesNoAspNetOrEntityFramework()
    {
        var references = typeof(Domain.Cases.Case).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("CivicGrid.Infrastructure", StringComparison.Ordinal));
    }

    [Fact]
    public void Infrastructure_DoesNotReferenceTheServer()
    {
        var references = typeof(CivicGrid.Infrastructure.Persistence.CivicGridDbContext).Assembly.GetReferencedAssemblies().Select(a => a.Name!);
        Assert.DoesNotContain("civicgrid", references);
    }

    [Fact]
    public void EveryEndpoint_HasAnAuthorizationPolicyOrAnExplicitAnonymousMarker()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.NotEmpty(endpoints);

        var unguarded = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0)
            .Select(e => e.RoutePattern.RawText)
            .ToList();

        Assert.Empty(unguarded);
    }

    [Fact]
    public void EveryNonAnonymousEndpoint_DeclaresAPermission_ExceptDeviceTelemetry()
    {
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        // Role-named policies are gone: every guarded endpoint names one permission of the matrix
        // (RequirePermission). Devices are the one exception: they authenticate with their own token.
        var withoutPermission = endpoints
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Where(e => !e.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy?.StartsWith(PermissionPolicies.Prefix, StringComparison.Ordinal) == true))
            .Select(e => e.RoutePattern.RawText)
            .Distinct()
            .ToList();

        Assert.Equal(["/api/v1/devices/{id}/telemetry"], withoutPermission);
    }
}
