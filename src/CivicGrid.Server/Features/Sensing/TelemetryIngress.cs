using System.Collections.Concurrent;
using System.Threading.Channels;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>An authenticated device as the ingestion sees it.</summary>
public sealed record DeviceIdentity(string Id, DeviceType Type);

/// <summary>How a submitted payload ended.</summary>
public enum IngestStatus
{
    /// <summary>Written: its valid messages stored (or recognised as duplicates), its invalid ones dead-lettered.</summary>
    Stored,

    /// <summary>Refused before queueing: the device sends faster than its limit. Nothing stored.</summary>
    RateLimited,
}

/// <summary>The outcome of one payload once it is durable.</summary>
public sealed record IngestOutcome(IngestStatus Status, int Stored, int Duplicates, IReadOnlyList<TelemetryRejection> Rejections)
{
    public static IngestOutcome Limited { get; } = new(IngestStatus.RateLimited, 0, 0, []);
}

/// <summary>A payload waiting in the queue, and the promise its publisher waits on.</summary>
public sealed record IngestItem(TelemetryBatchItem Batch, TaskCompletionSource<IngestOutcome> Done);

/// <summary>
/// The front of the ingestion: parses a payload (pure), applies the per-device rate limit, and
/// queues it in a bounded channel for <see cref="TelemetryWriter"/>. The returned task completes
/// only when the writer has committed the payload, so whoever acknowledges to the device
/// (the MQTT PUBACK, the HTTP answer) does so after the durable write.
/// </summary>
public sealed class TelemetryIngress
{
    private readonly Channel<IngestItem> _queue;
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly IOptions<TelemetryOptions> _options;
    private readonly TimeProvider _clock;
    private readonly SensingMetrics _metrics;

    public TelemetryIngress(IOptions<TelemetryOptions> options, TimeProvider clock, SensingMetrics metrics)
    {
        _options = options;
        _clock = clock;
        _metrics = metrics;
        _queue = Channel.CreateBounded<IngestItem>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public ChannelReader<IngestItem> Reader => _queue.Reader;

    /// <summary>Parses, rate-limits and queues a payload; completes when it is durable.</summary>
    public async Task<IngestOutcome> SubmitAsync(DeviceIdentity device, string channel, string? topic, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var parsed = TelemetryParser.Parse(payload.Span, device.Type, now, _options.Value.Limits);
        if (!TryTake(device.Id, Math.Max(1, parsed.Count), now))
        {
            _metrics.Rejected(channel, "rateLimited", Math.Max(1, parsed.Count));
            return IngestOutcome.Limited;
        }

        return await EnqueueAsync(new TelemetryBatchItem(device.Id, channel, topic, now, parsed.Accepted, parsed.Rejected), ct);
    }

    /// <summary>Dead-letters a whole payload for a reason found outside the parser (a topic the device may not use, a device the registry does not know).</summary>
    public Task<IngestOutcome> DeadLetterAsync(string deviceId, string channel, string? topic, TelemetryRejectionReason reason, string message, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (!TryTake(deviceId, 1, now))
        {
            _metrics.Rejected(channel, "rateLimited");
            return Task.FromResult(IngestOutcome.Limited);
        }

        var text = System.Text.Encoding.UTF8.GetString(payload.Span[..Math.Min(payload.Length, 4000)]);
        var rejection = new TelemetryRejection(null, "topic", reason, message, text);
        return EnqueueAsync(new TelemetryBatchItem(deviceId, channel, topic, now, [], [rejection]), ct);
    }

    private async Task<IngestOutcome> EnqueueAsync(TelemetryBatchItem batch, CancellationToken ct)
    {
        var item = new IngestItem(batch, new TaskCompletionSource<IngestOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(item, ct);
        return await item.Done.Task.WaitAsync(ct);
    }

    private bool TryTake(string deviceId, int count, DateTimeOffset now)
    {
        var options = _options.Value;
        var bucket = _buckets.GetOrAdd(deviceId, _ => new TokenBucket(options.MaxMessagesPerSecond, options.Burst, now));
        lock (bucket)
        {
            return bucket.TryTake(count, now);
        }
    }
}
