using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CivicGrid.Server.Features.Platform;

/// <summary>Becomes ready once migrations and seeding are done (what /health/ready reports).</summary>
public sealed class Readiness : IHealthCheck
{
    private volatile string _state = "starting";

    public bool IsReady => _state == "ready";

    public void Set(string state) => _state = state;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(IsReady ? HealthCheckResult.Healthy("ready") : HealthCheckResult.Unhealthy(_state));
}
