namespace CivicGrid.E2E.Tests.Infrastructure;

/// <summary>
/// The real clock, shifted by an offset: the fixture moves it into the past while it seeds cases
/// (so their lights are green, yellow or red as in a living district) and back to now for the tests.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + Offset;
}
