using CivicGrid.Domain.Telemetry;

namespace CivicGrid.Domain.Tests.Telemetry;

/// <summary>The per-device rate limit, on explicit instants.</summary>
public sealed class TokenBucketTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Burst_IsAllowed_ThenRefused_ThenRefilledWithTime()
    {
        var bucket = new TokenBucket(ratePerSecond: 2, capacity: 5, T0);

        Assert.True(bucket.TryTake(5, T0));
        Assert.False(bucket.TryTake(1, T0));
        Assert.False(bucket.TryTake(1, T0.AddMilliseconds(400)));
        Assert.True(bucket.TryTake(1, T0.AddMilliseconds(500)));
        Assert.True(bucket.TryTake(5, T0.AddSeconds(60)));
        Assert.False(bucket.TryTake(1, T0.AddSeconds(60)));
    }

    [Fact]
    public void ARefusedBatch_TakesNothing()
    {
        var bucket = new TokenBucket(1, 3, T0);

        Assert.False(bucket.TryTake(4, T0));
        Assert.True(bucket.TryTake(3, T0));
    }

    [Fact]
    public void ClockGoingBackwards_DoesNotRefill()
    {
        var bucket = new TokenBucket(1, 2, T0);
        Assert.True(bucket.TryTake(2, T0));

        Assert.False(bucket.TryTake(1, T0.AddSeconds(-30)));
    }
}
