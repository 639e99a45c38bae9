using System.Collections.Concurrent;
using System.Threading.Channels;

namespace CivicGrid.Server.Features.Platform;

/// <summary>An event that left the outbox: its position, type (e.g. <c>CaseTransitioned</c>) and JSON payload.</summary>
public sealed record LiveEvent(long Position, string Type, string Payload, DateTimeOffset At);

/// <summary>
/// Fans outbox events out to the clients connected to this node (the console's live map).
/// Each subscriber has a small bounded buffer; a client too slow to keep up loses the oldest
/// events rather than slowing everyone else down (it can reload the list).
/// </summary>
public sealed class LiveEvents
{
    private readonly ConcurrentDictionary<Guid, Channel<LiveEvent>> _subscribers = new();

    public int SubscriberCount => _subscribers.Count;

    /// <summary>Registers a subscriber at once; dispose the subscription to leave.</summary>
    public Subscription Subscribe()
    {
        var id = Guid.NewGuid();
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _subscribers[id] = channel;
        return new Subscription(channel.Reader, () => _subscribers.TryRemove(id, out _));
    }

    public void Publish(LiveEvent e)
    {
        foreach (var channel in _subscribers.Values)
        {
            channel.Writer.TryWrite(e);
        }
    }

    /// <summary>One client's view of the feed.</summary>
    public sealed class Subscription(ChannelReader<LiveEvent> reader, Action leave) : IDisposable
    {
        public ChannelReader<LiveEvent> Reader => reader;

        public void Dispose() => leave();
    }
}
