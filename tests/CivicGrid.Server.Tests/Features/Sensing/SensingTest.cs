using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Formatter;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>Helpers of the sensing tests: register devices, post and publish telemetry.</summary>
public abstract class SensingTest(CivicGridApp app) : ApiTest(app)
{
    /// <summary>A registered device's id and token.</summary>
    protected sealed record TestDevice(string Id, string Token, string Type);

    protected async Task<TestDevice> RegisterAsync(string type = "manhole-cover", int row = 1, int col = 1, string? componentId = null)
    {
        var admin = await AsAsync("admin");
        var (lon, lat) = TestDistrict.Inside(row, col);
        var response = await admin.PostAsJsonAsync("/api/v1/devices", new { type, lat, lon, componentId }, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var body = JsonDocument.Parse(text).RootElement;
        return new TestDevice(body.GetProperty("id").GetString()!, body.GetProperty("token").GetString()!, type);
    }

    /// <summary>A timestamp on the test clock, offset by seconds.</summary>
    protected string Ts(double secondsFromNow = 0) =>
        App.Clock.GetUtcNow().AddSeconds(secondsFromNow).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    protected async Task<HttpResponseMessage> PostTelemetryAsync(TestDevice device, string json, string? token = null, string? asDevice = null)
    {
        var client = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/devices/{asDevice ?? device.Id}/telemetry")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Device-Token", token ?? device.Token);
        return await client.SendAsync(request, Ct);
    }

    protected async Task<JsonElement> GetDeviceAsync(string id)
    {
        var client = await AsAsync("operator");
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{id}", Ct);
    }

    protected async Task<JsonElement[]> DeadLettersAsync(string deviceId)
    {
        var client = await AsAsync("operator");
        return await client.GetFromJsonAsync<JsonElement[]>($"/api/v1/telemetry/dead-letters?deviceId={deviceId}", Ct) ?? [];
    }

    /// <summary>An MQTT 5 client of the app's embedded broker (not yet connected).</summary>
    protected static IMqttClient NewMqttClient() => new MqttClientFactory().CreateMqttClient();

    protected MqttClientOptions MqttOptions(string clientId, string username, string password) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", App.MqttPort)
            .WithClientId(clientId)
            .WithCredentials(username, password)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(20))
            .Build();

    protected async Task<IMqttClient> ConnectAsync(TestDevice device)
    {
        var client = NewMqttClient();
        var result = await client.ConnectAsync(MqttOptions(device.Id, device.Id, device.Token), Ct);
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        return client;
    }

    protected static Task<MqttClientPublishResult> PublishAsync(IMqttClient client, string topic, string payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), Ct);

    protected static string TopicOf(string deviceId) => $"civicgrid/v1/devices/{deviceId}/telemetry";
}
