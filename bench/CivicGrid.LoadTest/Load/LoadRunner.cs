using System.Diagnostics;

namespace CivicGrid.LoadTest.Load;

/// <summary>How hard and how long to push: concurrent clients, a measured window, an optional request cap.</summary>
public sealed record LoadSettings(int Clients, TimeSpan Duration, long? MaxRequests, TimeSpan Warmup);

/// <summary>What one request did: its kind (filter or operation), the HTTP status (0 when none came back), an error text.</summary>
public readonly record struct Outcome(string Kind, int StatusCode, string? Error = null, long? Total = null)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}

/// <summary>One measured request.</summary>
public readonly record struct Sample(Outcome Outcome, double Milliseconds);

/// <summary>The measured window: every sample and how long the window lasted.</summary>
public sealed record LoadResult(IReadOnlyList<Sample> Samples, TimeSpan Elapsed, int Clients);

/// <summary>
/// Closed-loop load: each client sends its next request as soon as the previous answer is read, so
/// the offered load adapts to the server (no coordinated-omission correction: the latencies are
/// those the clients saw). The warm-up runs the same loop and throws its samples away.
/// </summary>
public static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(LoadSettings settings, Func<long, CancellationToken, Task<Outcome>> operation, CancellationToken ct)
    {
        if (settings.Warmup > TimeSpan.Zero)
        {
            await Console.Error.WriteLineAsync($"warm-up {settings.Warmup.TotalSeconds:F0} s with {settings.Clients} clients ...");
            await PhaseAsync(settings.Clients, settings.Warmup, null, operation, ct);
        }

        await Console.Error.WriteLineAsync(settings.MaxRequests is { } max
            ? $"measuring {settings.Duration.TotalSeconds:F0} s or {max} requests with {settings.Clients} clients ..."
            : $"measuring {settings.Duration.TotalSeconds:F0} s with {settings.Clients} clients ...");
        return await PhaseAsync(settings.Clients, settings.Duration, settings.MaxRequests, operation, ct);
    }

    private static async Task<LoadResult> PhaseAsync(int clients, TimeSpan duration, long? maxRequests, Func<long, CancellationToken, Task<Outcome>> operation, CancellationToken ct)
    {
        long issued = 0;
        var start = Stopwatch.GetTimestamp();
        var perClient = new List<Sample>[clients];

        async Task ClientAsync(int index)
        {
            var samples = perClient[index] = new List<Sample>(4096);
            await Task.Yield();
            while (!ct.IsCancellationRequested && Stopwatch.GetElapsedTime(start) < duration)
            {
                var n = Interlocked.Increment(ref issued);
                if (maxRequests is { } max && n > max)
                {
                    break;
                }

                var t0 = Stopwatch.GetTimestamp();
                var outcome = await operation(n, ct);
                samples.Add(new Sample(outcome, Stopwatch.GetElapsedTime(t0).TotalMilliseconds));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(ClientAsync));
        var elapsed = Stopwatch.GetElapsedTime(start);
        return new LoadResult([.. perClient.SelectMany(s => s)], elapsed, clients);
    }
}
