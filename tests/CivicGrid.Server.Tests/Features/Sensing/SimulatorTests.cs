using System.Text.Json;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Sensing.Simulation;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>The generator's values fit the schemas and its faults are what the demo rules catch.</summary>
public sealed class TelemetryGeneratorTests
{
    private static readonly DateTimeOffset Night = new(2026, 3, 2, 14, 0, 0, TimeSpan.Zero); // 22:00 Beijing

    [Fact]
    public void EveryType_GivesValidPayloads_DayAndNight()
    {
        var generator = new TelemetryGenerator(7);
        foreach (var type in DeviceTypes.All)
        {
            for (var i = 0; i < 200; i++)
            {
                var at = Night.AddMinutes(i * 7);
                var result = TelemetryParser.Parse(generator.Next("d-" + type.Code, type.Code, at, faultProbability: 0.05), type, at, TelemetryLimits.Default);
                Assert.True(result.Rejected.Count == 0, $"{type.Code}: {string.Join("; ", result.Rejected.Select(r => r.Message))}");
                Assert.Equal(type.Fields.Count, result.Accepted.Single().Values.Count);
            }
        }
    }

    [Theory]
    [InlineData("manhole-cover", SimulatedFault.CoverOpened, "tilt_deg", 15, true)]
    [InlineData("bin", SimulatedFault.BinOverflow, "fill_pct", 99.9, true)]
    [InlineData("streetlight", SimulatedFault.LampFailure, "on", 0.5, false)]
    [InlineData("air-quality", SimulatedFault.PollutionEpisode, "pm25", 150, true)]
    [InlineData("energy-meter", SimulatedFault.MeterLeak, "kw", 30, true)]
    [InlineData("noise", SimulatedFault.NoiseNuisance, "db", 70, true)]
    public void InjectedFaults_CrossTheDemoThresholds(string type, SimulatedFault fault, string value, double threshold, bool above)
    {
        var generator = new TelemetryGenerator(11);
        generator.Inject("x", fault, 30);
        double last = 0;
        for (var i = 0; i < 20; i++)
        {
            var json = JsonDocument.Parse(generator.Next("x", type, Night.AddMinutes(i))).RootElement.GetProperty("values").GetProperty(value);
            last = json.ValueKind switch { JsonValueKind.True => 1, JsonValueKind.False => 0, _ => json.GetDouble() };
        }

        Assert.True(above ? last > threshold : last < threshold, $"{value} = {last}");
    }
}

/// <summary><c>civicgrid simulate devices</c>: provisioning and publishing over the embedded broker.</summary>
[Collection(SqliteCollection.Name)]
public sealed class DeviceSimulatorTests(SqliteApp app) : SensingTest(app)
{
    /// <summary>Instants from the app's fake clock (so timestamps are valid there), timers from the real one.</summary>
    private sealed class AppClock(FakeTimeProvider fake) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();
    }

    [Fact]
    public async Task Simulator_ProvisionsEveryType_AndPublishesOverMqtt()
    {
        var prefix = "sim" + Guid.NewGuid().ToString("N")[..6] + "-";
        IReadOnlyList<SimulatedDevice> fleet;
        await using (var scope = App.Services.CreateAsyncScope())
        {
            fleet = await DeviceSimulator.ProvisionAsync(scope.ServiceProvider.GetRequiredService<CivicGridDbContext>(), 16, prefix, App.Clock.GetUtcNow(), Ct);
        }

        var simulator = new DeviceSimulator("127.0.0.1", App.MqttPort, new AppClock(App.Clock));
        var report = await simulator.RunAsync(fleet, ratePerSecond: 40, faultProbability: 0, duration: TimeSpan.FromSeconds(1.5), Ct);

        Assert.Equal(16, report.Connected);
        Assert.True(report.Acknowledged >= 16, $"{report.Acknowledged} acknowledged");
        Assert.Equal(0, report.Refused + report.Failed);
        Assert.Equal(DeviceTypes.All.Select(t => t.Code).Order(StringComparer.Ordinal), fleet.Select(d => d.Type).Distinct().Order(StringComparer.Ordinal));
        await using var check = App.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var ids = fleet.Select(d => d.Id).ToList();
        Assert.Equal(16, await db.TelemetryReadings.Where(r => ids.Contains(r.DeviceId)).Select(r => r.DeviceId).Distinct().CountAsync(Ct));

        // A second run re-keys the same devices instead of adding new ones.
        await using var again = App.Services.CreateAsyncScope();
        var rekeyed = await DeviceSimulator.ProvisionAsync(again.ServiceProvider.GetRequiredService<CivicGridDbContext>(), 16, prefix, App.Clock.GetUtcNow(), Ct);
        Assert.Equal(ids, rekeyed.Select(d => d.Id));
        Assert.NotEqual(fleet[0].Token, rekeyed[0].Token);
    }
}
