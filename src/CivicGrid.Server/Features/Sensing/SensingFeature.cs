using Microsoft.AspNetCore.Authentication;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// City sensing: the device registry, telemetry ingestion over MQTT and HTTP, the time series,
/// rules and alarms that become cases.
/// </summary>
public static class SensingFeature
{
    public static IHostApplicationBuilder AddSensing(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName)
            .Validate(o => o.QueueCapacity > 0 && o.BatchSize > 0 && o.MaxBatchMessages > 0 && o.MaxPayloadBytes > 0, "Telemetry queue, batch and payload sizes must be positive.")
            .Validate(o => o.MaxMessagesPerSecond > 0 && o.Burst >= 1, "Telemetry:MaxMessagesPerSecond must be positive and Telemetry:Burst at least 1.")
            .Validate(o => o.SilentAfter > TimeSpan.Zero && o.MaxAge > TimeSpan.Zero && o.MaxFutureSkew >= TimeSpan.Zero, "Telemetry time limits must be positive.")
            .Validate(o => o.Retention.Interval > TimeSpan.Zero && o.Retention.Raw >= o.MaxAge && o.Retention.Minute >= o.Retention.Raw && o.Retention.Hour >= o.Retention.Minute,
                "Telemetry:Retention needs a positive Interval and Raw >= Telemetry:MaxAge, Minute >= Raw, Hour >= Minute.")
            .Validate(o => o.Partitions.DaysAhead is >= 0 and <= 31, "Telemetry:Partitions:DaysAhead must be 0-31.")
            .ValidateOnStart();
        builder.Services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.SectionName)
            .Validate(o => o.Port is > 0 and < 65536, "Mqtt:Port must be a TCP port.")
            .Validate(o => System.Net.IPAddress.TryParse(o.BindAddress, out _), "Mqtt:BindAddress must be an IP address.")
            .Validate(o => o.AckTimeout > TimeSpan.Zero, "Mqtt:AckTimeout must be positive.")
            .Validate(o => o.Mode != MqttMode.External || (!string.IsNullOrWhiteSpace(o.External.Host) && o.External.Port is > 0 and < 65536
                    && !string.IsNullOrWhiteSpace(o.External.ClientId) && !string.IsNullOrWhiteSpace(o.External.TopicFilter)
                    && o.External.ReceiveMaximum is > 0 and <= 65535 && o.External.ReconnectDelay > TimeSpan.Zero && o.External.SessionExpiry >= TimeSpan.Zero),
                "Mqtt:External needs Host, a TCP Port, ClientId, TopicFilter, ReceiveMaximum 1-65535 and a positive ReconnectDelay.")
            .ValidateOnStart();

        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, DeviceTokenAuthentication>(DeviceTokenAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(DeviceTokenAuthentication.PolicyName, p => p
                .AddAuthenticationSchemes(DeviceTokenAuthentication.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(DeviceTokenAuthentication.DeviceIdClaim));

        builder.Services.AddSingleton<SensingMetrics>();
        builder.Services.AddSingleton<SensingLiveFeed>();
        builder.Services.AddSingleton<TelemetryIngress>();
        builder.Services.AddScoped<DeviceRegistry>();
        builder.Services.AddSingleton<AlarmRuleCache>();
        builder.Services.AddScoped<AlarmActions>();
        builder.Services.AddSingleton<AlarmEngine>();
        builder.Services.AddHostedService<SensingJob>();
        builder.Services.AddSingleton<TelemetryRetentionJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelemetryRetentionJob>());
        builder.Services.AddSingleton<TelemetryPartitionJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelemetryPartitionJob>());
        builder.Services.AddSingleton<TelemetryWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelemetryWriter>());

        // Registered after the writer, so it stops first: no new publishes while the queue drains.
        builder.Services.AddSingleton<MqttBroker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttBroker>());
        builder.Services.AddSingleton<ExternalMqttConsumer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ExternalMqttConsumer>());
        builder.Services.AddHostedService<Simulation.SensingDemo>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSensing(this IEndpointRouteBuilder app)
    {
        app.MapDevices();
        app.MapTelemetry();
        app.MapAlarmRules();
        app.MapAlarms();
        SensingLiveFeed.MapLiveFeed(app);
        return app;
    }
}
