using System.Net;
using CivicGrid.Server.Features.Platform;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CivicGrid.E2E.Tests.Infrastructure;

/// <summary>
/// The real server on Kestrel (a free loopback port, a fresh SQLite data folder, the Production
/// environment as <c>dotnet run</c> has it), seeded with <see cref="E2EDistrict"/>, and one
/// headless Debian Chromium driven by Playwright. Tests open their own browser contexts.
/// </summary>
public sealed class ConsoleApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "civicgrid-e2e-" + Guid.NewGuid().ToString("N"));
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public ShiftedClock Clock { get; } = new();

    /// <summary>Why the browser tests cannot run here; null when they can.</summary>
    public string? Unavailable { get; private set; } = E2EPrerequisites.Missing();

    public string BaseUrl { get; private set; } = string.Empty;

    public E2EDistrict District { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Unavailable ?? "The browser did not start.");

    public async ValueTask InitializeAsync()
    {
        if (Unavailable is not null)
        {
            return;
        }

        Directory.CreateDirectory(_dataDir);
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        var readiness = Services.GetRequiredService<Readiness>();
        for (var i = 0; i < 600 && !readiness.IsReady; i++)
        {
            await Task.Delay(100);
        }

        District = await E2EDistrict.SeedAsync(Services, Clock);

        // Generous waits: the suite shares two cores with the other test projects under scripts/test.sh.
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = E2EPrerequisites.ChromiumPath,
            Headless = true,
            Args = E2EPrerequisites.ChromiumArgs,
        });
    }

    public override async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        try
        {
            await base.DisposeAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or AggregateException or InvalidOperationException)
        {
            // Stopping the server can exceed its shutdown timeout on a loaded machine; the tests have
            // already passed or failed on their own, so say what happened instead of failing the run.
            await Console.Error.WriteLineAsync($"E2E server shutdown: {e.GetType().Name}: {e.Message}");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still held by a finishing background task; the OS cleans the temp folder.
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A fresh browser context (its own cookies) showing the console at 1440 × 900, Chinese by default.</summary>
    public async Task<IBrowserContext> NewContextAsync() =>
        await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });

    /// <summary>A phone-sized context (its own cookies) whose position is <paramref name="at"/>, with geolocation allowed.</summary>
    public async Task<IBrowserContext> NewPhoneContextAsync((double Lon, double Lat) at) =>
        await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            Geolocation = new Geolocation { Longitude = (float)at.Lon, Latitude = (float)at.Lat, Accuracy = 10 },
            Permissions = ["geolocation"],
        });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("DataDir", _dataDir);
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Database:MigrateOnStart", "true");
        builder.UseSetting("Intake:Retrain:Enabled", "false");
        // Telemetry partitions are a PostgreSQL matter; off here like in the server tests.
        builder.UseSetting("Telemetry:Partitions:Enabled", "false");
        builder.UseSetting("CIVICGRID_ADMIN_PASSWORD", E2EDistrict.Password);
        builder.UseSetting("Auth:SigningKey", Convert.ToBase64String(new byte[48]));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleApp>
{
    public const string Name = "console";
}
