using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CivicGrid.Server.Tests.Infrastructure;

/// <summary>
/// The real server on a real database (a fresh SQLite file, or a fresh PostgreSQL database), with a
/// fake clock, seeded with a small test district. One instance is shared by a test collection;
/// tests create their own cases and never depend on each other.
/// </summary>
public abstract class CivicGridApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Password = "test-password-123";

    /// <summary>2026-03-02 (a Monday) 09:30 in Beijing.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 30, 0, TimeSpan.Zero);

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "civicgrid-test-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, (string Token, DateTimeOffset IssuedAt)> _tokens = new(StringComparer.Ordinal);
    private readonly bool _reopened;
    private string? _postgresDatabase;

    protected CivicGridApp()
    {
    }

    /// <summary>A second server on the first one's data folder and database (a restart): nothing is created, seeded or removed.</summary>
    protected CivicGridApp(CivicGridApp first)
    {
        _dataDir = first._dataDir;
        _postgresDatabase = first._postgresDatabase;
        District = first.District;
        Clock = first.Clock;
        _reopened = true;
    }

    /// <summary>Extra configuration for this server (set before it starts).</summary>
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.Ordinal);

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>Stops this server's host without removing its data, so that a reopened one can take over.</summary>
    public async Task StopAsync()
    {
        await base.DisposeAsync();
    }

    /// <summary>This app's data folder (SQLite file, keys).</summary>
    public string DataDir => _dataDir;

    /// <summary>Which engine this app runs on.</summary>
    public DatabaseProvider Engine => Provider;

    /// <summary>The port of this app's embedded MQTT broker (a free one, on 127.0.0.1).</summary>
    public int MqttPort { get; } = FreeTcpPort();

    public TestDistrict District { get; private set; } = null!;

    public static JsonSerializerOptions Json { get; } = CreateJson();

    protected abstract DatabaseProvider Provider { get; }

    public virtual async ValueTask InitializeAsync()
    {
        if (_reopened)
        {
            _ = Services;
            return;
        }

        Directory.CreateDirectory(_dataDir);
        if (Provider == DatabaseProvider.Postgres)
        {
            var baseConnection = PostgresAvailability.ConnectionString;
            if (string.IsNullOrWhiteSpace(baseConnection))
            {
                // The tests skip (or fail under CI) through SkipIfUnavailable; nothing to start.
                return;
            }

            _postgresDatabase = "civicgrid_test_" + Guid.NewGuid().ToString("N");
            await using var conn = new NpgsqlConnection(baseConnection);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {_postgresDatabase}", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        using var scope = Services.CreateScope();
        District = await TestDistrict.SeedAsync(scope.ServiceProvider);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_reopened)
        {
            GC.SuppressFinalize(this);
            return;
        }

        if (_postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(PostgresAvailability.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresDatabase} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing background task; the temp folder is cleaned by the OS.
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>True when the engine behind this app is reachable (always for SQLite).</summary>
    public bool IsAvailable => Provider == DatabaseProvider.Sqlite || _postgresDatabase is not null;

    /// <summary>Called by every test class: skips loudly (or fails under CI) when PostgreSQL is missing.</summary>
    public void SkipIfUnavailable()
    {
        if (!IsAvailable)
        {
            PostgresAvailability.ConnectionStringOrSkip();
        }
    }

    /// <summary>The WeChat official account the test server answers for.</summary>
    public const string WeChatToken = "civicgrid-test-token";

    public const string WeChatAppId = "wx0123456789abcdef";

    /// <summary>A 43-character EncodingAESKey (32 fixed bytes, base64 without the padding).</summary>
    public static readonly string WeChatAesKey = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]).TrimEnd('=');

    /// <summary>A client signed in (bearer) as a user of the test district.</summary>
    public async Task<HttpClient> ClientForAsync(string userName)
    {
        var client = CreateClient();
        // Tokens live an hour on the (fake) clock: tests that move the clock get fresh ones.
        if (!_tokens.TryGetValue(userName, out var cached) || Clock.GetUtcNow() - cached.IssuedAt > TimeSpan.FromMinutes(30) || Clock.GetUtcNow() < cached.IssuedAt)
        {
            var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = userName, password = Password });
            response.EnsureSuccessStatusCode();
            var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
            cached = (token, Clock.GetUtcNow());
            _tokens[userName] = cached;
        }

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cached.Token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("DataDir", _dataDir);
        builder.UseSetting("Database:Provider", Provider.ToString());
        builder.UseSetting("Database:MigrateOnStart", "true");
        builder.UseSetting("CIVICGRID_ADMIN_PASSWORD", Password);
        builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(new byte[48]));
        builder.UseSetting("Mqtt:Port", MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Mqtt:BindAddress", "127.0.0.1");
        builder.UseSetting("WeChat:Token", WeChatToken);
        builder.UseSetting("WeChat:AppId", WeChatAppId);
        builder.UseSetting("WeChat:EncodingAesKey", WeChatAesKey);
        builder.UseSetting("WeChat:PublicBaseUrl", "https://city.example.cn");
        // Most suites rely on having no model (or the one they train); retraining gets its own test.
        builder.UseSetting("Intake:Retrain:Enabled", "false");
        // The databases are shared by many tests on a fake clock: partitions are made by the tests that test them.
        builder.UseSetting("Telemetry:Partitions:Enabled", "false");
        // The whole suite signs in and posts from one address: the rate limits get their own tests (SecurityLimitsTests).
        foreach (var limit in new[] { "Login", "Open311Submit", "PublicSubmit", "PublicRead" })
        {
            builder.UseSetting($"Security:{limit}:PermitLimit", "1000000");
        }

        ConfigureSettings(builder);
        if (_postgresDatabase is not null)
        {
            builder.UseSetting("Database:ConnectionString", new NpgsqlConnectionStringBuilder(PostgresAvailability.ConnectionString) { Database = _postgresDatabase }.ToString());
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>Settings of a special-purpose app (low rate limits, low thresholds); applied after the common ones.</summary>
    protected virtual void ConfigureSettings(IWebHostBuilder builder)
    {
    }

    /// <summary>A TCP port nobody listens on now (the OS picks it).</summary>
    public static int FreeTcpPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ServerHost.ConfigureJson(options);
        return options;
    }
}

