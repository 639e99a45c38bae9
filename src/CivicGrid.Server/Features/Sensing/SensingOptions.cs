using CivicGrid.Domain.Telemetry;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>Telemetry ingestion settings (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>How many messages the ingestion queue holds before publishers wait (back pressure).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>The most queued payloads written in one transaction.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Messages per second one device may send on average.</summary>
    public double MaxMessagesPerSecond { get; set; } = 5;

    /// <summary>Messages one device may send in a burst above the average.</summary>
    public int Burst { get; set; } = 60;

    /// <summary>How far in the future a timestamp may lie (device clock drift).</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How old a reading may be when it arrives (buffered uploads).</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The most messages one payload (a JSON array) may hold.</summary>
    public int MaxBatchMessages { get; set; } = 1000;

    /// <summary>The largest HTTP telemetry body.</summary>
    public int MaxPayloadBytes { get; set; } = 1 << 20;

    /// <summary>An active device that sends nothing for this long becomes silent.</summary>
    public TimeSpan SilentAfter { get; set; } = TimeSpan.FromMinutes(30);

    public TelemetryLimits Limits => new(MaxFutureSkew, MaxAge, MaxBatchMessages);

    /// <summary>How long each resolution of the time series is kept (section <c>Telemetry:Retention</c>).</summary>
    public TelemetryRetentionOptions Retention { get; set; } = new();
}

/// <summary>
/// Retention per resolution. Raw readings older than <see cref="Raw"/> are rolled up into minute
/// and hour buckets and deleted, hour by hour; minute and hour buckets are deleted after their own
/// period. <see cref="Raw"/> is at least <see cref="TelemetryOptions.MaxAge"/>, so no accepted
/// reading can land in an hour that was already compacted.
/// </summary>
public sealed class TelemetryRetentionOptions
{
    /// <summary>Run the retention job on this node (every node may run it; the passes are idempotent).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long raw readings are kept.</summary>
    public TimeSpan Raw { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long minute roll-ups are kept.</summary>
    public TimeSpan Minute { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long hour roll-ups are kept.</summary>
    public TimeSpan Hour { get; set; } = TimeSpan.FromDays(730);

    /// <summary>How often the job runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    public Infrastructure.Telemetry.RetentionPolicy Policy => new(Raw, Minute, Hour);
}

/// <summary>The embedded MQTT broker (section <c>Mqtt</c>).</summary>
public sealed class MqttOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>Run the embedded broker.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The TCP port (1883, the MQTT default).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>The IPv4 address to listen on; 0.0.0.0 for every interface.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>How long a publisher waits for its message to be durably stored before the broker gives up and drops the connection (the device then resends).</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
