using System.Diagnostics.Metrics;
using CivicGrid.Server.Features.Platform;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>Counters of the sensing pipeline (meter <c>CivicGrid</c>, exported at /metrics).</summary>
public sealed class SensingMetrics
{
    private readonly Counter<long> _messages;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _connections;
    private readonly Counter<long> _alarms;
    private readonly Histogram<long> _batchSize;

    public SensingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(PlatformFeature.MeterName);
        _messages = meter.CreateCounter<long>("civicgrid.telemetry.messages", "{message}", "Telemetry messages by channel and outcome (stored, duplicate, deadLettered).");
        _rejections = meter.CreateCounter<long>("civicgrid.telemetry.rejections", "{message}", "Telemetry refused or dead-lettered, by channel and reason.");
        _connections = meter.CreateCounter<long>("civicgrid.mqtt.connections", "{connection}", "MQTT connection attempts by result.");
        _alarms = meter.CreateCounter<long>("civicgrid.alarms", "{alarm}", "Alarm changes by action (raised, cleared, acknowledged).");
        _batchSize = meter.CreateHistogram<long>("civicgrid.telemetry.batch_size", "{payload}", "Payloads written per transaction.");
    }

    public void Messages(string channel, string outcome, long count)
    {
        if (count > 0)
        {
            _messages.Add(count, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void Rejected(string channel, string reason, long count = 1)
    {
        if (count > 0)
        {
            _rejections.Add(count, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("reason", reason));
        }
    }

    public void Connection(string result) => _connections.Add(1, new KeyValuePair<string, object?>("result", result));

    public void Alarm(string action) => _alarms.Add(1, new KeyValuePair<string, object?>("action", action));

    public void Batch(int payloads) => _batchSize.Record(payloads);
}
