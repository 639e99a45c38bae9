using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CivicGrid.Domain.Telemetry;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Telemetry;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MQTTnet;
using MQTTnet.Formatter;
using Npgsql;

namespace CivicGrid.Server.Tests.Features.Sensing;

/// <summary>
/// "A message acknowledged to the device is durable": the real server runs as its own process,
/// devices publish QoS 1 messages as fast as the acknowledgements come back, the process is
/// killed (SIGKILL) mid-load, and every acknowledged message must be in the database.
/// </summary>
public abstract class DurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract DatabaseProvider Provider { get; }

    [Fact]
    public async Task KillingTheServer_MidLoad_LosesNoAcknowledgedMessage()
    {
        string? pgDatabase = null;
        var dataDir = Path.Combine(Path.GetTempPath(), "civicgrid-kill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        string connectionString;
        if (Provider == DatabaseProvider.Postgres)
        {
            var baseConnection = PostgresAvailability.ConnectionStringOrSkip();
            pgDatabase = "civicgrid_kill_" + Guid.NewGuid().ToString("N");
            await using (var conn = new NpgsqlConnection(baseConnection))
            {
                await conn.OpenAsync(Ct);
                await using var cmd = new NpgsqlCommand($"CREATE DATABASE {pgDatabase}", conn);
                await cmd.ExecuteNonQueryAsync(Ct);
            }

            connectionString = new NpgsqlConnectionStringBuilder(baseConnection) { Database = pgDatabase }.ToString();
        }
        else
        {
            connectionString = PersistenceServiceCollectionExtensions.SqliteFileConnectionString(dataDir);
        }

        var mqttPort = CivicGridApp.FreeTcpPort();
        var httpPort = CivicGridApp.FreeTcpPort();
        Process? server = null;
        try
        {
            server = Start(dataDir, connectionString, mqttPort, httpPort);
            await WaitReadyAsync(server, httpPort);

            // Devices are put straight into the database: this test is about the broker and the store.
            var devices = new List<(string Id, string Token)>();
            await using (var db = Context(connectionString))
            {
                for (var i = 0; i < 4; i++)
                {
                    var (device, token) = Device.Register($"kill-{i}-{Guid.NewGuid():N}"[..24], DeviceTypes.Find("energy-meter")!, null,
                        new DevicePlacement(116.4, 39.9, "110101001001001", "110101001001", "110101001"), null, null, DateTimeOffset.UtcNow);
                    db.Devices.Add(device);
                    devices.Add((device.Id, token));
                }

                await db.SaveChangesAsync(Ct);
            }

            // On PostgreSQL the server's partition job gives today (and yesterday) a partition once it is ready.
            var days = new[] { DateTimeOffset.UtcNow.AddMinutes(-2), DateTimeOffset.UtcNow }.Select(TelemetryPartitions.DayOf).Distinct().ToList();
            if (Provider == DatabaseProvider.Postgres)
            {
                await WaitForPartitionsAsync(connectionString, days);
            }

            var acknowledged = new ConcurrentBag<(string Device, DateTimeOffset Ts)>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var publishers = devices.Select(d => Task.Run(() => PublishUntilFailureAsync(d.Id, d.Token, mqttPort, acknowledged, stop.Token))).ToList();

            // Let the load build up, then kill the process without warning.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (acknowledged.Count < 400 && DateTime.UtcNow < deadline && !server.HasExited)
            {
                await Task.Delay(20, Ct);
            }

            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(Ct);
            var ackedAtKill = acknowledged.ToArray();
            await stop.CancelAsync();
            await Task.WhenAll(publishers);

            Assert.True(ackedAtKill.Length >= 50, $"only {ackedAtKill.Length} messages were acknowledged before the kill");
            await using var check = Context(connectionString);
            var ids = devices.Select(d => d.Id).ToList();
            var stored = (await check.TelemetryReadings.AsNoTracking().Where(r => ids.Contains(r.DeviceId) && r.Name == "kw").Select(r => new { r.DeviceId, r.Ts }).ToListAsync(Ct))
                .Select(r => (r.DeviceId, r.Ts)).ToHashSet();
            var lost = acknowledged.Where(a => !stored.Contains(a)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged messages were lost, e.g. {lost.FirstOrDefault()}");
            if (Provider == DatabaseProvider.Postgres)
            {
                // The readings went into the day partitions, none into the default one.
                var tables = await check.Database.SqlQuery<string>($"""
                    SELECT DISTINCT tableoid::regclass::text AS "Value" FROM telemetry_readings WHERE "DeviceId" = ANY({ids.ToArray()})
                    """).ToListAsync(Ct);
                Assert.NotEmpty(tables);
                Assert.All(tables, t => Assert.Contains(t, days.Select(TelemetryPartitions.NameOf)));
            }
        }
        finally
        {
            if (server is { HasExited: false })
            {
                server.Kill(entireProcessTree: true);
            }

            server?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            NpgsqlConnection.ClearAllPools();
            if (pgDatabase is not null)
            {
                await using var conn = new NpgsqlConnection(PostgresAvailability.ConnectionString);
                await conn.OpenAsync(CancellationToken.None);
                await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {pgDatabase} WITH (FORCE)", conn);
                await cmd.ExecuteNonQueryAsync(CancellationToken.None);
            }

            try
            {
                Directory.Delete(dataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private CivicGridDbContext Context(string connectionString)
    {
        var options = new DbContextOptionsBuilder<CivicGridDbContext>();
        PersistenceServiceCollectionExtensions.Configure(options, Provider, connectionString);
        return new CivicGridDbContext(options.Options);
    }

    private Process Start(string dataDir, string connectionString, int mqttPort, int httpPort)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = dataDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "civicgrid.dll"), "--data-dir", dataDir, "--urls", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{httpPort}") })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["CIVICGRID_ADMIN_PASSWORD"] = CivicGridApp.Password;
        start.Environment["Database__Provider"] = Provider.ToString();
        start.Environment["Database__ConnectionString"] = connectionString;
        start.Environment["Database__MigrateOnStart"] = "true";
        start.Environment["Mqtt__Port"] = mqttPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Mqtt__BindAddress"] = "127.0.0.1";
        start.Environment["Telemetry__MaxMessagesPerSecond"] = "100000";
        start.Environment["Telemetry__Burst"] = "100000";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitForPartitionsAsync(string connectionString, IReadOnlyList<DateOnly> days)
    {
        await using var db = Context(connectionString);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        IReadOnlyList<DateOnly> existing = [];
        while (DateTime.UtcNow < deadline)
        {
            existing = await TelemetryPartitions.ListAsync(db, Ct);
            if (days.All(existing.Contains))
            {
                return;
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail($"the server's partition job did not create {string.Join(", ", days)} within 60 s (found {string.Join(", ", existing)})");
    }

    private static async Task WaitReadyAsync(Process server, int httpPort)
    {
        using var http = new HttpClient { BaseAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{httpPort}")) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(server.HasExited, "the server exited while starting");
            try
            {
                if ((await http.GetAsync("/health/ready", Ct)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200, Ct);
        }

        Assert.Fail("the server did not become ready within 90 s");
    }

    private static async Task PublishUntilFailureAsync(string id, string token, int port, ConcurrentBag<(string, DateTimeOffset)> acknowledged, CancellationToken ct)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(id).WithCredentials(id, token)
                .WithProtocolVersion(MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(10)).Build(), ct);
            var start = DateTimeOffset.UtcNow.AddMinutes(-2);
            for (var i = 0; !ct.IsCancellationRequested; i++)
            {
                // Distinct timestamps, microsecond-exact, so that each message has its own key.
                var ts = new DateTimeOffset(start.UtcTicks - start.UtcTicks % 10_000, TimeSpan.Zero).AddMilliseconds(i);
                var payload = string.Create(CultureInfo.InvariantCulture, $$$"""{"ts":"{{{ts:O}}}","values":{"kwh":{{{i}}},"kw":{{{i % 50}}}}}""");
                var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"civicgrid/v1/devices/{id}/telemetry")
                    .WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
                if (result.ReasonCode != MqttClientPublishReasonCode.Success)
                {
                    return;
                }

                acknowledged.Add((id, ts));
            }
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The server is gone: what was acknowledged so far is what counts.
        }
    }
}

public sealed class DurabilityTestsOnSqlite : DurabilityTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class DurabilityTestsOnPostgres : DurabilityTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