/// <summary>The server on a fresh SQLite file.</summary>
public sealed class SqliteApp : CivicGridApp
{
    public SqliteApp()
    {
    }

    private SqliteApp(SqliteApp first)
        : base(first)
    {
    }

    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    /// <summary>A new server on this one's data (call <see cref="CivicGridApp.StopAsync"/> on this one first).</summary>
    public SqliteApp Reopen() => new(this);
}

/// <summary>The server on a fresh PostgreSQL + PostGIS database.</summary>
public sealed class PostgresApp : CivicGridApp
{
    public PostgresApp()
    {
    }

    private PostgresApp(PostgresApp first)
        : base(first)
    {
    }

    protected override DatabaseProvider Provider => DatabaseProvider.Postgres;

    /// <summary>A new server on this one's database (call <see cref="CivicGridApp.StopAsync"/> on this one first).</summary>
    public PostgresApp Reopen() => new(this);
}

[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<SqliteApp>
{
    public const string Name = "sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresApp>
{
    public const string Name = "postgres";
}

/// <summary>Where the throwaway PostgreSQL of scripts/test.sh is, if it runs.</summary>
public static class PostgresAvailability
{
    public const string Variable = "CIVICGRID_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable);

    /// <summary>The connection string; skips the test loudly without one, and fails under CI.</summary>
    public static string ConnectionStringOrSkip()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException($"{Variable} is not set under CI: the PostgreSQL suite must run. Use ./scripts/test.sh.");
        }

        Assert.Skip($"PostgreSQL is not available ({Variable} not set): run ./scripts/test.sh to include the PostgreSQL suite.");
        return string.Empty;
    }
}
