using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace CivicGrid.Server.Tests.Infrastructure;

/// <summary>
/// A real Mosquitto broker started by a test as a child process, on a free port, with a generated
/// configuration and one password-protected account; stopped (and its folder removed) on dispose.
/// When the binary is missing the test skips loudly, and fails instead under CI.
/// </summary>
public sealed class Mosquitto : IAsyncDisposable
{
    public const string User = "civicgrid";
    public const string Password = "mosquitto-test-pw";

    private readonly Process _process;
    private readonly string _dir;

    private Mosquitto(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    public static async Task<Mosquitto> StartAsync(CancellationToken ct)
    {
        var binary = Find("mosquitto");
        var passwd = Find("mosquitto_passwd");
        if (binary is null || passwd is null)
        {
            const string Reason = "mosquitto is not installed (apt-get install mosquitto): the external-broker tests need a real broker.";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                throw new InvalidOperationException(Reason + " Under CI they must run.");
            }

            Assert.Skip(Reason);
        }

        var dir = Path.Combine(Path.GetTempPath(), "civicgrid-mosquitto-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var passwords = Path.Combine(dir, "passwd");
        using (var add = Process.Start(new ProcessStartInfo(passwd!, ["-c", "-b", passwords, User, Password]) { RedirectStandardError = true, RedirectStandardOutput = true })!)
        {
            await add.WaitForExitAsync(ct);
            Assert.True(add.ExitCode == 0, "mosquitto_passwd failed: " + await add.StandardError.ReadToEndAsync(ct));
        }

        var port = CivicGridApp.FreeTcpPort();
        var config = Path.Combine(dir, "mosquitto.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            listener {port} 127.0.0.1
            allow_anonymous false
            password_file {passwords}
            persistence false
            max_queued_messages 100000
            log_dest stderr
            """), ct);
        var process = Process.Start(new ProcessStartInfo(binary!, ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var broker = new Mosquitto(process, dir, port);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, ct);
                return broker;
            }
            catch (SocketException) when (attempt < 100 && !process.HasExited)
            {
                await Task.Delay(100, ct);
            }
            catch (SocketException)
            {
                await broker.DisposeAsync();
                throw new InvalidOperationException($"mosquitto did not start on port {port}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/usr/bin")
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
}
