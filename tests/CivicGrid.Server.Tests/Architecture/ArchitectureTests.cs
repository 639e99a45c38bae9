using CivicGrid.Server.Tests.Infrastructure;
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
}
