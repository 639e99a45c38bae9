using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>Telemetry over HTTP: durable answers, de-duplication, the time series, and every bad input refused or dead-lettered.</summary>
public abstract class TelemetryHttpTests(CivicGridApp app) : SensingTest(app)
{
    [Fact]
    public async Task Post_Single_IsStored_AndShowsAsLatest_AndTheDeviceBecomesActive()
    {
        var device = await RegisterAsync("streetlight");

        var response = await PostTelemetryAsync(device, $$$"""{"ts":"{{{Ts(-5)}}}","values":{"on":true,"current_a":0.42,"voltage_v":221.5,"lux":3.2}}""");

        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var result = JsonDocument.Parse(text).RootElement;
        Assert.Equal(1, result.GetProperty("stored").GetInt32());
        var read = await GetDeviceAsync(device.Id);
        Assert.Equal("active", read.GetProperty("state").GetString());
        Assert.Equal(App.Clock.GetUtcNow(), read.GetProperty("lastSeenAt").GetDateTimeOffset());
        var latest = read.GetProperty("latest");
        Assert.Equal(1, latest.GetProperty("on").GetProperty("value").GetDouble());
        Assert.Equal("true", latest.GetProperty("on").GetProperty("raw").GetString());
        Assert.Equal(221.5, latest.GetProperty("voltage_v").GetProperty("value").GetDouble());
        Assert.Equal(App.Clock.GetUtcNow().AddSeconds(-5), latest.GetProperty("lux").GetProperty("ts").GetDateTimeOffset());
    }

