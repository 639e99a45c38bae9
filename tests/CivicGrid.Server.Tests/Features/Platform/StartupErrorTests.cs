using System.Diagnostics;
using System.Globalization;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Platform;

/// <summary>A server started with a setting it cannot accept stops with one line on stderr and a non-zero exit, not a stack trace.</summary>
public sealed class StartupErrorTests
{
    [Fact]
    public async Task AdminPasswordAgainstThePolicy_StopsTheStartInOneLine()
    {
        // Long enough, but it contains the account's name.
        var line = await StartExpectingOneErrorLineAsync(new() { ["CIVICGRID_ADMIN_PASSWORD"] = "the-admin-password-2026" });
        Assert.StartsWith("civicgrid: CIVICGRID_ADMIN_PASSWORD", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartitionDaysAheadOutOfRange_StopsTheStartInOneLine()
    {
        var line = await StartExpectingOneErrorLineAsync(new() { ["CIVICGRID_ADMIN_PASSWORD"] = CivicGridApp.Password, ["Telemetry__Partitions__DaysAhead"] = "-1" });
        Assert.Equal("civicgrid: Telemetry:Partitions:DaysAhead must be 0-31.", line);
    }

    /// <summary>Starts the real server on a fresh SQLite folder with extra environment; it must exit 1 with one stderr line, which is returned.</summary>
    private static async Task<string> StartExpectingOneErrorLineAsync(Dictionary<string, string> environment)
    {
        var ct = TestContext.Current.CancellationToken;
        var dir = Path.Combine(Path.GetTempPath(), "civicgrid-start-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "civicgrid.dll"), "--data-dir", dir, "--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{CivicGridApp.FreeTcpPort()}") })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["Mqtt__Port"] = CivicGridApp.FreeTcpPort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Mqtt__BindAddress"] = "127.0.0.1";
        start.Environment["Logging__LogLevel__Default"] = "None";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal(1, process.ExitCode);
            var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
            return Assert.Single(lines);
        }
        finally
        {
            try
            {
                Directory.Delete(dir, true);
            }
            catch (IOException)
            {
            }
        }
    }
}
