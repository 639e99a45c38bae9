using System.Buffers;
using System.Collections.Concurrent;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// Takes telemetry from an external broker (<see cref="MqttMode.External"/>): an MQTT 5 client with
/// a persistent session subscribes at QoS 1 to <see cref="ExternalMqttOptions.Subscription"/>. The
/// broker has authenticated the device; the device id is the topic's second-last level. Each
/// message goes through the same <see cref="TelemetryIngress"/> as the embedded broker's, and is
/// acknowledged to the broker only once it is durable (manual acknowledgement), so a message the
/// server never stored is redelivered by the broker after a reconnect. The handler returns at once
/// and acknowledges later, so up to <see cref="ExternalMqttOptions.ReceiveMaximum"/> messages are in
/// the pipeline together.
/// </summary>
public sealed partial class ExternalMqttConsumer(
    IOptions<MqttOptions> options,
    IServiceScopeFactory scopes,
    TelemetryIngress ingress,
    Readiness readiness,
    SensingMetrics metrics,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<ExternalMqttConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan DeviceCacheLifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (DeviceIdentity? Device, DateTimeOffset LoadedAt)> _devices = new(StringComparer.Ordinal);
    private readonly AckDeadline _deadline = new(options.Value.AckTimeout, lifetime.ApplicationStopping);
    private IMqttClient? _client;

    /// <summary>Whether the client is connected and subscribed now.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>Forgets what this node knows of a device (after it was retired or its token changed).</summary>
    public void Forget(string deviceId) => _devices.TryRemove(deviceId, out _);

    /// <summary>The device id in a telemetry topic <c>…/devices/{id}/telemetry</c>, or null.</summary>
    public static string? DeviceIdOf(string topic)
    {
        var levels = topic.Split('/');
        return levels.Length >= 3 && string.Equals(levels[^1], "telemetry", StringComparison.Ordinal) && Device.IsValidId(levels[^2]) ? levels[^2] : null;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled || o.Mode != MqttMode.External)
        {
            return;
        }

        var external = o.External;
        while (!readiness.IsReady)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
        }

        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(external.Host, external.Port)
            .WithClientId(external.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)external.SessionExpiry.TotalSeconds)
            .WithReceiveMaximum((ushort)external.ReceiveMaximum)
            .WithTimeout(TimeSpan.FromSeconds(20));
        if (!string.IsNullOrEmpty(external.Username))
        {
            builder = builder.WithCredentials(external.Username, external.Password);
        }

        var clientOptions = builder.Build();
        using var client = new MqttClientFactory().CreateMqttClient();
        _client = client;
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += _ =>
        {
            IsConnected = false;
            return Task.CompletedTask;
        };
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!client.IsConnected)
                {
                    try
                    {
                        await client.ConnectAsync(clientOptions, stoppingToken);
                        var granted = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                            .WithTopicFilter(f => f.WithTopic(external.Subscription).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce))
                            .Build(), stoppingToken);
                        var code = granted.Items.First().ResultCode;
                        if (code != MqttClientSubscribeResultCode.GrantedQoS1)
                        {
                            LogSubscribeRefused(logger, external.Subscription, code.ToString());
                            await client.DisconnectAsync(new MqttClientDisconnectOptions(), stoppingToken);
                        }
                        else
                        {
                            IsConnected = true;
                            LogConnected(logger, external.Host, external.Port, external.Subscription);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                    {
                        LogConnectFailed(logger, external.Host, external.Port, e.Message);
                    }
                }

                await Task.Delay(external.ReconnectDelay, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: messages not yet acknowledged are redelivered by the broker to the next session.
        }
        finally
        {
            IsConnected = false;
            _client = null;
            if (client.IsConnected)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
            }
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        e.AutoAcknowledge = false;
        var topic = e.ApplicationMessage.Topic;

        // The client reuses its buffers once the handler returns: the payload is copied.
        var payload = e.ApplicationMessage.Payload.ToArray();
        _ = HandleAsync(e, topic, payload);
        return Task.CompletedTask;
    }

    private async Task HandleAsync(MqttApplicationMessageReceivedEventArgs e, string topic, byte[] payload)
    {
        var deviceId = DeviceIdOf(topic);
        try
        {
            var deadline = _deadline.Token;
            if (deviceId is null)
            {
                metrics.Rejected("mqtt", "badTopic");
                LogBadTopic(logger, topic);
            }
            else if (await ResolveAsync(deviceId, deadline) is { } device)
            {
                await ingress.SubmitAsync(device, "mqtt", topic, payload, deadline);
            }
            else
            {
                metrics.Rejected("mqtt", "unknownDevice");
                await ingress.DeadLetterAsync(deviceId, "mqtt", topic, TelemetryRejectionReason.UnknownDevice,
                    $"No active device {deviceId} is registered.", payload, deadline);
            }

            await e.AcknowledgeAsync(deadline);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not durable: no acknowledgement. Dropping the connection makes the broker redeliver it.
            LogNotStored(logger, ex, deviceId ?? topic);
            if (_client is { IsConnected: true } client)
            {
                try
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
                }
                catch (Exception) when (!client.IsConnected)
                {
                    // Already gone.
                }
            }
        }
    }

    /// <summary>The device as the ingestion sees it, or null when it is unknown or may not publish; cached briefly.</summary>
    private async Task<DeviceIdentity?> ResolveAsync(string deviceId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_devices.TryGetValue(deviceId, out var cached) && now >= cached.LoadedAt && now - cached.LoadedAt < DeviceCacheLifetime)
        {
            return cached.Device;
        }

        Device? device;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            device = await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deviceId, ct);
        }

        var identity = device is { MayPublish: true } && DeviceTypes.Find(device.Type) is { } type ? new DeviceIdentity(device.Id, type) : null;
        _devices[deviceId] = (identity, now);
        return identity;
    }

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Consuming telemetry from the external MQTT broker {Host}:{Port} ({Subscription})")]
    private static partial void LogConnected(ILogger logger, string host, int port, string subscription);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Connecting to the external MQTT broker {Host}:{Port} failed ({Reason}); retrying")]
    private static partial void LogConnectFailed(ILogger logger, string host, int port, string reason);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Error, Message = "The external MQTT broker refused the subscription {Subscription}: {Code}")]
    private static partial void LogSubscribeRefused(ILogger logger, string subscription, string code);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Warning, Message = "A message on {Topic} is not telemetry of a device; acknowledged and counted")]
    private static partial void LogBadTopic(ILogger logger, string topic);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Warning, Message = "Telemetry of {DeviceId} from the external broker was not stored; reconnecting so that the broker redelivers it")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string deviceId);
}
