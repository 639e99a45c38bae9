using System.Text;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Sensing;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>
/// Telemetry taken from a real external broker (Mosquitto, started by the test) instead of the
/// embedded one: shared and plain subscriptions, bad payloads and unknown devices dead-lettered,
/// messages published while the server was away delivered from its persistent session.
/// </summary>
public abstract class ExternalBrokerTests(CivicGridApp app) : SensingTest(app)
{
    [Fact]
    public async Task SharedSubscription_StoresTelemetry_AndDeadLettersBadPayloadsAndUnknownDevices()
    {
        await using var broker = await Mosquitto.StartAsync(Ct);
        var device = await RegisterAsync("manhole-cover");
        var ghost = "ghost-" + Guid.NewGuid().ToString("N")[..8];
        var consumer = await StartConsumerAsync(broker, "civicgrid-test-" + Guid.NewGuid().ToString("N"), sharedGroup: "civicgrid");
        try
        {
            using var publisher = await PublisherAsync(broker);
            await PublishAsync(publisher, TopicOf(device.Id), $$$"""{"ts":"{{{Ts(-2)}}}","values":{"tilt_deg":1.5,"displacement_mm":0,"water_level_cm":20}}""");
            await PublishAsync(publisher, TopicOf(device.Id), "{not json");
            await PublishAsync(publisher, TopicOf(ghost), $$$"""{"ts":"{{{Ts(-2)}}}","values":{"fill_pct":5}}""");

            Assert.Equal(3, await EventuallyAsync(() => ReadingCountAsync(device.Id), n => n == 3));
            var letters = await EventuallyAsync(async () => (await DeadLettersAsync(device.Id)).Concat(await DeadLettersAsync(ghost)).ToArray(), l => l.Length == 2);
            Assert.Contains(letters, l => l.GetProperty("deviceId").GetString() == device.Id && l.GetProperty("reason").GetString() == "malformedJson");
            Assert.Contains(letters, l => l.GetProperty("deviceId").GetString() == ghost && l.GetProperty("reason").GetString() == "unknownDevice");
        }
        finally
        {
            await consumer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task PlainSubscription_MessagesPublishedWhileTheServerWasAway_AreDeliveredAfterItReconnects_AndStoredOnce()
    {
        await using var broker = await Mosquitto.StartAsync(Ct);
        var device = await RegisterAsync("bin");
        var clientId = "civicgrid-test-" + Guid.NewGuid().ToString("N");
        var first = await StartConsumerAsync(broker, clientId, sharedGroup: null);
        await first.StopAsync(CancellationToken.None);

        using (var publisher = await PublisherAsync(broker))
        {
            for (var i = 0; i < 5; i++)
            {
                await PublishAsync(publisher, TopicOf(device.Id), $$$"""{"ts":"{{{Ts(-10 + i)}}}","values":{"fill_pct":{{{10 + i}}}}}""");
            }

            // A retransmission of the last one: stored once.
            await PublishAsync(publisher, TopicOf(device.Id), $$$"""{"ts":"{{{Ts(-6)}}}","values":{"fill_pct":14}}""");
        }

        var second = await StartConsumerAsync(broker, clientId, sharedGroup: null);
        try
        {
            Assert.Equal(5, await EventuallyAsync(() => ReadingCountAsync(device.Id), n => n == 5));
        }
        finally
        {
            await second.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("civicgrid/v1/devices/bin-0001/telemetry", "bin-0001")]
    [InlineData("city/a/devices/x_1.b/telemetry", "x_1.b")]
    [InlineData("civicgrid/v1/devices/bin-0001/other", null)]
    [InlineData("civicgrid/v1/devices/-bad/telemetry", null)]
    [InlineData("telemetry", null)]
    public void DeviceIdOf_ReadsTheSecondLastLevelOfATelemetryTopic(string topic, string? expected) =>
        Assert.Equal(expected, ExternalMqttConsumer.DeviceIdOf(topic));

    private async Task<ExternalMqttConsumer> StartConsumerAsync(Mosquitto broker, string clientId, string? sharedGroup)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new MqttOptions
        {
            Mode = MqttMode.External,
            External = new ExternalMqttOptions
            {
                Host = "127.0.0.1",
                Port = broker.Port,
                Username = Mosquitto.User,
                Password = Mosquitto.Password,
                ClientId = clientId,
                SharedGroup = sharedGroup,
                ReconnectDelay = TimeSpan.FromMilliseconds(200),
            },
        });
        var consumer = ActivatorUtilities.CreateInstance<ExternalMqttConsumer>(App.Services, options);
        await consumer.StartAsync(Ct);
        await EventuallyAsync(() => Task.FromResult(consumer.IsConnected), c => c);
        return consumer;
    }

    private static async Task<IMqttClient> PublisherAsync(Mosquitto broker)
    {
        var client = NewMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.Port)
            .WithClientId("publisher-" + Guid.NewGuid().ToString("N"))
            .WithCredentials(Mosquitto.User, Mosquitto.Password)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .Build(), Ct);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    private new static async Task PublishAsync(IMqttClient client, string topic, string payload)
    {
        var ack = await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), Ct);
        Assert.True(ack.IsSuccess || ack.ReasonCode == MqttClientPublishReasonCode.NoMatchingSubscribers, ack.ReasonCode.ToString());
    }

    private async Task<int> ReadingCountAsync(string deviceId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        return await db.TelemetryReadings.CountAsync(r => r.DeviceId == deviceId, Ct);
    }

    /// <summary>Polls until the condition holds (the external broker delivers asynchronously); fails after a generous wait.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var attempt = 0; ; attempt++)
        {
            var value = await read();
            if (done(value) || attempt == 300)
            {
                return value;
            }

            await Task.Delay(100, Ct);
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ExternalBrokerTestsOnSqlite(SqliteApp app) : ExternalBrokerTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ExternalBrokerTestsOnPostgres(PostgresApp app) : ExternalBrokerTests(app);