    [Fact]
    public async Task Latest_IsTheNewestReading_WhetherRecentOrDaysOld()
    {
        // The latest value is looked for in the last day first, then in the whole series.
        var device = await RegisterAsync("bin");
        var old = App.Clock.GetUtcNow().AddDays(-3);
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(device, $$$"""[{"ts":"{{{old.AddMinutes(-1):O}}}","values":{"fill_pct":10}},{"ts":"{{{old:O}}}","values":{"fill_pct":40}}]""")).StatusCode);
        var latest = (await GetDeviceAsync(device.Id)).GetProperty("latest").GetProperty("fill_pct");
        Assert.Equal((40.0, old), (latest.GetProperty("value").GetDouble(), latest.GetProperty("ts").GetDateTimeOffset()));

        // A reading a little ahead of the clock (device clock drift) is the newest too.
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(device, $$$"""[{"ts":"{{{Ts(-60)}}}","values":{"fill_pct":50}},{"ts":"{{{Ts(120)}}}","values":{"fill_pct":55}}]""")).StatusCode);
        latest = (await GetDeviceAsync(device.Id)).GetProperty("latest").GetProperty("fill_pct");
        Assert.Equal(55.0, latest.GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Post_BatchTwice_StoresOnce_AndCountsDuplicates()
    {
        var device = await RegisterAsync("bin");
        var body = $$$"""[{"ts":"{{{Ts(-30)}}}","values":{"fill_pct":10}},{"ts":"{{{Ts(-20)}}}","values":{"fill_pct":20}},{"ts":"{{{Ts(-10)}}}","values":{"fill_pct":30}}]""";

        var first = await (await PostTelemetryAsync(device, body)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var retry = await (await PostTelemetryAsync(device, body)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(3, first.GetProperty("stored").GetInt32());
        Assert.Equal(0, retry.GetProperty("stored").GetInt32());
        Assert.Equal(3, retry.GetProperty("duplicates").GetInt32());
        var client = await AsAsync("analyst");
        var series = await client.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{device.Id}/telemetry?resolution=raw", Ct);
        var points = series.GetProperty("points").GetProperty("fill_pct");
        Assert.Equal([10.0, 20.0, 30.0], points.EnumerateArray().Select(p => p.GetProperty("value").GetDouble()));
    }

    [Fact]
    public async Task Post_AuthorizationBearer_WithTheDeviceToken_IsAccepted()
    {
        var device = await RegisterAsync("noise");
        var client = App.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/devices/{device.Id}/telemetry")
        {
            Content = new StringContent($$$"""{"ts":"{{{Ts()}}}","values":{"db":61.5}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", device.Token);

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request, Ct)).StatusCode);
    }

    [Fact]
    public async Task Series_RollsUpByMinuteAndHour()
    {
        var device = await RegisterAsync("air-quality");
        var start = new DateTimeOffset(App.Clock.GetUtcNow().Year, App.Clock.GetUtcNow().Month, App.Clock.GetUtcNow().Day, App.Clock.GetUtcNow().Hour, 0, 0, TimeSpan.Zero).AddHours(-2);
        var messages = Enumerable.Range(0, 6).Select(i =>
            $$$"""{"ts":"{{{start.AddSeconds(i * 20):O}}}","values":{"pm25":{{{10 * (i + 1)}}},"pm10":5}}""");
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(device, "[" + string.Join(",", messages) + "]")).StatusCode);
        var client = await AsAsync("analyst");
        var range = $"from={Uri.EscapeDataString(start.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(start.AddHours(1).ToString("O"))}";

        var minutes = await client.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{device.Id}/telemetry?resolution=minute&name=pm25&{range}", Ct);
        var hours = await client.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{device.Id}/telemetry?resolution=hour&{range}", Ct);

        var m = minutes.GetProperty("buckets").GetProperty("pm25").EnumerateArray().ToList();
        Assert.Equal(2, m.Count);
        Assert.Equal(start, m[0].GetProperty("ts").GetDateTimeOffset());
        Assert.Equal((10 + 20 + 30) / 3.0, m[0].GetProperty("avg").GetDouble(), 6);
        Assert.Equal(3, m[0].GetProperty("count").GetInt64());
        Assert.Equal(40, m[1].GetProperty("min").GetDouble());
        Assert.Equal(60, m[1].GetProperty("max").GetDouble());
        Assert.False(minutes.GetProperty("buckets").TryGetProperty("pm10", out _));
        var h = hours.GetProperty("buckets").GetProperty("pm25").EnumerateArray().Single();
        Assert.Equal(6, h.GetProperty("count").GetInt64());
        Assert.Equal(35, h.GetProperty("avg").GetDouble(), 6);
        Assert.Equal(6, hours.GetProperty("buckets").GetProperty("pm10")[0].GetProperty("count").GetInt64());
        var bad = await ProblemAsync(await client.GetAsync($"/api/v1/devices/{device.Id}/telemetry?resolution=week", Ct), HttpStatusCode.BadRequest);
        Assert.Contains("resolution", ErrorFields(bad));
    }

    [Fact]
    public async Task Aggregate_RollsUpAValueOverTheDevicesOfAnArea()
    {
        var a = await RegisterAsync("water-quality", 0, 1);
        var b = await RegisterAsync("water-quality", 2, 1);
        var hour = App.Clock.GetUtcNow().AddHours(-3);
        hour = new DateTimeOffset(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(a, $$$"""{"ts":"{{{hour.AddMinutes(10):O}}}","values":{"ph":7.0}}""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(b, $$$"""{"ts":"{{{hour.AddMinutes(20):O}}}","values":{"ph":9.0}}""")).StatusCode);
        var client = await AsAsync("analyst");
        var range = $"from={Uri.EscapeDataString(hour.ToString("O"))}&to={Uri.EscapeDataString(hour.AddHours(1).ToString("O"))}";

        var grid = await client.GetFromJsonAsync<JsonElement>($"/api/v1/telemetry/aggregate?type=water-quality&name=ph&gridCode={App.District.GridCodes[1]}&{range}", Ct);
        var bucket = grid.GetProperty("buckets").EnumerateArray().Single();

        Assert.Equal(7.0, bucket.GetProperty("avg").GetDouble());
        var community = await client.GetFromJsonAsync<JsonElement>($"/api/v1/telemetry/aggregate?type=water-quality&name=ph&communityCode={TestDistrict.CommunityCode}&{range}", Ct);
        var all = community.GetProperty("buckets").EnumerateArray().Single();
        Assert.True(all.GetProperty("count").GetInt64() >= 2);
        Assert.True(all.GetProperty("max").GetDouble() >= 9.0);
        var bad = await ProblemAsync(await client.GetAsync("/api/v1/telemetry/aggregate?type=water-quality&name=db", Ct), HttpStatusCode.BadRequest);
        Assert.Contains("name", ErrorFields(bad));
    }

    [Fact]
    public async Task Post_WithAWrongOrMissingToken_Returns401()
    {
        var device = await RegisterAsync("bin");
        var body = $$$"""{"ts":"{{{Ts()}}}","values":{"fill_pct":1}}""";

        await ProblemAsync(await PostTelemetryAsync(device, body, token: "cgd_not-the-token"), HttpStatusCode.Unauthorized);
        var client = App.CreateClient();
        await ProblemAsync(await client.PostAsync($"/api/v1/devices/{device.Id}/telemetry", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct), HttpStatusCode.Unauthorized);

        // A user's bearer token is no device token.
        var staff = await AsAsync("admin");
        await ProblemAsync(await staff.PostAsync($"/api/v1/devices/{device.Id}/telemetry", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Post_ToAnUnknownDevice_Returns401_AndToAnotherDevice_Returns403()
    {
        var device = await RegisterAsync("bin");
        var body = $$$"""{"ts":"{{{Ts()}}}","values":{"fill_pct":1}}""";

        await ProblemAsync(await PostTelemetryAsync(device, body, token: "cgd_" + Guid.NewGuid().ToString("N"), asDevice: "no-such-device"), HttpStatusCode.Unauthorized);
        var other = await RegisterAsync("bin");
        var problem = await ProblemAsync(await PostTelemetryAsync(device, body, asDevice: other.Id), HttpStatusCode.Forbidden);
        Assert.Contains("own", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"ts\":\"NOW\",\"values\":{\"tilt_deg\":", "body", "malformedJson")]
    [InlineData("\"hello\"", "body", "notAnObject")]
    [InlineData("{\"values\":{\"tilt_deg\":3}}", "ts", "missingTimestamp")]
    [InlineData("{\"ts\":\"yesterday\",\"values\":{\"tilt_deg\":3}}", "ts", "badTimestamp")]
    [InlineData("{\"ts\":\"FUTURE\",\"values\":{\"tilt_deg\":3}}", "ts", "futureTimestamp")]
    [InlineData("{\"ts\":\"NOW\",\"values\":{\"tilt_deg\":\"3\"}}", "values.tilt_deg", "wrongType")]
    [InlineData("{\"ts\":\"NOW\",\"values\":{\"tilt_deg\":true}}", "values.tilt_deg", "wrongType")]
    [InlineData("{\"ts\":\"NOW\",\"values\":{\"tilt_deg\":900}}", "values.tilt_deg", "outOfRange")]
    [InlineData("{\"ts\":\"NOW\",\"values\":{\"water_level_cm\":-5}}", "values.water_level_cm", "outOfRange")]
    [InlineData("{\"ts\":\"NOW\",\"values\":{\"pm25\":3}}", "values.pm25", "unknownValue")]
    [InlineData("{\"ts\":\"NOW\",\"values\":{}}", "values", "noValues")]
    public async Task Post_BadPayload_Returns400NamingTheField_AndDeadLettersIt(string json, string field, string reason)
    {
        var device = await RegisterAsync("manhole-cover");
        json = json.Replace("NOW", Ts(-60), StringComparison.Ordinal).Replace("FUTURE", Ts(2 * 3600), StringComparison.Ordinal);

        var problem = await ProblemAsync(await PostTelemetryAsync(device, json), HttpStatusCode.BadRequest);

        Assert.Contains(field, ErrorFields(problem));
        Assert.Equal(0, problem.GetProperty("stored").GetInt32());
        Assert.Equal(1, problem.GetProperty("deadLettered").GetInt32());
        var letters = await DeadLettersAsync(device.Id);
        var letter = Assert.Single(letters);
        Assert.Equal(reason, letter.GetProperty("reason").GetString());
        Assert.Equal(field, letter.GetProperty("field").GetString());
        Assert.Equal("http", letter.GetProperty("channel").GetString());
        Assert.False(string.IsNullOrEmpty(letter.GetProperty("payload").GetString()));
        Assert.Equal("provisioned", (await GetDeviceAsync(device.Id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Post_MixedBatch_StoresTheGoodMessages_AndDeadLettersTheBadOnes()
    {
        var device = await RegisterAsync("parking-space");
        var body = $$$"""[{"ts":"{{{Ts(-2)}}}","values":{"occupied":true}},{"ts":"{{{Ts(-1)}}}","values":{"occupied":7}}]""";

        var problem = await ProblemAsync(await PostTelemetryAsync(device, body), HttpStatusCode.BadRequest);

        Assert.Equal(["[1].values.occupied"], ErrorFields(problem));
        Assert.Equal(1, problem.GetProperty("stored").GetInt32());
        Assert.Single(await DeadLettersAsync(device.Id));
        Assert.Equal(1, (await GetDeviceAsync(device.Id)).GetProperty("latest").GetProperty("occupied").GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Post_Flood_IsRefusedWith429_WhileOtherDevicesAreServed()
    {
        var flooder = await RegisterAsync("noise");
        var neighbour = await RegisterAsync("noise");
        var burst = 60;

        var batch = "[" + string.Join(",", Enumerable.Range(0, burst).Select(i => $$$"""{"ts":"{{{Ts(-i - 1)}}}","values":{"db":50}}""")) + "]";
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(flooder, batch)).StatusCode);
        var refused = await ProblemAsync(await PostTelemetryAsync(flooder, $$$"""{"ts":"{{{Ts()}}}","values":{"db":50}}"""), HttpStatusCode.TooManyRequests);

        Assert.Contains("messages per second", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(neighbour, $$$"""{"ts":"{{{Ts()}}}","values":{"db":50}}""")).StatusCode);

        // The bucket refills with time: a second later the device may send again.
        App.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await PostTelemetryAsync(flooder, $$$"""{"ts":"{{{Ts()}}}","values":{"db":51}}""")).StatusCode);
    }

    [Fact]
    public async Task RefusedAndDeadLetteredMessages_AreCountedInMetrics()
    {
        var device = await RegisterAsync("bin");
        var factory = App.Services.GetRequiredService<IMeterFactory>();
        var counts = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name.StartsWith("civicgrid.telemetry.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + ":" + string.Join(",", tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
            counts.AddOrUpdate(key, value, (_, v) => v + value);
        });
        listener.Start();

        await PostTelemetryAsync(device, "{not json");
        await PostTelemetryAsync(device, $$$"""{"ts":"{{{Ts()}}}","values":{"fill_pct":101}}""");
        await PostTelemetryAsync(device, $$$"""{"ts":"{{{Ts()}}}","values":{"fill_pct":1}}""", token: "cgd_wrong");
        await PostTelemetryAsync(device, $$$"""{"ts":"{{{Ts()}}}","values":{"fill_pct":1}}""");

        Assert.Equal(1, counts.GetValueOrDefault("civicgrid.telemetry.rejections:channel=http,reason=malformedJson"));
        Assert.Equal(1, counts.GetValueOrDefault("civicgrid.telemetry.rejections:channel=http,reason=outOfRange"));
        Assert.True(counts.GetValueOrDefault("civicgrid.telemetry.rejections:channel=http,reason=badToken") >= 1);
        Assert.Equal(2, counts.GetValueOrDefault("civicgrid.telemetry.messages:channel=http,outcome=deadLettered"));
        Assert.Equal(1, counts.GetValueOrDefault("civicgrid.telemetry.messages:channel=http,outcome=stored"));
    }

    [Fact]
    public async Task Post_TooLargeBody_Returns413()
    {
        var device = await RegisterAsync("noise");
        var huge = "{\"ts\":\"" + Ts() + "\",\"values\":{\"db\":50},\"pad\":\"" + new string('x', 1_100_000) + "\"}";

        await ProblemAsync(await PostTelemetryAsync(device, huge), HttpStatusCode.RequestEntityTooLarge);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class TelemetryHttpTestsOnSqlite(SqliteApp app) : TelemetryHttpTests(app);

[Collection(PostgresCollection.Name)]
public sealed class TelemetryHttpTestsOnPostgres(PostgresApp app) : TelemetryHttpTests(app);
