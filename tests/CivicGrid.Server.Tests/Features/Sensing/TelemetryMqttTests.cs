using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>Telemetry over the embedded MQTT broker: authentication, topic ACLs, PUBACK after the durable write, QoS 1 de-duplication.</summary>
public abstract class TelemetryMqttTests(CivicGridApp app) : SensingTest(app)
{
    [Fact]
    public async Task Publish_QoS1_IsAcknowledgedOnlyOnceStored()
    {
        var device = await RegisterAsync("manhole-cover");
        using var client = await ConnectAsync(device);

        var ack = await PublishAsync(client, TopicOf(device.Id), $$$"""{"ts":"{{{Ts(-1)}}}","values":{"tilt_deg":2.5,"displacement_mm":0,"water_level_cm":12}}""");

        Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        // Read straight from the database with a fresh context: acknowledged means committed.
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var rows = await db.TelemetryReadings.AsNoTracking().Where(r => r.DeviceId == device.Id).ToListAsync(Ct);
        Assert.Equal(3, rows.Count);
        Assert.Equal(12, rows.Single(r => r.Name == "water_level_cm").Value);
        Assert.Equal("active", (await GetDeviceAsync(device.Id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Publish_SameMessageTwice_IsStoredOnce()
    {
        var device = await RegisterAsync("bin");
        using var client = await ConnectAsync(device);
        var payload = $$$"""{"ts":"{{{Ts(-3)}}}","values":{"fill_pct":77}}""";

        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAsync(client, TopicOf(device.Id), payload)).ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAsync(client, TopicOf(device.Id), payload)).ReasonCode);

        var analyst = await AsAsync("analyst");
        var series = await analyst.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{device.Id}/telemetry", Ct);
        Assert.Single(series.GetProperty("points").GetProperty("fill_pct").EnumerateArray());
    }

    [Fact]
    public async Task Connect_WithAWrongToken_OrAsAnUnknownDevice_IsRefused()
    {
        var device = await RegisterAsync("bin");

        using var wrong = NewMqttClient();
        var refused = await wrong.ConnectAsync(MqttOptions(device.Id, device.Id, "cgd_wrong"), Ct);
        using var unknown = NewMqttClient();
        var unknownResult = await unknown.ConnectAsync(MqttOptions("ghost-device", "ghost-device", device.Token), Ct);
        using var hijack = NewMqttClient();
        var hijackResult = await hijack.ConnectAsync(MqttOptions("someone-else", device.Id, device.Token), Ct);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, unknownResult.ResultCode);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, hijackResult.ResultCode);

        // The broker keeps serving everyone else.
        using var good = await ConnectAsync(device);
        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAsync(good, TopicOf(device.Id), $$$"""{"ts":"{{{Ts()}}}","values":{"fill_pct":5}}""")).ReasonCode);
    }

    [Fact]
    public async Task Publish_ToAnotherDevicesTopic_IsRefused_AndDeadLettered()
    {
        var device = await RegisterAsync("bin");
        var victim = await RegisterAsync("bin");
        using var client = await ConnectAsync(device);

        var ack = await PublishAsync(client, TopicOf(victim.Id), $$$"""{"ts":"{{{Ts()}}}","values":{"fill_pct":100}}""");

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, ack.ReasonCode);
        var letter = Assert.Single(await DeadLettersAsync(device.Id));
        Assert.Equal("topicNotAllowed", letter.GetProperty("reason").GetString());
        Assert.Equal(TopicOf(victim.Id), letter.GetProperty("topic").GetString());
        Assert.False((await GetDeviceAsync(victim.Id)).GetProperty("latest").TryGetProperty("fill_pct", out _));
    }

    [Fact]
    public async Task Retire_DropsTheConnection_AndRefusesTheNextOne()
    {
        var device = await RegisterAsync("bin");
        using var client = await ConnectAsync(device);
        var disconnected = new TaskCompletionSource();
        client.DisconnectedAsync += _ =>
        {
            disconnected.TrySetResult();
            return Task.CompletedTask;
        };
        var admin = await AsAsync("admin");

        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/devices/{device.Id}", Ct)).StatusCode);

        await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        using var again = NewMqttClient();
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, (await again.ConnectAsync(MqttOptions(device.Id, device.Id, device.Token), Ct)).ResultCode);
    }

    [Fact]
    public async Task Subscribe_OutsideItsOwnTopics_IsRefused()
    {
        var device = await RegisterAsync("bin");
        using var client = await ConnectAsync(device);

        var result = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("civicgrid/v1/devices/#").Build(), Ct);

        Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, result.Items.Single().ResultCode);
    }

    [Theory]
    [InlineData("{\"ts\":", "malformedJson")]
    [InlineData("{\"ts\":\"NOW\",\"values\":{\"fill_pct\":\"full\"}}", "wrongType")]
    [InlineData("{\"ts\":\"NOW\",\"values\":{\"fill_pct\":250}}", "outOfRange")]
    [InlineData("{\"ts\":\"FUTURE\",\"values\":{\"fill_pct\":25}}", "futureTimestamp")]
    public async Task Publish_BadPayload_IsAnsweredPayloadFormatInvalid_AndDeadLettered(string payload, string reason)
    {
        var device = await RegisterAsync("bin");
        using var client = await ConnectAsync(device);
        payload = payload.Replace("NOW", Ts(-1), StringComparison.Ordinal).Replace("FUTURE", Ts(86400), StringComparison.Ordinal);

        var ack = await PublishAsync(client, TopicOf(device.Id), payload);

        Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, ack.ReasonCode);
        var letter = Assert.Single(await DeadLettersAsync(device.Id));
        Assert.Equal(reason, letter.GetProperty("reason").GetString());
        Assert.Equal("mqtt", letter.GetProperty("channel").GetString());
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Publish_Flood_IsAnsweredQuotaExceeded()
    {
        var device = await RegisterAsync("noise");
        using var client = await ConnectAsync(device);
        var batch = "[" + string.Join(",", Enumerable.Range(0, 60).Select(i => $$$"""{"ts":"{{{Ts(-i - 1)}}}","values":{"db":40}}""")) + "]";

        Assert.Equal(MqttClientPublishReasonCode.Success, (await PublishAsync(client, TopicOf(device.Id), batch)).ReasonCode);
        var flood = await PublishAsync(client, TopicOf(device.Id), $$$"""{"ts":"{{{Ts()}}}","values":{"db":40}}""");

        Assert.Equal(MqttClientPublishReasonCode.QuotaExceeded, flood.ReasonCode);
        Assert.True(client.IsConnected);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class TelemetryMqttTestsOnSqlite(SqliteApp app) : TelemetryMqttTests(app);

[Collection(PostgresCollection.Name)]
public sealed class TelemetryMqttTestsOnPostgres(PostgresApp app) : TelemetryMqttTests(app);
