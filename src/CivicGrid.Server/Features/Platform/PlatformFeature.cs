using CivicGrid.Infrastructure.Persistence;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;
using CivicGrid.Server.Features.Security;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Server.Features.Platform;

/// <summary>Health, readiness, metrics, OpenAPI and the start-up tasks.</summary>
public static class PlatformFeature
{
    /// <summary>The meter of CivicGrid's own counters.</summary>
    public const string MeterName = "CivicGrid";

    public static IHostApplicationBuilder AddPlatform(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddScoped<BaseSeeder>();
        builder.Services.AddHostedService<StartupTasks>();
        builder.Services.AddSingleton<LiveEvents>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHealthChecks()
            .AddCheck<Readiness>("startup", tags: ["ready"])
            .AddDbContextCheck<CivicGridDbContext>("database", tags: ["ready"]);
        builder.Services.AddOpenApi();
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentationIfAvailable()
            .AddPrometheusExporter());
        return builder;
    }

    public static IEndpointRouteBuilder MapPlatform(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).AllowAnonymous();
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapGet("/api/v1/events", (LiveEvents live, CancellationToken ct) =>
                TypedResults.ServerSentEvents(Stream(live, ct)))
            .RequirePermission(Permission.EventsRead).WithTags("Events")
            .WithSummary("Live feed of changes (Server-Sent Events): case reported, transitioned, overdue…");
        app.MapScalarApiReference("/docs", o => o.WithTitle("CivicGrid API").WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
        return app;
    }

    private static async IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<string>> Stream(LiveEvents live, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        using var subscription = live.Subscribe();

        // A first event tells the client the stream is open and subscribed.
        yield return new System.Net.ServerSentEvents.SseItem<string>("{}", "ready");
        await foreach (var e in subscription.Reader.ReadAllAsync(ct))
        {
            yield return new System.Net.ServerSentEvents.SseItem<string>(e.Payload, e.Type) { EventId = e.Position.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
    }

    private static MeterProviderBuilder AddRuntimeInstrumentationIfAvailable(this MeterProviderBuilder builder) =>
        builder.AddMeter("System.Runtime");
}
