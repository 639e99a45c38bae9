using System.Buffers;
using System.Net;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// The embedded MQTT broker (MQTTnet). A device connects with username = its id, password = its
/// token and client id = its id (so no one can take over another device's session); it may publish
/// only to <c>civicgrid/v1/devices/{its id}/telemetry</c> and subscribe only below
/// <c>civicgrid/v1/devices/{its id}/</c>. The publish callback hands the payload to
/// <see cref="TelemetryIngress"/> and waits until it is committed: MQTTnet sends the QoS 1 PUBACK
/// only after the callback returns, so an acknowledged message is on disk. When the write fails or
/// takes too long the connection is closed without a PUBACK and the device resends.
/// </summary>
public sealed partial class MqttBroker(
    IOptions<MqttOptions> options,
    IServiceScopeFactory scopes,
    TelemetryIngress ingress,
    Readiness readiness,
    SensingMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<MqttBroker> logger) : IHostedService, IAsyncDisposable
{
    private const string DeviceKey = "civicgrid.device";
    private readonly AckDeadline _deadline = new(options.Value.AckTimeout, lifetime.ApplicationStopping);
    private MqttServer? _server;

    public bool IsRunning => _server?.IsStarted == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled || o.Mode != MqttMode.Embedded)
        {
            return;
        }

        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(o.Port)
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(o.BindAddress))
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(serverOptions);
        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        await server.StartAsync();
        _server = server;
        LogStarted(logger, o.BindAddress, o.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { } server)
        {
            try
            {
                await server.StopAsync(new MqttServerStopOptions());
            }
            catch (InvalidOperationException e)
            {
                // MQTTnet's listener clean-up can race with a connection closing at the same moment
                // ("Collection was modified"); the listener is stopped either way.
                LogStopRace(logger, e);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Drops a device's MQTT connection on this node (after it was retired or its token changed); returns whether it was connected.</summary>
    public async Task<bool> DisconnectAsync(string deviceId)
    {
        if (_server is not { IsStarted: true } server)
        {
            return false;
        }

        try
        {
            await server.DisconnectClientAsync(deviceId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized, ReasonString = "The device was retired or its token changed." });
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Whether a device may publish to a topic: only its own telemetry topic.</summary>
    public static bool MayPublish(string deviceId, string topic) =>
        string.Equals(topic, DeviceRegistry.TopicOf(deviceId), StringComparison.Ordinal);

    /// <summary>Whether a device may subscribe to a filter: only below its own topic, no wildcard above it.</summary>
    public static bool MaySubscribe(string deviceId, string filter)
    {
        var prefix = $"civicgrid/v1/devices/{deviceId}/";
        return filter.StartsWith(prefix, StringComparison.Ordinal) && filter.Length > prefix.Length;
    }

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (!readiness.IsReady)
        {
            e.ReasonCode = MqttConnectReasonCode.ServerUnavailable;
            metrics.Connection("notReady");
            return;
        }

        var id = e.UserName;
        if (string.IsNullOrEmpty(id) || !Device.IsValidId(id))
        {
            Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, "unknownDevice");
            return;
        }

        if (!string.Equals(e.ClientId, id, StringComparison.Ordinal))
        {
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, "badClientId");
            return;
        }

        Device? device;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            device = await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, e.CancellationToken);
        }

        if (device is null)
        {
            Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, "unknownDevice");
            return;
        }

        if (!device.TokenMatches(e.Password))
        {
            Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, "badToken");
            return;
        }

        if (!device.MayPublish || DeviceTypes.Find(device.Type) is not { } type)
        {
            Refuse(e, MqttConnectReasonCode.NotAuthorized, "retired");
            return;
        }

        e.SessionItems[DeviceKey] = new DeviceIdentity(device.Id, type);
        metrics.Connection("accepted");
    }

    private void Refuse(ValidatingConnectionEventArgs e, MqttConnectReasonCode code, string reason)
    {
        e.ReasonCode = code;
        metrics.Connection(reason);
        metrics.Rejected("mqtt", reason);
        LogRefused(logger, e.UserName ?? string.Empty, reason);
    }

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        // The broker is the consumer: nothing is forwarded or retained.
        e.ProcessPublish = false;
        if (e.SessionItems[DeviceKey] is not DeviceIdentity device)
        {
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            return;
        }

        var topic = e.ApplicationMessage.Topic;
        var payload = e.ApplicationMessage.Payload;
        var bytes = payload.IsSingleSegment ? payload.First : payload.ToArray();
        try
        {
            // Not linked to the connection's token: a payload already queued is written either way. The
            // deadline also ends when the server stops (no acknowledgement: the device resends).
            var deadline = _deadline.Token;
            if (!MayPublish(device.Id, topic))
            {
                metrics.Rejected("mqtt", "topicNotAllowed");
                var denied = await ingress.DeadLetterAsync(device.Id, "mqtt", topic, TelemetryRejectionReason.TopicNotAllowed,
                    $"Device {device.Id} may publish only to {DeviceRegistry.TopicOf(device.Id)}.", bytes, deadline);
                e.Response.ReasonCode = denied.Status == IngestStatus.RateLimited ? MqttPubAckReasonCode.QuotaExceeded : MqttPubAckReasonCode.NotAuthorized;
                return;
            }

            var outcome = await ingress.SubmitAsync(device, "mqtt", topic, bytes, deadline);
            e.Response.ReasonCode = outcome switch
            {
                { Status: IngestStatus.RateLimited } => MqttPubAckReasonCode.QuotaExceeded,
                { Stored: 0, Duplicates: 0 } => MqttPubAckReasonCode.PayloadFormatInvalid,
                _ => MqttPubAckReasonCode.Success,
            };
            if (outcome.Rejections.Count > 0)
            {
                e.Response.ReasonString = outcome.Rejections[0].Message;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Not durable: no PUBACK. Closing the connection makes the device resend after reconnecting.
            LogNotStored(logger, ex, device.Id);
            e.CloseConnection = true;
        }
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems[DeviceKey] is not DeviceIdentity device || !MaySubscribe(device.Id, e.TopicFilter.Topic))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            metrics.Rejected("mqtt", "subscriptionNotAllowed");
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "MQTT broker listening on {Address}:{Port}")]
    private static partial void LogStarted(ILogger logger, string address, int port);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "MQTT connection of {DeviceId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string deviceId, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Telemetry of {DeviceId} was not stored; the connection is closed so that the device resends")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string deviceId);

    [LoggerMessage(EventId = 3019, Level = LogLevel.Warning, Message = "MQTT broker stopped with a clean-up error")]
    private static partial void LogStopRace(ILogger logger, Exception exception);
}
