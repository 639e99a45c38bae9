using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Sensing;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>
/// Rules raise and clear alarms; alarms file and dispatch cases. Each engine gets its own app,
/// because these tests move the clock. Every rule is limited to the test's own devices.
/// </summary>
public abstract class AlarmTests(CivicGridApp app) : SensingTest(app)
{
    [Fact]
    public async Task Threshold_RaisesAnAlarm_ThatFilesAndDispatchesACase_AndClearsWithHysteresis()
    {
        var bin = await RegisterAsync("bin", 0, 0);
        var rule = await CreateRuleAsync(new
        {
            name = "垃圾箱满溢 " + bin.Id,
            deviceType = "bin",
            deviceIds = new[] { bin.Id },
            severity = "major",
            condition = new { kind = "threshold", value = "fill_pct", op = "gt", threshold = 90, clearThreshold = 70 },
            @case = new { categoryCode = "06042", urgency = "urgent" },
        });

        await PostOkAsync(bin, """{"fill_pct":50}""", -60);
        await PostOkAsync(bin, """{"fill_pct":96}""", -50);

        var alarm = await SingleAlarmAsync(bin.Id, "open");
        Assert.Equal(rule, alarm.GetProperty("ruleId").GetString());
        Assert.Equal("raised", alarm.GetProperty("state").GetString());
        Assert.Equal("major", alarm.GetProperty("severity").GetString());
        Assert.Equal(96, alarm.GetProperty("value").GetDouble());
        Assert.Equal(App.District.GridCodes[0], alarm.GetProperty("gridCode").GetString());

        // The case: reported by the sensing system, filed, dispatched to sanitation (responsibility rule "06").
        var caseId = alarm.GetProperty("caseId").GetString()!;
        var @case = await GetCaseAsync(caseId);
        Assert.Equal("dispatched", Status(@case));
        Assert.Equal("sensor", @case.GetProperty("source").GetString());
        Assert.Equal("urgent", @case.GetProperty("urgency").GetString());
        Assert.Equal("06042", @case.GetProperty("categoryCode").GetString());
        Assert.Equal(App.District.SanitationId.ToString(), @case.GetProperty("departmentId").GetString());
        Assert.Equal(["report", "file", "dispatch"], @case.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));
        Assert.Contains(bin.Id, @case.GetProperty("description").GetString(), StringComparison.Ordinal);

        // Hysteresis: 80 is below the threshold but above the clear threshold: still open, updated.
        await PostOkAsync(bin, """{"fill_pct":80}""", -40);
        var updated = await SingleAlarmAsync(bin.Id, "open", a => a.GetProperty("value").GetDouble() == 80);
        Assert.Equal(1, updated.GetProperty("updateCount").GetInt32());

