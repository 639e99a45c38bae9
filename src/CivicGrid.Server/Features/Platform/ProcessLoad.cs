using System.Diagnostics;

namespace CivicGrid.Server.Features.Platform;

/// <summary>
/// How busy this server process is: the share of the machine's cores its threads used over a short
/// interval. CPU-heavy background work (training the classifier) asks first and waits for a
/// quieter moment, so that it does not starve requests and telemetry ingestion on a small machine
/// (docs/benchmarks.md: a retraining during a full ingestion load on 2 cores pushed the MQTT
/// acknowledgements past their timeout).
/// </summary>
public static class ProcessLoad
{
    /// <summary>The process's share of all cores (0 to 1) over the next <paramref name="interval"/> of real time.</summary>
    public static async Task<double> MeasureAsync(TimeSpan interval, CancellationToken ct)
    {
        using var process = Process.GetCurrentProcess();
        var (cpu, started) = (process.TotalProcessorTime, Stopwatch.GetTimestamp());
        await Task.Delay(interval, ct);
        process.Refresh();
        return Share(process.TotalProcessorTime - cpu, Stopwatch.GetElapsedTime(started), Environment.ProcessorCount);
    }

    /// <summary>CPU time as a share of the cores' time over a wall-clock interval (0 when nothing can be said).</summary>
    public static double Share(TimeSpan cpu, TimeSpan wall, int cores) =>
        wall <= TimeSpan.Zero || cores < 1 ? 0 : Math.Max(0, cpu / (wall * cores));
}
