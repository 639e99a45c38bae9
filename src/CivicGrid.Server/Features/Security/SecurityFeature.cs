using CivicGrid.Domain.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;

namespace CivicGrid.Server.Features.Security;

/// <summary>
/// Authorization by permission (the role × permission matrix as data), data scope, security
/// headers, HSTS, request size limits, rate limits and risk warnings. See docs/security.md.
/// </summary>
public static class SecurityFeature
{
    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName)
            .Validate(o => o.IsValid(), "Security: limits, windows and thresholds must be positive; TrustedProxies are IP addresses or networks (10.0.0.0/8).")
            .ValidateOnStart();
        builder.Services.AddSingleton(PermissionMatrix.Default);
        builder.Services.AddSingleton<IAuthorizationPolicyProvider, PermissionPolicyProvider>();
        builder.Services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        builder.Services.AddScoped<CaseScope>();
        builder.Services.AddScoped<SessionValidator>();
        builder.Services.AddSingleton<RiskMonitor>();
        builder.Services.AddSingleton<IRiskSignals>(sp => sp.GetRequiredService<RiskMonitor>());
        builder.Services.AddHostedService<RiskAlertWriter>();
        builder.Services.AddCivicGridRateLimits();
        builder.Services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = true;
        });
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<Microsoft.Extensions.Options.IOptions<SecurityOptions>>((o, s) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in s.Value.TrustedProxies)
            {
                if (System.Net.IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
                else
                {
                    o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
                }
            }

            // Every trusted hop may append one address; the first untrusted one is the client.
            o.ForwardLimit = null;
        });
        builder.Services.AddOptions<HstsOptions>().Configure<Microsoft.Extensions.Options.IOptions<SecurityOptions>>((o, s) => o.MaxAge = s.Value.HstsMaxAge);
        return builder;
    }

    /// <summary>
    /// The client's address and scheme from the trusted proxies' forwarded headers, when any proxy is
    /// configured (<see cref="SecurityOptions.TrustedProxies"/>); first in the pipeline.
    /// </summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<SecurityOptions>>().Value;
        return options.TrustedProxies.Count == 0 ? app : app.UseForwardedHeaders();
    }

    /// <summary>Headers on every response, HSTS outside Development; first in the pipeline after the exception handler.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, IHostEnvironment environment)
    {
        app.UseMiddleware<SecurityHeaders>();
        if (!environment.IsDevelopment())
        {
            app.UseHsts();
        }

        return app;
    }

    /// <summary>Body limits and rate limits; after authentication (limits differ for anonymous callers), before authorization.</summary>
    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app)
    {
        app.UseMiddleware<RequestBodyLimit>();
        app.Use(RateLimits.ProbeClientKeyAsync);
        app.UseRateLimiter();
        return app;
    }

    public static IEndpointRouteBuilder MapSecurity(this IEndpointRouteBuilder app)
    {
        app.MapSecurityAlerts();
        return app;
    }
}
