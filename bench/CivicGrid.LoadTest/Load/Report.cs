using System.Globalization;
using System.Text;

namespace CivicGrid.LoadTest.Load;

/// <summary>Latency percentiles of a set of samples (nearest rank), in milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max, double Mean)
{
    public static LatencySummary From(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        return new LatencySummary(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99), sorted[^1], sorted.Average());
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>Markdown reports of a run, printed and optionally written to a file.</summary>
public static class Report
{
    /// <summary>The command line that produced a figure, with the password masked.</summary>
    public static string CommandLine()
    {
        var args = Environment.GetCommandLineArgs().Skip(1).ToArray();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--password" && i + 1 < args.Length)
            {
                args[i + 1] = "***";
            }
            else if (args[i].StartsWith("--password=", StringComparison.Ordinal))
            {
                args[i] = "--password=***";
            }
        }

        return "civicgrid-loadtest " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a));
    }

    public static string Header(string scenario, string? label, LoadSettings settings, LoadResult result)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Invariant($"### {scenario}{(label is null ? string.Empty : " — " + label)}"));
        sb.AppendLine();
        sb.AppendLine(Invariant($"{settings.Clients} concurrent clients, {result.Elapsed.TotalSeconds:F1} s measured after {settings.Warmup.TotalSeconds:F0} s warm-up, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, load average at the end {LoadAverage()}."));
        sb.AppendLine();
        sb.AppendLine("```");
        sb.AppendLine(CommandLine());
        sb.AppendLine("```");
        sb.AppendLine();
        return sb.ToString();
    }

    /// <summary>One row per kind and an "all" row: requests, errors, throughput, percentiles.</summary>
    public static string Table(LoadResult result, bool perKind, bool withTotals, IList<string>? kindOrder = null)
    {
        var sb = new StringBuilder();
        var seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-9);
        sb.AppendLine(withTotals
            ? "| filter | requests | errors | req/s | rows matched (median) | p50 ms | p90 ms | p99 ms | max ms |"
            : "| operation | requests | errors | ok req/s | p50 ms | p90 ms | p99 ms | max ms |");
        sb.AppendLine(withTotals ? "|---|---:|---:|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|---:|---:|---:|");
        var groups = perKind
            ? result.Samples.GroupBy(s => s.Outcome.Kind, StringComparer.Ordinal)
                .OrderBy(g => kindOrder is null ? 0 : kindOrder.IndexOf(g.Key))
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.ToList())).ToList()
            : [];
        if (!perKind || groups.Count > 1)
        {
            groups.Add((perKind ? "**all**" : result.Samples.Count > 0 ? result.Samples[0].Outcome.Kind : "all", [.. result.Samples]));
        }

        foreach (var (kind, samples) in groups)
        {
            var ok = samples.Where(s => s.Outcome.IsSuccess).ToList();
            var latency = LatencySummary.From(ok.Select(s => s.Milliseconds));
            var errors = samples.Count - ok.Count;
            var rate = (withTotals ? samples.Count : ok.Count) / seconds;
            if (withTotals)
            {
                var totals = ok.Where(s => s.Outcome.Total is not null).Select(s => (double)s.Outcome.Total!.Value).ToArray();
                Array.Sort(totals);
                var matched = totals.Length == 0 || kind == "**all**" ? "" : Invariant($"{LatencySummary.Percentile(totals, 50):N0}");
                sb.AppendLine(Invariant($"| {kind} | {samples.Count} | {errors} | {rate:F1} | {matched} | {latency.P50:F1} | {latency.P90:F1} | {latency.P99:F1} | {latency.Max:F1} |"));
            }
            else
            {
                sb.AppendLine(Invariant($"| {kind} | {samples.Count} | {errors} | {rate:F1} | {latency.P50:F1} | {latency.P90:F1} | {latency.P99:F1} | {latency.Max:F1} |"));
            }
        }

        var failures = result.Samples.Where(s => !s.Outcome.IsSuccess)
            .GroupBy(s => s.Outcome.StatusCode == 0 ? "no answer (" + s.Outcome.Error + ")" : s.Outcome.StatusCode.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key} × {g.Count()}")
            .ToList();
        sb.AppendLine();
        sb.AppendLine(failures.Count == 0 ? "Errors: none." : "Errors by status: " + string.Join(", ", failures) + ".");
        return sb.ToString();
    }

    /// <summary>The 1, 5 and 15 minute load averages (Linux), to tell a quiet run from one that shared the CPUs.</summary>
    public static string LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return string.Join(" / ", parts.Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    public static async Task WriteAsync(string markdown, string? path, CancellationToken ct)
    {
        await Console.Out.WriteLineAsync(markdown);
        if (!string.IsNullOrEmpty(path))
        {
            await File.WriteAllTextAsync(path, markdown, new UTF8Encoding(false), ct);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
