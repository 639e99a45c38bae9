namespace CivicGrid.Domain.Telemetry;

/// <summary>
/// A token bucket: holds up to <see cref="Capacity"/> tokens and refills <see cref="RatePerSecond"/>
/// per second. A message takes one token; without one it is refused. Time is passed in, so it is
/// deterministic under a fake clock. Not thread-safe: callers lock around it.
/// </summary>
public sealed class TokenBucket(double ratePerSecond, double capacity, DateTimeOffset now)
{
    private double _tokens = capacity;
    private DateTimeOffset _updated = now;

    public double RatePerSecond { get; } = ratePerSecond;

    public double Capacity { get; } = capacity;

    /// <summary>When the bucket was last used (for eviction of idle buckets).</summary>
    public DateTimeOffset LastUsed => _updated;

    /// <summary>Takes <paramref name="count"/> tokens if there are that many; otherwise takes none and returns false.</summary>
    public bool TryTake(int count, DateTimeOffset now)
    {
        if (now > _updated)
        {
            _tokens = Math.Min(Capacity, _tokens + (now - _updated).TotalSeconds * RatePerSecond);
            _updated = now;
        }

        if (_tokens + 1e-9 < count)
        {
            return false;
        }

        _tokens -= count;
        return true;
    }
}
