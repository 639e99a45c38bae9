namespace CivicGrid.Infrastructure.Persistence;

/// <summary>
/// One raw value of a device at an instant (table <c>telemetry_readings</c>). The key
/// (device, name, ts) is also the query index, and it drops retransmitted messages: a QoS 1
/// duplicate carries the same timestamp and is ignored on insert.
/// </summary>
public sealed class TelemetryReadingRecord
{
    public required string DeviceId { get; init; }

    public required string Name { get; init; }

    public required DateTimeOffset Ts { get; init; }

    public required double Value { get; init; }

    /// <summary>The JSON token for values that are not numbers (<c>true</c>/<c>false</c>); null for numbers.</summary>
    public string? Raw { get; init; }
}

/// <summary>A telemetry message that was refused, kept with the reason (table <c>telemetry_dead_letters</c>).</summary>
public sealed class TelemetryDeadLetterRecord
{
    public long Id { get; init; }

    /// <summary>The authenticated device that sent it.</summary>
    public required string DeviceId { get; init; }

    /// <summary><c>mqtt</c> or <c>http</c>.</summary>
    public required string Channel { get; init; }

    /// <summary>The MQTT topic it was published to (for MQTT).</summary>
    public string? Topic { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The reason code (camelCase name of the rejection reason).</summary>
    public required string Reason { get; init; }

    /// <summary>The field at fault, e.g. <c>values.tilt_deg</c> or <c>[3].ts</c>.</summary>
    public required string Field { get; init; }

    public required string Message { get; init; }

    /// <summary>The refused message (or the start of the payload when it is not JSON).</summary>
    public required string Payload { get; init; }
}

/// <summary>
/// A stored roll-up of one device's value over a minute or an hour (table <c>telemetry_rollups</c>),
/// written by the retention job just before the raw readings of that period are deleted, so that
/// minute and hour series outlive the raw ones. The sum (not the mean) is kept so that buckets of
/// several devices combine exactly.
/// </summary>
public sealed class TelemetryRollupRecord
{
    /// <summary>Bucket length of a minute roll-up, in seconds.</summary>
    public const int Minute = 60;

    /// <summary>Bucket length of an hour roll-up, in seconds.</summary>
    public const int Hour = 3600;

    public required string DeviceId { get; init; }

    public required string Name { get; init; }

    /// <summary>The bucket length in seconds: <see cref="Minute"/> or <see cref="Hour"/>.</summary>
    public required int BucketSeconds { get; init; }

    /// <summary>The bucket's start (UTC, aligned to the bucket length).</summary>
    public required DateTimeOffset BucketStart { get; init; }

    public required double Min { get; init; }

    public required double Max { get; init; }

    public required double Sum { get; init; }

    public required long Count { get; init; }
}