        // Back below 70: cleared by the system; the case, not yet handled, records it.
        await PostOkAsync(bin, """{"fill_pct":30}""", -30);
        var cleared = await SingleAlarmAsync(bin.Id, "cleared");
        Assert.Equal("物联感知（系统）", cleared.GetProperty("clearedBy").GetString());
        var detail = await GetAlarmAsync(cleared.GetProperty("id").GetString()!);
        Assert.Equal(["raised", "caseFiled", "cleared"], detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));
        var noted = await GetCaseAsync(caseId);
        Assert.Equal("dispatched", Status(noted));
        var last = noted.GetProperty("history").EnumerateArray().Last();
        Assert.Equal("alarmCleared", last.GetProperty("action").GetString());
        Assert.Contains("已于", last.GetProperty("note").GetString(), StringComparison.Ordinal);

        // A new episode raises a new alarm (and a new case).
        await PostOkAsync(bin, """{"fill_pct":99}""", -20);
        var second = await SingleAlarmAsync(bin.Id, "open");
        Assert.NotEqual(alarm.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.NotEqual(caseId, second.GetProperty("caseId").GetString());
    }

    [Fact]
    public async Task Sustained_RaisesOnlyAfterTheValueHeldForTheWholePeriod()
    {
        var steady = await RegisterAsync("noise");
        var dipping = await RegisterAsync("noise");
        await CreateRuleAsync(new
        {
            name = "持续噪声",
            deviceType = "noise",
            deviceIds = new[] { steady.Id, dipping.Id },
            condition = new { kind = "threshold", value = "db", threshold = 70, forMinutes = 10 },
        });

        // One reading a minute for 12 minutes, timestamps in the past: the rule judges by the readings' time.
        await PostOkAsync(steady, Batch("db", Enumerable.Range(0, 12).Select(i => (i - 20.0, 75.0))));
        await PostOkAsync(dipping, Batch("db", Enumerable.Range(0, 12).Select(i => (i - 20.0, i == 6 ? 60.0 : 75.0))));

        await SingleAlarmAsync(steady.Id, "open");
        Assert.Empty(await AlarmsAsync($"deviceId={dipping.Id}"));
        var rows = await AlarmsAsync($"deviceId={steady.Id}&severity=major");
        Assert.Contains("for 11 min", rows[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoData_RaisesWhenTheDeviceFallsSilent_AndClearsWhenDataReturns()
    {
        var cover = await RegisterAsync("manhole-cover");
        await CreateRuleAsync(new { name = "井盖离线", deviceType = "manhole-cover", deviceIds = new[] { cover.Id }, condition = new { kind = "noData", minutes = 45 }, severity = "minor" });
        await PostOkAsync(cover, """{"tilt_deg":1}""", 0);
        var engine = App.Services.GetRequiredService<AlarmEngine>();

        App.Clock.Advance(TimeSpan.FromMinutes(44));
        await engine.RunPeriodicAsync(Ct);
        Assert.Empty(await AlarmsAsync($"deviceId={cover.Id}"));
        Assert.Equal("silent", (await GetDeviceAsync(cover.Id)).GetProperty("state").GetString());
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        await engine.RunPeriodicAsync(Ct);
        await engine.RunPeriodicAsync(Ct);
        var alarm = await SingleAlarmAsync(cover.Id, "open");
        Assert.Equal("minor", alarm.GetProperty("severity").GetString());
        Assert.Contains("no data for 46 min", alarm.GetProperty("message").GetString(), StringComparison.Ordinal);

        await PostOkAsync(cover, """{"tilt_deg":1}""", 0);
        await SingleAlarmAsync(cover.Id, "cleared");
        Assert.Equal("active", (await GetDeviceAsync(cover.Id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task RateOfChange_RaisesOnAJump()
    {
        var meter = await RegisterAsync("energy-meter");
        await CreateRuleAsync(new { name = "功率突变", deviceType = "energy-meter", deviceIds = new[] { meter.Id }, condition = new { kind = "rateOfChange", value = "kw", maxPerMinute = 20 } });

        await PostOkAsync(meter, Batch("kw", [(-10, 5), (-9, 8)]));
        Assert.Empty(await AlarmsAsync($"deviceId={meter.Id}"));
        await PostOkAsync(meter, Batch("kw", [(-8, 60)]));

        Assert.Contains("/min", (await SingleAlarmAsync(meter.Id, "open")).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NightRule_WithAnd_RaisesForADarkLampAtNightOnly()
    {
        var lamp = await RegisterAsync("streetlight");
        await CreateRuleAsync(new
        {
            name = "夜间路灯不亮",
            deviceType = "streetlight",
            deviceIds = new[] { lamp.Id },
            schedule = new { from = "19:00", to = "06:00" },
            condition = new
            {
                kind = "all",
                conditions = new object[]
                {
                    new { kind = "threshold", value = "on", op = "lt", threshold = 0.5 },
                    new { kind = "threshold", value = "lux", op = "lt", threshold = 10 },
                },
            },
            @case = new { categoryCode = "01037" },
        });

        // 09:00 Beijing: a dark lamp by day is normal.
        var morning = App.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(8));
        var day = new DateTimeOffset(morning.Year, morning.Month, morning.Day, 9, 0, 0, morning.Offset).AddDays(-1);
        await PostAtAsync(lamp, """{"on":false,"lux":2,"current_a":0,"voltage_v":220}""", day);
        Assert.Empty(await AlarmsAsync($"deviceId={lamp.Id}"));

        await PostAtAsync(lamp, """{"on":false,"lux":2,"current_a":0,"voltage_v":220}""", day.AddHours(13));
        var alarm = await SingleAlarmAsync(lamp.Id, "open");

        // No responsibility rule for 01037 in the test district: the case stays filed for a dispatcher.
        Assert.Equal("filed", Status(await GetCaseAsync(alarm.GetProperty("caseId").GetString()!)));
    }

    [Fact]
    public async Task AnyOf_AndZScore_RaiseForAirQuality()
    {
        var air = await RegisterAsync("air-quality", 2, 2);
        await CreateRuleAsync(new
        {
            name = "污染",
            deviceType = "air-quality",
            deviceIds = new[] { air.Id },
            condition = new { kind = "any", conditions = new object[] { new { kind = "threshold", value = "pm25", threshold = 250 }, new { kind = "threshold", value = "pm10", threshold = 350 } } },
        });
        var anomaly = await CreateRuleAsync(new
        {
            name = "PM2.5 异常",
            deviceType = "air-quality",
            deviceIds = new[] { air.Id },
            severity = "warning",
            condition = new { kind = "zScore", value = "pm25", window = 30, threshold = 4, minSamples = 10 },
        });

        await PostOkAsync(air, Batch("pm25", Enumerable.Range(0, 30).Select(i => (i - 40.0, 40.0 + i % 5))));
        Assert.Empty(await AlarmsAsync($"deviceId={air.Id}"));
        await PostOkAsync(air, Batch("pm25", [(-5, 140)]));

        var zAlarm = await SingleAlarmAsync(air.Id, "open");
        Assert.Equal(anomaly, zAlarm.GetProperty("ruleId").GetString());
        await PostOkAsync(air, """{"pm25":45,"pm10":400}""", -4);
        var both = await EventuallyAsync(() => AlarmsAsync($"deviceId={air.Id}"), r => r.Length == 2 && r.Any(a => a.GetProperty("state").GetString() == "cleared"));

        // pm10 400 raises the OR rule; pm25 back to normal clears the anomaly.
        Assert.Equal(["cleared", "raised"], both.Select(a => a.GetProperty("state").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Seasonal_RaisesOnAnUnusualLevelForTheHour_AndClearsWhenTheUsualOneReturns()
    {
        var meter = await RegisterAsync("energy-meter", 1, 1);
        var rule = await CreateRuleAsync(new
        {
            name = "电表功率与往日同时段不符 " + meter.Id,
            deviceType = "energy-meter",
            deviceIds = new[] { meter.Id },
            severity = "warning",
            condition = new { kind = "seasonal", value = "kw", periodHours = 24, seasons = 3, toleranceMinutes = 30, threshold = 4, clearThreshold = 2, minSamples = 3 },
        });

        // Three days of hourly readings, 30 kW in the six hours up to now and 10 kW otherwise, ± 1 from day to day
        // (only the hours the baseline reads and the one before the rise: the device's burst allows 60 messages).
        static double Usual(int hoursAgo) => (hoursAgo % 24 < 6 ? 30 : 10) + (hoursAgo / 24) switch { 1 => -1, 2 => 1, _ => 0 };
        await PostOkAsync(meter, Batch("kw", Enumerable.Range(2, 73).Where(h => h % 24 is < 3 or 6).Select(h => (-60.0 * h, Usual(h)))));

        // The newest of them (2 h ago) jumped from 10 to 30, as on every day at that hour: no alarm.
        Assert.Empty(await AlarmsAsync($"ruleId={rule}"));

        // The night level an hour ago is unusual for the hour: raised against the same hour of the three days before.
        await PostOkAsync(meter, """{"kw":10}""", -3600);
        var alarm = await SingleAlarmAsync(meter.Id, "open");
        Assert.Equal(rule, alarm.GetProperty("ruleId").GetString());
        Assert.Equal(10, alarm.GetProperty("value").GetDouble());

        // Back to the usual level for the hour: cleared.
        await PostOkAsync(meter, """{"kw":30}""", 0);
        await EventuallyAsync(() => AlarmsAsync($"ruleId={rule}&state=cleared"), r => r.Length == 1);
    }

    [Fact]
    public async Task AreaAggregate_RaisesOneAlarmForTheCommunity()
    {
        var a = await RegisterAsync("air-quality", 0, 0);
        var b = await RegisterAsync("air-quality", 2, 2);
        var rule = await CreateRuleAsync(new
        {
            name = "社区 PM2.5 均值",
            deviceType = "air-quality",
            deviceIds = new[] { a.Id, b.Id },
            area = new { communityCode = TestDistrict.CommunityCode },
            aggregate = new { function = "avg", maxAgeMinutes = 60, minDevices = 2 },
            condition = new { kind = "threshold", value = "pm25", threshold = 100, clearThreshold = 80 },
        });

        await PostOkAsync(a, """{"pm25":150}""", -10);
        await PostOkAsync(b, """{"pm25":30}""", -9);
        Assert.Empty(await AlarmsAsync($"ruleId={rule}"));
        await PostOkAsync(b, """{"pm25":120}""", -8);

        var alarm = Assert.Single(await EventuallyAsync(() => AlarmsAsync($"ruleId={rule}&state=open&communityCode={TestDistrict.CommunityCode}"), r => r.Length == 1));
        Assert.Equal($"area:{TestDistrict.CommunityCode}", alarm.GetProperty("subjectKey").GetString());
        Assert.Equal(135, alarm.GetProperty("value").GetDouble());
        await PostOkAsync(a, """{"pm25":20}""", -7);
        await EventuallyAsync(() => AlarmsAsync($"ruleId={rule}&state=cleared"), r => r.Length == 1);
    }

    [Fact]
    public async Task Alarm_IsAcknowledged_AndClearedByHand_AndListsFilter()
    {
        var bin = await RegisterAsync("bin");
        var rule = await CreateRuleAsync(new { name = "满溢", deviceType = "bin", deviceIds = new[] { bin.Id }, condition = new { kind = "threshold", value = "fill_pct", threshold = 90 } });
        await PostOkAsync(bin, """{"fill_pct":95}""", -5);
        var id = (await SingleAlarmAsync(bin.Id, "open")).GetProperty("id").GetString()!;
        var op = await AsAsync("operator");

        var acked = await op.PostAsJsonAsync($"/api/v1/alarms/{id}/acknowledge", new { note = "已通知环卫" }, Ct);
        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);
        Assert.Equal("acknowledged", (await acked.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("state").GetString());
        Assert.Single(await AlarmsAsync($"ruleId={rule}&state=acknowledged"));
        await ProblemAsync(await op.PostAsJsonAsync($"/api/v1/alarms/{id}/acknowledge", new { }, Ct), HttpStatusCode.BadRequest);

        var cleared = await op.PostAsJsonAsync($"/api/v1/alarms/{id}/clear", new { note = "现场已清运" }, Ct);
        var body = await cleared.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal("cleared", body.GetProperty("state").GetString());
        Assert.Equal("operator", body.GetProperty("clearedBy").GetString());
        Assert.Equal(["raised", "acknowledged", "cleared"], body.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()));
        await ProblemAsync(await op.PostAsJsonAsync($"/api/v1/alarms/{id}/clear", new { }, Ct), HttpStatusCode.BadRequest);

        var from = Uri.EscapeDataString(App.Clock.GetUtcNow().AddHours(-1).ToString("O"));
        Assert.Single(await AlarmsAsync($"ruleId={rule}&state=cleared&from={from}&gridCode={App.District.GridCodes[4]}"));
        Assert.Empty(await AlarmsAsync($"ruleId={rule}&state=open"));
        Assert.Empty(await AlarmsAsync($"ruleId={rule}&to={from}"));
        var bad = await ProblemAsync(await op.GetAsync("/api/v1/alarms?state=sleeping", Ct), HttpStatusCode.BadRequest);
        Assert.Contains("state", ErrorFields(bad));
        await ProblemAsync(await op.GetAsync($"/api/v1/alarms/{Guid.NewGuid()}", Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Alarm_IsRaisedFromMqttTelemetryToo()
    {
        var cover = await RegisterAsync("manhole-cover", 0, 0, componentId: "11010101001000001");
        await CreateRuleAsync(new
        {
            name = "井盖倾斜",
            deviceType = "manhole-cover",
            deviceIds = new[] { cover.Id },
            severity = "critical",
            condition = new { kind = "any", conditions = new object[] { new { kind = "threshold", value = "tilt_deg", threshold = 15 }, new { kind = "threshold", value = "displacement_mm", threshold = 50 } } },
            @case = new { categoryCode = "01001", urgency = "emergency" },
        });
        using var client = await ConnectAsync(cover);

        var ack = await PublishAsync(client, TopicOf(cover.Id), $$$"""{"ts":"{{{Ts(-1)}}}","values":{"tilt_deg":35,"displacement_mm":120,"water_level_cm":10}}""");

        Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        var alarm = await SingleAlarmAsync(cover.Id, "open");
        Assert.Equal("critical", alarm.GetProperty("severity").GetString());
        var @case = await GetCaseAsync(alarm.GetProperty("caseId").GetString()!);

        // No responsibility rule for 01001 here: the component's owner (the device's department) takes it.
        Assert.Equal("dispatched", Status(@case));
        Assert.Equal(App.District.SanitationId.ToString(), @case.GetProperty("departmentId").GetString());
        Assert.Equal("11010101001000001", @case.GetProperty("componentId").GetString());
    }

    [Fact]
    public async Task LiveFeed_PushesReadingsAndAlarms()
    {
        var bin = await RegisterAsync("bin");
        await CreateRuleAsync(new { name = "直播满溢", deviceType = "bin", deviceIds = new[] { bin.Id }, condition = new { kind = "threshold", value = "fill_pct", threshold = 90 } });
        var client = await AsAsync("supervisor");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        using var response = await client.GetAsync("/api/v1/sensing/live?types=alarm,telemetry", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        Assert.Equal("event: ready", await reader.ReadLineAsync(timeout.Token));

        await PostOkAsync(bin, """{"fill_pct":97}""", -1);

        var events = new List<(string Event, JsonElement Data)>();
        string? type = null;
        while (!events.Any(e => e.Event == "alarm") && await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type is not null)
            {
                events.Add((type, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
            }
        }

        var reading = events.First(e => e.Event == "telemetry").Data;
        Assert.Equal(bin.Id, reading.GetProperty("deviceId").GetString());
        Assert.Equal(97, reading.GetProperty("values").GetProperty("fill_pct").GetDouble());
        var alarm = events.First(e => e.Event == "alarm").Data;
        Assert.Equal("raised", alarm.GetProperty("action").GetString());
        Assert.Equal(bin.Id, alarm.GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task Rules_AreValidated_ExportedAndImported()
    {
        var admin = await AsAsync("admin");
        var bad = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/alarm-rules", new { name = "x", deviceType = "bin", condition = new { kind = "threshold", value = "pm25", threshold = 1 }, @case = new { categoryCode = "99999" } }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("condition.value", ErrorFields(bad));
        Assert.Contains("case.categoryCode", ErrorFields(bad));
        var kind = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/alarm-rules", new { name = "x", deviceType = "bin", condition = new { kind = "teapot" } }, Ct), HttpStatusCode.BadRequest);
        Assert.StartsWith("condition", ErrorFields(kind).Single(), StringComparison.Ordinal);
        var op = await AsAsync("operator");
        await ProblemAsync(await op.PostAsJsonAsync("/api/v1/alarm-rules", new { name = "x", deviceType = "bin", condition = new { kind = "noData", minutes = 5 } }, Ct), HttpStatusCode.Forbidden);

        var id = await CreateRuleAsync(new { name = "导出测试", deviceType = "bin", deviceIds = new[] { "export-only" }, condition = new { kind = "noData", minutes = 120 } });
        var export = await op.GetFromJsonAsync<JsonElement>("/api/v1/alarm-rules/export", Ct);
        Assert.Equal("civicgrid-alarm-rules/1", export.GetProperty("format").GetString());
        var exported = export.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == id);
        Assert.Equal("noData", exported.GetProperty("definition").GetProperty("condition").GetProperty("kind").GetString());

        // Re-import the document with the rule disabled and one new rule: one update, one creation.
        var document = new
        {
            rules = new object[]
            {
                new { id, definition = new { name = "导出测试", enabled = false, deviceType = "bin", deviceIds = new[] { "export-only" }, condition = new { kind = "noData", minutes = 120 } } },
                new { definition = new { name = "导入新规则", deviceType = "bin", deviceIds = new[] { "import-only" }, condition = new { kind = "threshold", value = "fill_pct", threshold = 80 } } },
            },
        };
        var imported = await (await admin.PostAsJsonAsync("/api/v1/alarm-rules/import", document, Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(1, imported.GetProperty("created").GetInt32());
        Assert.Equal(1, imported.GetProperty("updated").GetInt32());
        var reread = await op.GetFromJsonAsync<JsonElement>($"/api/v1/alarm-rules/{id}", Ct);
        Assert.False(reread.GetProperty("definition").GetProperty("enabled").GetBoolean());
        Assert.Equal(2, reread.GetProperty("version").GetInt32());

        // All or none.
        var before = (await op.GetFromJsonAsync<JsonElement[]>("/api/v1/alarm-rules", Ct))!.Length;
        var broken = new { rules = new object[] { new { definition = new { name = "好", deviceType = "bin", condition = new { kind = "noData", minutes = 5 } } }, new { definition = new { name = "坏", deviceType = "bin", condition = new { kind = "noData", minutes = -5 } } } } };
        var refused = await ProblemAsync(await admin.PostAsJsonAsync("/api/v1/alarm-rules/import", broken, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("rules[1].definition.condition.minutes", ErrorFields(refused));
        Assert.Equal(before, (await op.GetFromJsonAsync<JsonElement[]>("/api/v1/alarm-rules", Ct))!.Length);

        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/alarm-rules/{id}") { Content = JsonContent.Create(new { name = "x", deviceType = "bin", condition = new { kind = "noData", minutes = 5 } }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        await ProblemAsync(await admin.SendAsync(stale, Ct), HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/alarm-rules/{id}", Ct)).StatusCode);
        await ProblemAsync(await op.GetAsync($"/api/v1/alarm-rules/{id}", Ct), HttpStatusCode.NotFound);
    }

    private async Task<string> CreateRuleAsync(object definition)
    {
        var admin = await AsAsync("admin");
        var response = await admin.PostAsJsonAsync("/api/v1/alarm-rules", definition, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private async Task PostOkAsync(TestDevice device, string values, double secondsFromNow)
    {
        var response = await PostTelemetryAsync(device, $$$"""{"ts":"{{{Ts(secondsFromNow)}}}","values":{{{values}}}}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task PostOkAsync(TestDevice device, string batch)
    {
        var response = await PostTelemetryAsync(device, batch);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task PostAtAsync(TestDevice device, string values, DateTimeOffset at)
    {
        var response = await PostTelemetryAsync(device, $$$"""{"ts":"{{{at.ToUniversalTime():O}}}","values":{{{values}}}}""");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>A batch of one value at minutes from now.</summary>
    private string Batch(string name, IEnumerable<(double Minutes, double Value)> points) =>
        "[" + string.Join(",", points.Select(p => $$$"""{"ts":"{{{Ts(p.Minutes * 60)}}}","values":{"{{{name}}}":{{{p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}""")) + "]";

    private async Task<JsonElement[]> AlarmsAsync(string query)
    {
        var client = await AsAsync("supervisor");
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/alarms?pageSize=500&" + query, Ct);
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    private async Task<JsonElement> GetAlarmAsync(string id)
    {
        var client = await AsAsync("supervisor");
        return await client.GetFromJsonAsync<JsonElement>($"/api/v1/alarms/{id}", Ct);
    }

    /// <summary>The device's one alarm in a state, once the rule engine (which runs after the acknowledgement) has produced it.</summary>
    private async Task<JsonElement> SingleAlarmAsync(string deviceId, string state, Func<JsonElement, bool>? until = null)
    {
        var found = await EventuallyAsync(() => AlarmsAsync($"deviceId={deviceId}&state={state}"), r => r.Length == 1 && (until is null || until(r[0])));
        return Assert.Single(found);
    }

    /// <summary>Polls until the condition holds: rules run right after the telemetry is acknowledged, on the writer's task.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var value = await read();
        // Generous: the shared test machine can be very busy. A passing test returns at once.
        for (var i = 0; i < 1200 && !done(value); i++)
        {
            await Task.Delay(25, Ct);
            value = await read();
        }

        return value;
    }
}

public sealed class AlarmTestsOnSqlite(AlarmTestsOnSqlite.SqliteAlarmApp app) : AlarmTests(app), IClassFixture<AlarmTestsOnSqlite.SqliteAlarmApp>
{
    public sealed class SqliteAlarmApp : CivicGridApp
    {
        protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    }
}

public sealed class AlarmTestsOnPostgres(AlarmTestsOnPostgres.PostgresAlarmApp app) : AlarmTests(app), IClassFixture<AlarmTestsOnPostgres.PostgresAlarmApp>
{
    public sealed class PostgresAlarmApp : CivicGridApp
    {
        protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
    }
}
