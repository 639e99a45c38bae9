using System.Text.Json;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Domain.Telemetry.Rules;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Sensing.Simulation;

/// <summary>
/// With <c>--demo</c>: once the district is seeded, registers demo sensors (manhole covers,
/// streetlights and bins on real components of the inventory, the other types on grid centres)
/// and a set of rules, then keeps them publishing over the embedded broker with occasional faults,
/// so that alarms and cases appear on their own.
/// </summary>
public sealed partial class SensingDemo(
    IServiceScopeFactory scopes,
    Readiness readiness,
    IOptions<ServerOptions> server,
    IOptions<MqttOptions> mqtt,
    AlarmRuleCache rules,
    TimeProvider clock,
    ILogger<SensingDemo> logger) : BackgroundService
{
    public const int DevicesPerType = 6;
    public static TimeSpan ReadingInterval { get; } = TimeSpan.FromSeconds(10);

    private static readonly (string Component, string Type)[] OnComponents =
        [("01001", "manhole-cover"), ("01002", "manhole-cover"), ("01037", "streetlight"), ("03005", "bin")];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!server.Value.Demo || !mqtt.Value.Enabled)
        {
            return;
        }

        try
        {
            while (!readiness.IsReady)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }

            IReadOnlyList<SimulatedDevice> fleet;
            using (var scope = scopes.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
                fleet = await ProvisionAsync(db, stoppingToken);
                await SeedRulesAsync(db, fleet, stoppingToken);
                rules.Invalidate();
            }

            var host = mqtt.Value.BindAddress == "0.0.0.0" ? "127.0.0.1" : mqtt.Value.BindAddress;
            var simulator = new DeviceSimulator(host, mqtt.Value.Port, clock);
            LogStarted(logger, fleet.Count);
            var report = await simulator.RunAsync(fleet, fleet.Count / ReadingInterval.TotalSeconds, faultProbability: 0.003, duration: null, stoppingToken);
            LogStopped(logger, report.Acknowledged);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogFailed(logger, e);
        }
    }

    /// <summary>Demo devices (re-keyed on every start, since only token hashes are kept).</summary>
    private async Task<IReadOnlyList<SimulatedDevice>> ProvisionAsync(CivicGridDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var existing = await db.Devices.Where(d => d.Id.StartsWith("demo-")).ToDictionaryAsync(d => d.Id, StringComparer.Ordinal, ct);
        var grids = await db.UnitGrids.AsNoTracking().OrderBy(g => g.Code).ToListAsync(ct);
        var fleet = new List<SimulatedDevice>();
        var random = new Random(2004);
        foreach (var type in DeviceTypes.All)
        {
            var categories = OnComponents.Where(c => c.Type == type.Code).Select(c => c.Component).ToList();
            var components = categories.Count == 0
                ? []
                : await db.Components.AsNoTracking().Where(c => categories.Contains(c.CategoryCode)).OrderBy(c => c.Id).Take(DevicesPerType).ToListAsync(ct);
            for (var i = 0; i < DevicesPerType; i++)
            {
                var id = $"demo-{type.Code}-{i + 1:D2}";
                if (existing.TryGetValue(id, out var device))
                {
                    if (device.State != DeviceState.Retired)
                    {
                        fleet.Add(new SimulatedDevice(id, device.RotateToken(now), type.Code));
                    }

                    continue;
                }

                DevicePlacement placement;
                string? componentId = null;
                Guid? department = null;
                if (i < components.Count)
                {
                    var c = components[i];
                    var g = grids.First(x => x.Code == c.GridCode);
                    placement = new DevicePlacement(c.Longitude, c.Latitude, g.Code, g.CommunityCode, g.StreetCode);
                    (componentId, department) = (c.Id, c.OwnerDepartmentId);
                }
                else
                {
                    var g = grids[random.Next(grids.Count)];
                    placement = new DevicePlacement(g.CentroidLongitude, g.CentroidLatitude, g.Code, g.CommunityCode, g.StreetCode);
                }

                var (registered, token) = Device.Register(id, type, $"{type.NameZh}（模拟）{i + 1:D2}", placement, componentId, department, now);
                db.Devices.Add(registered);
                fleet.Add(new SimulatedDevice(id, token, type.Code));
            }
        }

        await db.SaveChangesAsync(ct);
        return fleet;
    }

    /// <summary>The demo's rules, created once under fixed ids (edits by an admin are kept).</summary>
    private async Task SeedRulesAsync(CivicGridDbContext db, IReadOnlyList<SimulatedDevice> fleet, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var air = fleet.First(d => d.Type == "air-quality").Id;
        var community = await db.Devices.Where(d => d.Id == air).Select(d => d.CommunityCode).FirstAsync(ct);
        var definitions = new (string Id, string Json)[]
        {
            ("0193a000-0000-7000-8000-000000000001", """{"name":"井盖倾斜或位移（模拟）","deviceType":"manhole-cover","severity":"critical","condition":{"kind":"any","conditions":[{"kind":"threshold","value":"tilt_deg","threshold":15,"clearThreshold":5},{"kind":"threshold","value":"displacement_mm","threshold":50,"clearThreshold":10}]},"case":{"categoryCode":"01001","urgency":"emergency"}}"""),
            ("0193a000-0000-7000-8000-000000000002", """{"name":"垃圾箱满溢（模拟）","deviceType":"bin","severity":"major","condition":{"kind":"threshold","value":"fill_pct","threshold":90,"clearThreshold":70},"case":{"categoryCode":"06042","urgency":"urgent"}}"""),
            ("0193a000-0000-7000-8000-000000000003", """{"name":"路灯夜间不亮（模拟）","deviceType":"streetlight","severity":"major","schedule":{"from":"19:00","to":"06:00"},"condition":{"kind":"all","conditions":[{"kind":"threshold","value":"on","op":"lt","threshold":0.5},{"kind":"threshold","value":"lux","op":"lt","threshold":10}]},"case":{"categoryCode":"01037"}}"""),
            ("0193a000-0000-7000-8000-000000000004", """{"name":"PM2.5 持续超标（模拟）","deviceType":"air-quality","severity":"major","condition":{"kind":"threshold","value":"pm25","threshold":150,"clearThreshold":115,"forMinutes":1}}"""),
            ("0193a000-0000-7000-8000-000000000005", "{\"name\":\"社区 PM2.5 均值（模拟）\",\"deviceType\":\"air-quality\",\"severity\":\"warning\",\"area\":{\"communityCode\":\"" + community + "\"},\"aggregate\":{\"function\":\"avg\",\"maxAgeMinutes\":10},\"condition\":{\"kind\":\"threshold\",\"value\":\"pm25\",\"threshold\":115,\"clearThreshold\":75}}"),
            ("0193a000-0000-7000-8000-000000000006", """{"name":"噪声扰民（模拟）","deviceType":"noise","severity":"minor","condition":{"kind":"threshold","value":"db","threshold":70,"clearThreshold":65,"forMinutes":1},"case":{"categoryCode":"06028"}}"""),
            ("0193a000-0000-7000-8000-000000000007", """{"name":"电表功率异常（模拟）","deviceType":"energy-meter","severity":"warning","condition":{"kind":"zScore","value":"kw","window":60,"threshold":4,"clearThreshold":2}}"""),
            ("0193a000-0000-7000-8000-000000000008", """{"name":"井盖离线（模拟）","deviceType":"manhole-cover","severity":"minor","condition":{"kind":"noData","minutes":30}}"""),
            // A building that burns power at 3 a.m.: unusual for the hour, judged against the same hour of the past two weeks (idle until the history exists).
            ("0193a000-0000-7000-8000-000000000009", """{"name":"用电与往日同时段不符（模拟）","deviceType":"energy-meter","severity":"warning","condition":{"kind":"seasonal","value":"kw","periodHours":24,"seasons":14,"toleranceMinutes":90,"minSamples":20,"threshold":5,"clearThreshold":2}}"""),
        };
        foreach (var (id, json) in definitions)
        {
            var key = Guid.Parse(id);
            if (!await db.AlarmRules.AnyAsync(r => r.Id == key, ct))
            {
                db.AlarmRules.Add(AlarmRule.Create(key, RuleJson.Deserialize(JsonDocument.Parse(json).RootElement), now));
            }
        }

        await db.SaveChangesAsync(ct);
    }

    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Demo sensors: {Count} devices publishing over MQTT")]
    private static partial void LogStarted(ILogger logger, int count);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Demo sensors stopped after {Acknowledged} acknowledged messages")]
    private static partial void LogStopped(ILogger logger, long acknowledged);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Demo sensors failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
