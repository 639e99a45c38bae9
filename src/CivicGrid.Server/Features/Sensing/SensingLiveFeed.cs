using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Domain.Telemetry.Rules;
using CivicGrid.Server.Features.Security;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>An alarm change on the live feed.</summary>
public sealed record AlarmEventDto(Guid Id, string Action, AlarmState State, Guid RuleId, string RuleName, string SubjectKey, string? DeviceId, AlarmSeverity Severity, double? Value, string Message, string? GridCode, string CommunityCode, string? CaseNumber, DateTimeOffset At);

/// <summary>New readings of a device on the live feed.</summary>
public sealed record TelemetryEventDto(string DeviceId, DateTimeOffset Ts, IReadOnlyDictionary<string, double> Values);

/// <summary>
/// Pushes alarm changes and new readings to subscribed clients (Server-Sent Events at
/// <c>GET /api/v1/sensing/live</c>) for the console's map. Each subscriber has a bounded queue
/// that drops its oldest events when the client is slow, so no client can hold up ingestion.
/// Events are sent after the change is committed; alarm changes are also in the outbox.
/// </summary>
public sealed class SensingLiveFeed
{
    private const int QueueCapacity = 1000;
    private readonly ConcurrentDictionary<Guid, (Channel<SseItem<object>> Channel, IReadOnlySet<string>? Types)> _subscribers = new();

    public int SubscriberCount => _subscribers.Count;

    public void Alarm(Alarm alarm, string action, DateTimeOffset at) =>
        Publish("alarm", new AlarmEventDto(alarm.Id, action, alarm.State, alarm.RuleId, alarm.RuleName, alarm.SubjectKey, alarm.DeviceId, alarm.Severity, alarm.Value, alarm.Message, alarm.GridCode, alarm.CommunityCode, alarm.CaseNumber, at));

    public void Telemetry(string deviceId, TelemetryMessage message) =>
        Publish("telemetry", new TelemetryEventDto(deviceId, message.Timestamp, message.Values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal)));

    private int _telemetrySubscribers;

    /// <summary>Whether anyone wants readings (the writer skips building them otherwise). A counter: the writer asks once per batch.</summary>
    public bool HasTelemetrySubscribers => Volatile.Read(ref _telemetrySubscribers) > 0;

    private void Publish(string type, object data)
    {
        foreach (var (channel, types) in _subscribers.Values)
        {
            if (types is null || types.Contains(type))
            {
                channel.Writer.TryWrite(new SseItem<object>(data, type));
            }
        }
    }

    /// <summary>The events from now on until the client goes away.</summary>
    public async IAsyncEnumerable<SseItem<object>> SubscribeAsync(IReadOnlySet<string>? types, [EnumeratorCancellation] CancellationToken ct)
    {
        var id = Guid.NewGuid();
        var channel = Channel.CreateBounded<SseItem<object>>(new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var wantsReadings = types is null || types.Contains("telemetry");
        _subscribers[id] = (channel, types);
        if (wantsReadings)
        {
            Interlocked.Increment(ref _telemetrySubscribers);
        }

        try
        {
            // A first event tells the client the subscription is live.
            yield return new SseItem<object>(new { subscribed = true }, "ready");
            await foreach (var item in channel.Reader.ReadAllAsync(ct))
            {
                yield return item;
            }
        }
        finally
        {
            _subscribers.TryRemove(id, out _);
            if (wantsReadings)
            {
                Interlocked.Decrement(ref _telemetrySubscribers);
            }
        }
    }

    public static IEndpointRouteBuilder MapLiveFeed(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/sensing/live", (string? types, SensingLiveFeed feed, CancellationToken ct) =>
        {
            var wanted = string.IsNullOrWhiteSpace(types)
                ? null
                : types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
            return TypedResults.ServerSentEvents(feed.SubscribeAsync(wanted, ct));
        })
        .RequirePermission(Permission.EventsRead).WithTags("Alarms").WithName("SensingLiveFeed")
        .WithSummary("Server-Sent Events: alarm changes (event: alarm) and new readings (event: telemetry) as they are committed; filter with types=alarm,telemetry.");
        return app;
    }
}
