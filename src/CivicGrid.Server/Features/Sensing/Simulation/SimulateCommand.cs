using System.CommandLine;
using System.Globalization;
using CivicGrid.Infrastructure.Persistence;

namespace CivicGrid.Server.Features.Sensing.Simulation;

/// <summary><c>civicgrid simulate devices --count N --rate R</c>: simulated sensors publishing over MQTT.</summary>
public static class SimulateCommand
{
    public static Command Build(Option<string?> dataDir, Func<string?, bool, Func<IServiceProvider, Task<int>>, Task<int>> withServices)
    {
        var count = new Option<int>("--count") { Description = "How many devices (spread over the eight types).", DefaultValueFactory = _ => 100 };
        var rate = new Option<double>("--rate") { Description = "Messages per second, all devices together.", DefaultValueFactory = _ => 50 };
        var duration = new Option<double>("--duration") { Description = "Seconds to run; 0 runs until Ctrl+C.", DefaultValueFactory = _ => 0 };
        var mqtt = new Option<string>("--mqtt") { Description = "The broker, host:port (the server's embedded broker by default).", DefaultValueFactory = _ => "127.0.0.1:1883" };
        var faults = new Option<double>("--faults") { Description = "Chance per reading that a device starts a fault (cover opened, bin overflow, lamp failure, pollution, meter leak, noise).", DefaultValueFactory = _ => 0.002 };
        var devices = new Command("devices", "Register simulated devices (sim-<type>-<n>, re-keyed on every run) in the district and publish realistic telemetry over MQTT.")
        {
            dataDir, count, rate, duration, mqtt, faults,
        };
        devices.SetAction(async (p, ct) =>
        {
            var n = p.GetValue(count);
            var r = p.GetValue(rate);
            var broker = p.GetValue(mqtt)!;
            var colon = broker.LastIndexOf(':');
            if (n is < 1 or > 100_000 || r <= 0 || colon < 1 || !int.TryParse(broker[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                await Console.Error.WriteLineAsync("civicgrid: --count is 1…100000, --rate is positive, --mqtt is host:port");
                return 1;
            }

            IReadOnlyList<SimulatedDevice> fleet = [];
            var provisioned = await withServices(p.GetValue(dataDir), false, async sp =>
            {
                var db = sp.GetRequiredService<CivicGridDbContext>();
                fleet = await DeviceSimulator.ProvisionAsync(db, n, "sim-", TimeProvider.System.GetUtcNow(), ct);
                return 0;
            });
            if (provisioned != 0)
            {
                return provisioned;
            }

            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Simulating {fleet.Count} devices at {r} msg/s over mqtt://{broker} (Ctrl+C stops)."));
            var simulator = new DeviceSimulator(broker[..colon], port, TimeProvider.System);
            var seconds = p.GetValue(duration);
            var report = await simulator.RunAsync(fleet, r, p.GetValue(faults), seconds > 0 ? TimeSpan.FromSeconds(seconds) : null, ct);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Connected {report.Connected}, published {report.Published}, acknowledged {report.Acknowledged}, refused {report.Refused}, failed {report.Failed} in {report.Elapsed.TotalSeconds:F1} s ({report.Acknowledged / Math.Max(0.001, report.Elapsed.TotalSeconds):F0} msg/s)."));
            return report.Connected == 0 ? 1 : 0;
        });
        return new Command("simulate", "Simulations for demos and load.") { devices };
    }
}
