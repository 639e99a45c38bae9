using CivicGrid.Server.Features.Sensing;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>The shared acknowledgement deadline: one token for the messages of the same second, cancelled after the timeout.</summary>
public sealed class AckDeadlineTests
{
    [Fact]
    public void MessagesArrivingTogether_ShareOneToken()
    {
        var deadline = new AckDeadline(TimeSpan.FromHours(1), CancellationToken.None);

        var tokens = Enumerable.Range(0, 10_000).Select(_ => deadline.Token).Distinct().Count();

        // One per second the loop spans, not one per message.
        Assert.InRange(tokens, 1, 100);
        Assert.False(deadline.Token.IsCancellationRequested);
    }

    [Fact]
    public void Token_IsCancelledOnceTheTimeoutHasPassed()
    {
        var deadline = new AckDeadline(TimeSpan.FromMilliseconds(50), CancellationToken.None);

        var token = deadline.Token;

        Assert.True(token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "the deadline never fired");
        Assert.True(token.IsCancellationRequested);
    }

    [Fact]
    public void Stopping_CancelsTheTokensHandedOut()
    {
        using var stopping = new CancellationTokenSource();
        var deadline = new AckDeadline(TimeSpan.FromHours(1), stopping.Token);
        var token = deadline.Token;
        Assert.False(token.IsCancellationRequested);

        stopping.Cancel();

        Assert.True(token.IsCancellationRequested);
    }
}
