namespace CivicGrid.Server.Features.Demo;

/// <summary>The demo district (Beijing Dongcheng, simulated data) and its live generator.</summary>
public static class DemoFeature
{
    public const string DemoPasswordVariable = "CIVICGRID_DEMO_PASSWORD";

    public static IHostApplicationBuilder AddDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<DemoSeeder>();
        builder.Services.AddHostedService<LiveGenerator>();
        return builder;
    }
}
