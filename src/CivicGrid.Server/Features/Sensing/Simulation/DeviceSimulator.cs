using System.Globalization;
using System.Text;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace CivicGrid.Server.Features.Sensing.Simulation;

/// <summary>A device the simulator drives, with its token.</summary>
public sealed record SimulatedDevice(string Id, string Token, string Type);

/// <summary>What a simulation run did.</summary>
public sealed record SimulationReport(long Published, long Acknowledged, long Refused, long Failed, int Connected, TimeSpan Elapsed);

/// <summary>
/// Drives devices over MQTT: one connection per device, QoS 1, a total rate spread round-robin,
/// values from <see cref="TelemetryGenerator"/> with injected faults. Used by
/// <c>civicgrid simulate devices</c> and by the demo.
/// </summary>
public sealed class DeviceSimulator(string host, int port, TimeProvider clock, int seed = 2004)
{
    private readonly TelemetryGenerator _generator = new(seed);

    /// <summary>The generator (to inject faults by hand).</summary>
    public TelemetryGenerator Generator => _generator;

    /// <summary>Registers (or re-keys) <paramref name="count"/> simulated devices spread over the district's grids; returns them with fresh tokens.</summary>
    public static async Task<IReadOnlyList<SimulatedDevice>> ProvisionAsync(CivicGridDbContext db, int count, string prefix, DateTimeOffset now, CancellationToken ct)
    {
        var grids = await db.UnitGrids.AsNoTracking().OrderBy(g => g.Code)
            .Select(g => new { g.Code, g.CommunityCode, g.StreetCode, g.CentroidLongitude, g.CentroidLatitude }).ToListAsync(ct);
        if (grids.Count == 0)
        {
            throw new InvalidOperationException("The district has no unit grids: seed one first (civicgrid seed --demo).");
        }

        var random = new Random(count);
        var result = new List<SimulatedDevice>(count);
        var existing = await db.Devices.Where(d => d.Id.StartsWith(prefix)).ToDictionaryAsync(d => d.Id, StringComparer.Ordinal, ct);
        for (var i = 0; i < count; i++)
        {
            var type = DeviceTypes.All[i % DeviceTypes.All.Count];
            var id = string.Create(CultureInfo.InvariantCulture, $"{prefix}{type.Code}-{i:D5}");
            if (existing.TryGetValue(id, out var device) && device.State != DeviceState.Retired)
            {
                result.Add(new SimulatedDevice(id, device.RotateToken(now), type.Code));
                continue;
            }

            if (device is not null)
            {
                continue;
            }

            var g = grids[random.Next(grids.Count)];
            var (registered, token) = Device.Register(id, type, $"模拟{type.NameZh} {i:D5}",
                new DevicePlacement(g.CentroidLongitude, g.CentroidLatitude, g.Code, g.CommunityCode, g.StreetCode), null, null, now);
            db.Devices.Add(registered);
            result.Add(new SimulatedDevice(id, token, type.Code));
        }

        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>Publishes at <paramref name="ratePerSecond"/> messages per second in total until <paramref name="ct"/> or <paramref name="duration"/> ends.</summary>
    public async Task<SimulationReport> RunAsync(IReadOnlyList<SimulatedDevice> devices, double ratePerSecond, double faultProbability, TimeSpan? duration, CancellationToken ct)
    {
        var factory = new MqttClientFactory();
        var clients = new List<(SimulatedDevice Device, IMqttClient Client)>();
        long published = 0, acknowledged = 0, refused = 0, failed = 0;
        var started = clock.GetTimestamp();
        try
        {
            foreach (var d in devices)
            {
                var client = factory.CreateMqttClient();
                var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
                    .WithTcpServer(host, port).WithClientId(d.Id).WithCredentials(d.Id, d.Token)
                    .WithProtocolVersion(MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(15)).Build(), ct);
                if (result.ResultCode == MqttClientConnectResultCode.Success)
                {
                    clients.Add((d, client));
                }
                else
                {
                    client.Dispose();
                    failed++;
                }
            }

            if (clients.Count == 0)
            {
                return new SimulationReport(0, 0, 0, failed, 0, clock.GetElapsedTime(started));
            }

            var tick = TimeSpan.FromMilliseconds(100);
            var perTick = ratePerSecond * tick.TotalSeconds;
            var carry = 0.0;
            var next = 0;
            using var timer = new PeriodicTimer(tick, clock);
            while (!ct.IsCancellationRequested && (duration is null || clock.GetElapsedTime(started) < duration))
            {
                carry += perTick;
                var n = (int)Math.Min(carry, clients.Count);
                carry -= n;
                var batch = new List<Task>(n);
                var now = clock.GetUtcNow();
                for (var i = 0; i < n; i++)
                {
                    var (device, client) = clients[next++ % clients.Count];
                    var payload = _generator.Next(device.Id, device.Type, now, faultProbability);
                    Interlocked.Increment(ref published);
                    batch.Add(PublishAsync(client, device.Id, payload, ct).ContinueWith(t =>
                    {
                        if (t.IsCompletedSuccessfully && t.Result == MqttClientPublishReasonCode.Success)
                        {
                            Interlocked.Increment(ref acknowledged);
                        }
                        else if (t.IsCompletedSuccessfully)
                        {
                            Interlocked.Increment(ref refused);
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
                }

                await Task.WhenAll(batch);
                if (!await timer.WaitForNextTickAsync(ct))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var (_, client) in clients)
            {
                try
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or OperationCanceledException)
                {
                    // Already gone.
                }

                client.Dispose();
            }
        }

        return new SimulationReport(published, acknowledged, refused, failed, clients.Count, clock.GetElapsedTime(started));
    }

    private static async Task<MqttClientPublishReasonCode> PublishAsync(IMqttClient client, string id, string payload, CancellationToken ct)
    {
        var result = await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(DeviceRegistry.TopicOf(id))
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), ct);
        return result.ReasonCode;
    }
}
