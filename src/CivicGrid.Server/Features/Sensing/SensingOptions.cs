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

    /// <summary>The daily partitions of the raw readings on PostgreSQL (section <c>Telemetry:Partitions</c>).</summary>
    public TelemetryPartitionOptions Partitions { get; set; } = new();
}

/// <summary>
/// Daily partitions of <c>telemetry_readings</c> on PostgreSQL: every hour the job makes sure that
/// yesterday, today and the next <see cref="DaysAhead"/> days have one. Readings of a day without a
/// partition (old buffered uploads) land in the default partition. Nothing happens on SQLite.
/// </summary>
public sealed class TelemetryPartitionOptions
{
    /// <summary>Run the partition job on this node (every node may run it; the changes are serialised by a lock).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many days after today get their partition ahead of time.</summary>
    public int DaysAhead { get; set; } = 2;
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

    /// <summary>Take MQTT telemetry at all (from the embedded broker or the external one).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>embedded</c>: run the broker in the server (devices connect to it); <c>external</c>: subscribe to the city's broker instead (<see cref="External"/>).</summary>
    public MqttMode Mode { get; set; } = MqttMode.Embedded;

    /// <summary>The external broker, used when <see cref="Mode"/> is <c>external</c>.</summary>
    public ExternalMqttOptions External { get; set; } = new();

    /// <summary>The TCP port (1883, the MQTT default).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>The IPv4 address to listen on; 0.0.0.0 for every interface.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>How long a publisher waits for its message to be durably stored before the broker gives up and drops the connection (the device then resends).</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Where MQTT telemetry comes from.</summary>
public enum MqttMode
{
    /// <summary>The embedded MQTTnet broker: devices connect to the server.</summary>
    Embedded,

    /// <summary>An external broker (Mosquitto, EMQX, …) that authenticates the devices; the server subscribes to it.</summary>
    External,
}

/// <summary>
/// The external broker (section <c>Mqtt:External</c>). That broker authenticates devices and must
/// allow each one to publish only to its own topic (in Mosquitto: <c>pattern write
/// civicgrid/v1/devices/%u/telemetry</c>); the server takes the device id from the topic.
/// </summary>
public sealed class ExternalMqttOptions
{
    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 1883;

    /// <summary>The server's own account on the broker (none for an anonymous broker).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The client id; stable across restarts, so the broker keeps the session (and the QoS 1 messages sent meanwhile). Unique per node.</summary>
    public string ClientId { get; set; } = "civicgrid-" + Environment.MachineName;

    /// <summary>The subscription; the second-last level is the device id.</summary>
    public string TopicFilter { get; set; } = "civicgrid/v1/devices/+/telemetry";

    /// <summary>When set, subscribe as <c>$share/{group}/{filter}</c> so that several server nodes split the messages; empty: a plain subscription.</summary>
    public string? SharedGroup { get; set; }

    /// <summary>How many unacknowledged QoS 1 messages the broker may send at once (MQTT 5 receive maximum).</summary>
    public int ReceiveMaximum { get; set; } = 1000;

    /// <summary>How long the broker keeps the session (and queues messages) while the server is away.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The wait between connection attempts.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The subscription filter as sent to the broker.</summary>
    public string Subscription => string.IsNullOrEmpty(SharedGroup) ? TopicFilter : $"$share/{SharedGroup}/{TopicFilter}";
}
