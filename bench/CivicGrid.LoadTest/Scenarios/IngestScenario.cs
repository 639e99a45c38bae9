using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace CivicGrid.LoadTest.Scenarios;

/// <summary>What <c>ingest</c> runs.</summary>
/// <param name="Host">The server's MQTT host.</param>
/// <param name="Port">The server's (or with <paramref name="Raw"/> the bare broker's) MQTT port.</param>
/// <param name="DevicesFile">Ids and tokens written by <c>seed-devices</c>.</param>
/// <param name="Devices">How many of them connect and publish.</param>
/// <param name="Duration">Measured time.</param>
/// <param name="Warmup">Unmeasured time before it.</param>
/// <param name="Raw">Publish to a bare MQTTnet broker (<c>broker</c>, at Host:Port) with one subscriber instead (no processing): the reference figure.</param>
/// <param name="Url">The server's HTTP address: alarm latency over the live feed, memory from /metrics (none with <paramref name="Raw"/>).</param>
/// <param name="User">Admin account (creates the rule, reads the live feed).</param>
/// <param name="Password">Its password.</param>
/// <param name="FaultEvery">Every this many messages one carries a value that raises the benchmark's alarm.</param>
/// <param name="Label">Name of the run in the report.</param>
/// <param name="Out">Also write the report here.</param>
/// <param name="ServerPid">The server's (or bare broker's) process on this machine: its CPU time over the measured window is reported.</param>
public sealed record IngestSettings(
    string Host, int Port, string DevicesFile, int Devices, TimeSpan Duration, TimeSpan Warmup, bool Raw,
    Uri? Url, string User, string Password, int FaultEvery, string? Label, string? Out, int? ServerPid);

/// <summary>
/// MQTT ingestion load: each device has its own connection and publishes QoS 1 noise readings in a
/// closed loop (the next one once the PUBACK is in, and the server sends the PUBACK only after the
/// reading is committed), so the acknowledged rate is the durable end-to-end throughput. A
/// threshold rule on every device is evaluated on each reading; every <c>--fault-every</c>th
/// reading crosses it, and the time from its publish to the alarm's <c>raised</c> event on the
/// live feed is the alarm latency. With <c>--raw</c> the same load goes to a bare broker and a
/// subscriber counts what arrives: the broker's own ceiling on this machine.
/// </summary>
public static class IngestScenario
{
    private const string RuleValue = "db";
    private const double Threshold = 100;

