namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// The "stop waiting for the commit" signal of MQTT messages: a token that is cancelled between
/// <c>timeout</c> and <c>timeout</c> + 1 s after the message arrived. Every message of the same
/// second shares one token, so the broker creates one timer per second instead of one timer and one
/// linked token source per message (at ten thousand messages a second those were a measurable part
/// of the server's CPU: docs/benchmarks.md, sensing ingestion). Every token is also cancelled when
/// <paramref name="stopping"/> is (the server shutting down), so no publish waits out its timeout
/// then: it gets no acknowledgement and the device resends.
/// </summary>
public sealed class AckDeadline(TimeSpan timeout, CancellationToken stopping)
{
    private readonly Lock _gate = new();
    private long _second = long.MinValue;
    private CancellationToken _token;

    /// <summary>The token for a message arriving now.</summary>
    public CancellationToken Token
    {
        get
        {
            var second = Environment.TickCount64 / 1000;
            lock (_gate)
            {
                if (second != _second)
                {
                    // Not disposed: its timer releases it when it fires, and tokens handed out may still be watched.
                    var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    source.CancelAfter(timeout + TimeSpan.FromSeconds(1));
                    _token = source.Token;
                    _second = second;
                }

                return _token;
            }
        }
    }
}
