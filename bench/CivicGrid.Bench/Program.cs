using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace CivicGrid.Bench;

/// <summary>
/// Micro-benchmarks of hot domain paths. Run them all:
/// <c>dotnet run -c Release --project bench/CivicGrid.Bench -- --filter '*'</c>.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        // A short run (3 warm-ups, 3 iterations) in this process: a few seconds per benchmark on a small
        // machine, and no generated project to build (whose code the repository's strict build rules
        // would also check). Good enough to compare and to spot regressions; use `--job medium` for more.
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).AsDefault())
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
