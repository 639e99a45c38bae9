using System.Text.Json;
using System.Text.Json.Serialization;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Audit;
using CivicGrid.Server.Features.Auth;
using CivicGrid.Server.Features.Calendar;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Demo;
using CivicGrid.Server.Features.Geocoding;
using CivicGrid.Server.Features.Open311;
using CivicGrid.Server.Features.Inspection;
using CivicGrid.Server.Features.Intake;
using CivicGrid.Server.Features.PersonalData;
using CivicGrid.Server.Features.Intake.Classification;
using CivicGrid.Server.Features.Notifications;
using CivicGrid.Server.Features.Platform;
using CivicGrid.Server.Features.Security;
using CivicGrid.Server.Features.Sensing;
using CivicGrid.Server.Features.Transparency;
using CivicGrid.Server.Features.Users;
using CivicGrid.Server.Features.WebConsole;
using CivicGrid.Server.Features.WeChat;
using Microsoft.Extensions.Options;
using NetTopologySuite.IO.Converters;

namespace CivicGrid.Server;

/// <summary>Composition of the web host: a table of contents of the features.</summary>
public static class ServerHost
{
    /// <summary>Builds the application (used by <c>serve</c> and by the tests' WebApplicationFactory).</summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        // Settings files sit beside the executable, wherever it is started from; the data folder is relative to the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            // The server's name whoever hosts it (the CLI, a test, a benchmark): static web assets are found by it.
            ApplicationName = typeof(ServerHost).Assembly.GetName().Name,
        });
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.AddCommon();
        builder.AddDatabase();
        builder.AddPlatform();
        builder.AddSecurity();
        builder.AddAuth();
        builder.AddCityModel();
        builder.AddGeocoding();
        builder.AddCalendar();
        builder.AddCases();
        builder.AddClassification();
        builder.AddIntake();
        builder.AddNotifications();
        builder.AddUsers();
        builder.AddSensing();
        builder.AddDemo();
        builder.AddConsole();
        builder.AddOpen311();
        builder.AddWeChat();
        builder.AddAudit();
        builder.AddPersonalData();
        builder.AddTransparency();

        var app = builder.Build();
        app.UseTrustedProxies();
        app.UseExceptionHandler();
        app.UseSecurityHeaders(app.Environment);
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRequestLimits();
        app.UseAuthorization();
        app.UseConsole();
        app.UseMiddleware<IdempotencyMiddleware>();

        app.MapPlatform();
        app.MapAuth();
        app.MapSecurity();
        app.MapCityModel();
        app.MapGeocoding();
        app.MapCalendar();
        app.MapCases();
        app.MapUsers();
        app.MapSensing();
        app.MapConsole();
        app.MapOpen311();
        app.MapIntake();
        app.MapInspection();
        app.MapWeChat();
        app.MapAudit();
        app.MapPersonalData();
        app.MapTransparency();
        return app;
    }

    private static void AddCommon(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ServerOptions>().Bind(builder.Configuration)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDir), "DataDir must not be empty.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
    }

    /// <summary>The JSON conventions of the API: camelCase, enums as camelCase strings, GeoJSON geometries.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new GeoJsonConverterFactory());
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    private static void AddDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PersistenceOptions>().BindConfiguration(PersistenceOptions.SectionName)
            .Validate(o => o.Provider == DatabaseProvider.Sqlite || !string.IsNullOrWhiteSpace(o.ConnectionString), "Database:ConnectionString is required for PostgreSQL.")
            .ValidateOnStart();
        builder.Services.AddCivicGridDatabase(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PersistenceOptions>>().Value;
            var connectionString = options.Provider == DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(options.ConnectionString)
                ? PersistenceServiceCollectionExtensions.SqliteFileConnectionString(sp.GetRequiredService<IOptions<ServerOptions>>().Value.EnsureDataDir())
                : options.ConnectionString ?? string.Empty;
            return (options.Provider, connectionString);
        });
    }
}
