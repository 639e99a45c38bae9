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

        // Long enough, but it contains the account's name.
        start.Environment["CIVICGRID_ADMIN_PASSWORD"] = "the-admin-password-2026";
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["Mqtt__Port"] = CivicGridApp.FreeTcpPort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Mqtt__BindAddress"] = "127.0.0.1";
        start.Environment["Logging__LogLevel__Default"] = "None";
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
            var line = Assert.Single(lines);
            Assert.StartsWith("civicgrid: CIVICGRID_ADMIN_PASSWORD", line, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
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
