using System.CommandLine;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.LoadTest.Load;
using CivicGrid.LoadTest.Scenarios;
using CivicGrid.LoadTest.Seeding;

namespace CivicGrid.LoadTest;

/// <summary>
/// Whole-system load tool: <c>create</c> and <c>list</c> drive a running server over HTTP with
/// concurrent clients; <c>seed-bulk</c> writes a million synthetic cases straight into its database.
/// Figures and the commands that produced them are in docs/benchmarks.md.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("CivicGrid load tool: create / list scenarios over HTTP, seed-bulk into the database.");
        root.Add(BuildCreate());
        root.Add(BuildList());
        root.Add(BuildOpen311());
        root.Add(BuildSeedBulk());
        root.Add(BuildSeedDevices());
        root.Add(BuildIngest());
        root.Add(BuildBroker());
        return await root.Parse(args).InvokeAsync();
    }

    private sealed class HttpOptions
    {
        public Option<string> Url { get; } = new("--url")
        {
            Description = "Base URL of the running server (loopback only), e.g. http://127.0.0.1:5080.",
            DefaultValueFactory = _ => "http://127.0.0.1:5000",
        };

        public Option<string> User { get; } = new("--user") { Description = "Staff account to sign in with.", DefaultValueFactory = _ => "inspector" };

        public Option<string> Password { get; } = new("--password")
        {
            Description = "Its password (default: $CIVICGRID_DEMO_PASSWORD).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CIVICGRID_DEMO_PASSWORD") ?? string.Empty,
        };

        public Option<int> Clients { get; } = new("--clients") { Description = "Concurrent clients.", DefaultValueFactory = _ => 8 };

        public Option<TimeSpan> Duration { get; } = DurationOption("--duration", "Measured run time (30s, 2m, 500ms).", TimeSpan.FromSeconds(30));

        public Option<TimeSpan> Warmup { get; } = DurationOption("--warmup", "Unmeasured warm-up before the run.", TimeSpan.FromSeconds(5));

        public Option<long?> Requests { get; } = new("--requests") { Description = "Stop after this many measured requests (whichever of this and --duration comes first)." };

        public Option<int> Seed { get; } = new("--seed") { Description = "Seed of the random choices (positions, filter values).", DefaultValueFactory = _ => 42 };

        public Option<string?> Label { get; } = new("--label") { Description = "Name of the run in the report, e.g. SQLite." };

        public Option<string?> Out { get; } = new("--out") { Description = "Also write the Markdown report to this file." };

        public void AddTo(Command command)
        {
            command.Add(Url);
            command.Add(User);
            command.Add(Password);
            command.Add(Clients);
            command.Add(Duration);
            command.Add(Warmup);
            command.Add(Requests);
            command.Add(Seed);
            command.Add(Label);
            command.Add(Out);
        }

        public ScenarioSettings Read(ParseResult p)
        {
            var clients = p.GetValue(Clients);
            if (clients is < 1 or > 256)
            {
                throw new ArgumentException("--clients must be between 1 and 256.");
            }

            var password = p.GetValue(Password);
            if (string.IsNullOrEmpty(password))
            {
                throw new ArgumentException("Give --password or set CIVICGRID_DEMO_PASSWORD.");
            }

            if (!Uri.TryCreate(p.GetValue(Url), UriKind.Absolute, out var url))
            {
                throw new ArgumentException($"--url '{p.GetValue(Url)}' is not an absolute URL.");
            }

            return new ScenarioSettings(
                url, p.GetValue(User)!, password,
                new LoadSettings(clients, p.GetValue(Duration), p.GetValue(Requests), p.GetValue(Warmup)),
                p.GetValue(Seed), p.GetValue(Label), p.GetValue(Out));
        }
    }

    private static Command BuildCreate()
    {
        var http = new HttpOptions();
        var category = new Option<string>("--category") { Description = "Event category code of the reports.", DefaultValueFactory = _ => "06010" };
        var grids = new Option<int>("--grids") { Description = "How many unit grids the report positions are spread over.", DefaultValueFactory = _ => 64 };
        var command = new Command("create", "POST /api/v1/cases from concurrent clients: throughput and latency percentiles.");
        http.AddTo(command);
        command.Add(category);
        command.Add(grids);
        command.SetAction((p, ct) => RunAsync(() => CreateScenario.RunAsync(http.Read(p), p.GetValue(category)!, p.GetValue(grids), ct)));
        return command;
    }

    private static Command BuildList()
    {
        var http = new HttpOptions();
        var pages = new Option<int>("--pages") { Description = "Pages 1..N are requested in turn (pageSize 20).", DefaultValueFactory = _ => 5 };
        var command = new Command("list", "GET /api/v1/cases with a rotating mix of filters: latency percentiles per filter.");
        http.AddTo(command);
        command.Add(pages);
        command.SetAction((p, ct) => RunAsync(() => ListScenario.RunAsync(http.Read(p), p.GetValue(pages), ct)));
        return command;
    }

    private static Command BuildOpen311()
    {
        var http = new HttpOptions();
        var apiKey = new Option<string>("--api-key")
        {
            Description = "Open311 API key (default: $CIVICGRID_DEMO_API_KEY).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CIVICGRID_DEMO_API_KEY") ?? string.Empty,
        };
        var service = new Option<string>("--service-code") { Description = "service_code of the requests.", DefaultValueFactory = _ => "06010" };
        var postEvery = new Option<int>("--post-every") { Description = "Every N-th request is a POST; the others alternate between the list and one request.", DefaultValueFactory = _ => 3 };
        var command = new Command("open311", "Open311 GeoReport v2: POST requests.json and GET requests.json / requests/{id}.json from concurrent clients; throughput and latency per operation.");
        http.AddTo(command);
        command.Add(apiKey);
        command.Add(service);
        command.Add(postEvery);
        command.SetAction((p, ct) => RunAsync(() =>
        {
            var key = p.GetValue(apiKey);
            if (string.IsNullOrEmpty(key))
            {
                throw new ArgumentException("Give --api-key or set CIVICGRID_DEMO_API_KEY.");
            }

            if (p.GetValue(postEvery) < 1)
            {
                throw new ArgumentException("--post-every must be at least 1.");
            }

            return Open311Scenario.RunAsync(http.Read(p), key, p.GetValue(service)!, p.GetValue(postEvery), ct);
        }));
        return command;
    }

    private static Command BuildSeedBulk()
    {
        var provider = new Option<DatabaseProvider>("--provider") { Description = "Sqlite or Postgres.", Required = true };
        var connection = new Option<string>("--connection")
        {
            Description = "SQLite: the database file (or a connection string). PostgreSQL: an Npgsql connection string.",
            Required = true,
        };
        var count = new Option<int>("--count") { Description = "How many cases to insert.", DefaultValueFactory = _ => 1_000_000 };
        var days = new Option<int>("--days") { Description = "Spread the reports over this many past days.", DefaultValueFactory = _ => 365 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generator.", DefaultValueFactory = _ => 42 };
        var noHistory = new Option<bool>("--no-history") { Description = "Skip the 'report' history row of each case." };
        var keepIndexes = new Option<bool>("--keep-indexes") { Description = "Insert with the secondary indexes in place instead of dropping and re-creating them." };
        var command = new Command("seed-bulk", "Insert synthetic cases straight into the database of a stopped server (SQLite: prepared INSERT in one transaction; PostgreSQL: binary COPY), then ANALYZE.")
        {
            provider, connection, count, days, seed, noHistory, keepIndexes,
        };
        command.SetAction((p, ct) => RunAsync(() => BulkSeeder.RunAsync(
            new BulkSeedSettings(p.GetValue(provider), p.GetValue(connection)!, p.GetValue(count), p.GetValue(days), p.GetValue(seed), !p.GetValue(noHistory), p.GetValue(keepIndexes)), ct)));
        return command;
    }

    private static Command BuildSeedDevices()
    {
        var provider = new Option<DatabaseProvider>("--provider") { Description = "Sqlite or Postgres.", Required = true };
        var connection = new Option<string>("--connection") { Description = "The server's connection string (SQLite: the file path).", Required = true };
        var count = new Option<int>("--count") { Description = "Devices to register.", DefaultValueFactory = _ => 100_000 };
        var type = new Option<string>("--type") { Description = "Their device type.", DefaultValueFactory = _ => "noise" };
        var output = new Option<string>("--out") { Description = "File for their ids and tokens (id TAB token per line).", Required = true };
        var command = new Command("seed-devices", "Register many devices straight into the database of a seeded server; write their tokens for ingest.")
        {
            provider, connection, count, type, output,
        };
        command.SetAction((p, ct) => RunAsync(() => DeviceSeeder.SeedAsync(p.GetValue(provider), p.GetValue(connection)!, p.GetValue(count), p.GetValue(type)!, p.GetValue(output)!, ct)));
        return command;
    }

    private static Command BuildBroker()
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1.", Required = true };
        var command = new Command("broker", "A bare MQTT broker (MQTTnet, no authentication, no processing) until stopped: the other end of ingest --raw.") { port };
        command.SetAction((p, ct) => RunAsync(() => IngestScenario.BrokerAsync(p.GetValue(port), ct)));
        return command;
    }

    private static Command BuildIngest()
    {
        var host = new Option<string>("--mqtt-host") { Description = "The server's MQTT host.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--mqtt-port") { Description = "The server's MQTT port.", DefaultValueFactory = _ => 1883 };
        var file = new Option<string>("--devices-file") { Description = "Ids and tokens from seed-devices.", Required = true };
        var devices = new Option<int>("--devices") { Description = "How many devices connect and publish.", DefaultValueFactory = _ => 10_000 };
        var raw = new Option<bool>("--raw") { Description = "Publish to a bare broker (the broker command, at --mqtt-host/--mqtt-port) with one subscriber instead (the reference figure)." };
        var url = new Option<string?>("--url") { Description = "The server's HTTP address: alarm latency over the live feed and memory from /metrics." };
        var user = new Option<string>("--user") { Description = "Admin account (creates the benchmark rule, reads the live feed).", DefaultValueFactory = _ => "admin" };
        var password = new Option<string>("--password")
        {
            Description = "Its password (default: $CIVICGRID_ADMIN_PASSWORD).",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("CIVICGRID_ADMIN_PASSWORD") ?? string.Empty,
        };
        var faultEvery = new Option<int>("--fault-every") { Description = "One reading in this many raises the benchmark alarm (0: none).", DefaultValueFactory = _ => 2000 };
        var duration = DurationOption("--duration", "Measured run time.", TimeSpan.FromSeconds(30));
        var warmup = DurationOption("--warmup", "Unmeasured warm-up.", TimeSpan.FromSeconds(10));
        var label = new Option<string?>("--label") { Description = "Name of the run in the report." };
        var output = new Option<string?>("--out") { Description = "Also write the Markdown report to this file." };
        var serverPid = new Option<int?>("--server-pid") { Description = "Process id of the server (or bare broker) on this machine: its CPU time over the measured window goes into the report." };
        var command = new Command("ingest", "MQTT ingestion: N devices publish QoS 1 in a closed loop; durable msg/s, alarm latency, server memory; --raw: a bare broker's figure.")
        {
            host, port, file, devices, raw, url, user, password, faultEvery, duration, warmup, label, output, serverPid,
        };
        command.SetAction((p, ct) =>
        {
            var address = p.GetValue(url);
            return RunAsync(() => IngestScenario.RunAsync(new IngestSettings(
                p.GetValue(host)!, p.GetValue(port), p.GetValue(file)!, p.GetValue(devices), p.GetValue(duration), p.GetValue(warmup), p.GetValue(raw),
                address is null ? null : new Uri(address), p.GetValue(user)!, p.GetValue(password)!, p.GetValue(faultEvery), p.GetValue(label), p.GetValue(output), p.GetValue(serverPid)), ct));
        });
        return command;
    }

    private static Option<TimeSpan> DurationOption(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            var text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
            if (Durations.TryParse(text, out var value))
            {
                return value;
            }

            r.AddError($"'{text}' is not a duration (30s, 2m, 500ms, 00:01:00).");
            return default;
        },
    };

    private static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or HttpRequestException or LoadTestException)
        {
            await Console.Error.WriteLineAsync($"civicgrid-loadtest: {e.Message}");
            return 1;
        }
    }
}