    public static async Task<int> RunAsync(IngestSettings s, CancellationToken ct)
    {
        var devices = File.ReadLines(s.DevicesFile).Take(s.Devices).Select(l => l.Split('\t')).Select(p => (Id: p[0], Token: p[1])).ToList();
        if (devices.Count < s.Devices)
        {
            throw new ArgumentException($"{s.DevicesFile} holds {devices.Count} devices, fewer than --devices {s.Devices}.");
        }

        IMqttClient? sink = null;
        long received = 0;
        var port = s.Port;
        using var http = s.Url is null || s.Raw ? null : new HttpClient { BaseAddress = s.Url, Timeout = Timeout.InfiniteTimeSpan };
        using var stopFeed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pending = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var latencies = new ConcurrentBag<double>();
        Task? feed = null;
        string? memoryBefore = null;
        if (s.Raw)
        {
            sink = new MqttClientFactory().CreateMqttClient();
            sink.ApplicationMessageReceivedAsync += _ =>
            {
                Interlocked.Increment(ref received);
                return Task.CompletedTask;
            };
            await sink.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(s.Host, port).WithClientId("bench-subscriber")
                .WithProtocolVersion(MqttProtocolVersion.V500).WithReceiveMaximum(65535).Build(), ct);
            await sink.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(f => f.WithTopic("civicgrid/v1/devices/+/telemetry").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)).Build(), ct);
        }
        else if (http is not null)
        {
            var token = await SignInAsync(http, s.User, s.Password, ct);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            await CreateRuleAsync(http, ct);
            memoryBefore = await MemoryAsync(http, ct);
            var ready = new TaskCompletionSource();
            feed = FollowAlarmsAsync(http, pending, latencies, ready, stopFeed.Token);
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        var connectStarted = Stopwatch.GetTimestamp();
        var clients = await ConnectAllAsync(devices, s.Host, port, s.Raw, ct);
        var connectSeconds = Stopwatch.GetElapsedTime(connectStarted).TotalSeconds;

        long acknowledged = 0, refused = 0, failed = 0, sent = 0, reconnects = 0;
        var stop = false;
        var baseTs = DateTimeOffset.UtcNow.AddMinutes(-2);
        var workers = clients.Select((c, i) => Task.Run(async () =>
        {
            var random = new Random(i);
            var payload = new StringBuilder(96);
            for (var seq = 0; !Volatile.Read(ref stop); seq++)
            {
                var n = Interlocked.Increment(ref sent);
                var fault = s.FaultEvery > 0 && n % s.FaultEvery == 0 && http is not null && !pending.ContainsKey(c.Id);
                var value = fault ? Threshold + 20 : 40 + random.NextDouble() * 30;
                payload.Clear().Append(CultureInfo.InvariantCulture, $$$"""{"ts":"{{{baseTs.AddMilliseconds(seq):yyyy-MM-ddTHH:mm:ss.fffZ}}}","values":{"{{{RuleValue}}}":{{{value:0.0}}}}}""");
                if (fault)
                {
                    pending[c.Id] = Stopwatch.GetTimestamp();
                }

                try
                {
                    var result = await c.Client.PublishAsync(new MqttApplicationMessageBuilder()
                        .WithTopic($"civicgrid/v1/devices/{c.Id}/telemetry")
                        .WithPayload(Encoding.UTF8.GetBytes(payload.ToString()))
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                        .Build(), ct);
                    if (result.ReasonCode == MqttClientPublishReasonCode.Success)
                    {
                        Interlocked.Increment(ref acknowledged);
                    }
                    else
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    await Task.Delay(100, ct);
                    if (!c.Client.IsConnected && !Volatile.Read(ref stop))
                    {
                        // The server closes the connection of a message it could not store in time; a device reconnects and resends.
                        try
                        {
                            await c.Client.ConnectAsync(c.Options, ct);
                            Interlocked.Increment(ref reconnects);
                        }
                        catch (Exception again) when (again is not OperationCanceledException || !ct.IsCancellationRequested)
                        {
                            await Task.Delay(1000, ct);
                        }
                    }
                }
            }
        }, ct)).ToList();

        await Task.Delay(s.Warmup, ct);
        var (a0, r0, t0) = (Interlocked.Read(ref acknowledged), Interlocked.Read(ref received), Stopwatch.GetTimestamp());
        var (serverCpu0, ownCpu0) = (CpuTime(s.ServerPid), Process.GetCurrentProcess().TotalProcessorTime);
        latencies.Clear();
        await Task.Delay(s.Duration, ct);
        var (a1, r1, seconds) = (Interlocked.Read(ref acknowledged), Interlocked.Read(ref received), Stopwatch.GetElapsedTime(t0).TotalSeconds);
        var (serverCpu, ownCpu) = (CpuTime(s.ServerPid) - serverCpu0, Process.GetCurrentProcess().TotalProcessorTime - ownCpu0);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(workers);
        var memoryAfter = http is null ? null : await MemoryAsync(http, ct);

        // Alarms of the last faults may still be on their way.
        await Task.Delay(TimeSpan.FromSeconds(http is null ? 0 : 3), ct);
        await stopFeed.CancelAsync();
        if (feed is not null)
        {
            await feed;
        }

        await Task.WhenAll(clients.Select(c => c.Client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None)));
        foreach (var c in clients)
        {
            c.Client.Dispose();
        }

        sink?.Dispose();

        var report = new StringBuilder();
        var label = s.Label ?? (s.Raw ? "raw broker" : "end to end");
        report.AppendLine(CultureInfo.InvariantCulture, $"### ingest — {label}");
        report.AppendLine();
        report.AppendLine("| figure | value |");
        report.AppendLine("|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| devices (one MQTT connection each, QoS 1, closed loop) | {clients.Count:N0} (connected in {connectSeconds:0.0} s) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| measured | {seconds:0.0} s after {s.Warmup.TotalSeconds:0} s warm-up |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| acknowledged (PUBACK success) | {a1 - a0:N0} → **{(a1 - a0) / seconds:N0} msg/s** |");
        if (s.Raw)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| delivered to the subscriber | {r1 - r0:N0} → **{(r1 - r0) / seconds:N0} msg/s** |");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"| refused / failed publishes, reconnections (whole run) | {refused:N0} / {failed:N0}, {reconnects:N0} |");
        if (serverCpu is { } cpu && a1 > a0)
        {
            // What the server itself spends per message: the capacity of a machine where it has the cores to itself.
            var perMessage = cpu.TotalMicroseconds / (a1 - a0);
            report.AppendLine(CultureInfo.InvariantCulture, $"| CPU over the measured window: {(s.Raw ? "broker" : "server")} / this load generator | {cpu.TotalSeconds:0.0} s / {ownCpu.TotalSeconds:0.0} s of {seconds * Environment.ProcessorCount:0.0} core-seconds |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| {(s.Raw ? "broker" : "server")} CPU per acknowledged message | **{perMessage:0} µs** (one core: {1_000_000 / perMessage:N0} msg/s) |");
        }

        if (http is not null)
        {
            var sorted = latencies.Order().ToArray();
            report.AppendLine(sorted.Length == 0
                ? "| alarm latency (publish → raised on the live feed) | no alarm seen |"
                : string.Create(CultureInfo.InvariantCulture, $"| alarm latency (publish → raised on the live feed), {sorted.Length} alarms | p50 {Percentile(sorted, 0.5):0} ms, p99 {Percentile(sorted, 0.99):0} ms |"));
            report.AppendLine(CultureInfo.InvariantCulture, $"| server memory before the load | {memoryBefore} |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| server memory after the load | {memoryAfter} |");
        }

        Console.WriteLine(report);
        if (s.Out is not null)
        {
            await File.WriteAllTextAsync(s.Out, report.ToString(), ct);
        }

        return 0;
    }

    /// <summary>The CPU time a process on this machine has used so far; null without a process id.</summary>
    private static TimeSpan? CpuTime(int? pid)
    {
        if (pid is not { } id)
        {
            return null;
        }

        using var process = Process.GetProcessById(id);
        return process.TotalProcessorTime;
    }

    private static async Task<List<(string Id, IMqttClient Client, MqttClientOptions Options)>> ConnectAllAsync(List<(string Id, string Token)> devices, string host, int port, bool raw, CancellationToken ct)
    {
        var factory = new MqttClientFactory();
        var clients = new ConcurrentBag<(string, IMqttClient, MqttClientOptions)>();
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = ct }, async (d, token) =>
        {
            var client = factory.CreateMqttClient();
            var builder = new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId(d.Id)
                .WithProtocolVersion(MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(60)).WithKeepAlivePeriod(TimeSpan.FromMinutes(5));
            if (!raw)
            {
                builder = builder.WithCredentials(d.Id, d.Token);
            }

            var options = builder.Build();
            var result = await client.ConnectAsync(options, token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new InvalidOperationException($"{d.Id} could not connect: {result.ResultCode}");
            }

            clients.Add((d.Id, client, options));
        });
        return [.. clients];
    }

    private static async Task<string> SignInAsync(HttpClient http, string user, string password, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { username = user, password }, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("access_token").GetString()!;
    }

    private static async Task CreateRuleAsync(HttpClient http, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/alarm-rules", new
        {
            name = "bench noise " + Guid.NewGuid().ToString("N")[..8],
            deviceType = "noise",
            severity = "minor",
            condition = new { kind = "threshold", value = RuleValue, op = "gt", threshold = Threshold, clearThreshold = 80 },
        }, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException("Creating the benchmark rule failed: " + await response.Content.ReadAsStringAsync(ct));
        }
    }

    /// <summary>Reads the live feed's alarm events; a <c>raised</c> event ends the pending fault of its device.</summary>
    private static async Task FollowAlarmsAsync(HttpClient http, ConcurrentDictionary<string, long> pending, ConcurrentBag<double> latencies, TaskCompletionSource ready, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/api/v1/sensing/live?types=alarm", HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("event: ready", StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("\"raised\"", StringComparison.Ordinal))
                {
                    var data = JsonDocument.Parse(line[6..]).RootElement;
                    if (data.TryGetProperty("deviceId", out var id) && id.GetString() is { } device && pending.TryRemove(device, out var at))
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>The server's working set and managed heap from its /metrics (System.Runtime meter).</summary>
    private static async Task<string> MemoryAsync(HttpClient http, CancellationToken ct)
    {
        var text = await http.GetStringAsync("/metrics", ct);
        double Sum(string name) => text.Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && (l.Length == name.Length || l[name.Length] is ' ' or '{'))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
        var workingSet = Sum("dotnet_process_memory_working_set_bytes");
        var heap = Sum("dotnet_gc_last_collection_heap_size_bytes");
        return string.Create(CultureInfo.InvariantCulture, $"working set {workingSet / 1048576:0} MiB, managed heap {heap / 1048576:0} MiB");
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>
    /// A bare MQTTnet broker (no authentication, no processing) until cancelled: the other end of
    /// <c>ingest --raw</c>, in its own process so that neither side needs more than one socket per device.
    /// </summary>
    public static async Task<int> BrokerAsync(int port, CancellationToken ct)
    {
        using var server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder()
            .WithDefaultEndpoint().WithDefaultEndpointPort(port).WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None).Build());
        await server.StartAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bare MQTT broker on 127.0.0.1:{port}"));
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        await server.StopAsync(new MqttServerStopOptions());
        return 0;
    }
}
