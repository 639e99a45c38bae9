using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Platform;

/// <summary>
/// On start: applies migrations (embedded mode, or when configured), seeds what every city needs
/// (categories, calendar, default time limits, the admin user), then in demo mode seeds the demo
/// district in the background and reports ready when that is done.
/// </summary>
public sealed partial class StartupTasks(
    IServiceScopeFactory scopes,
    IOptions<ServerOptions> server,
    IOptions<PersistenceOptions> persistence,
    Readiness readiness,
    IHostApplicationLifetime lifetime,
    ILogger<StartupTasks> logger) : IHostedService
{
    private Task? _demo;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var migrate = persistence.Value.MigrateOnStart ?? persistence.Value.Provider == DatabaseProvider.Sqlite;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            if (migrate)
            {
                readiness.Set("migrating");
                await db.Database.MigrateAsync(cancellationToken);
            }

            readiness.Set("seeding");
            await scope.ServiceProvider.GetRequiredService<BaseSeeder>().SeedAsync(cancellationToken);
        }

        if (!server.Value.Demo)
        {
            readiness.Set("ready");
            return;
        }

        readiness.Set("seeding demo district");
        _demo = Task.Run(async () =>
        {
            try
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(lifetime.ApplicationStopping);
                readiness.Set("ready");
                LogDemoReady(logger);
            }
            catch (OperationCanceledException)
            {
                readiness.Set("stopped");
            }
            catch (Exception e)
            {
                LogDemoFailed(logger, e);
                readiness.Set("demo seeding failed");
                lifetime.StopApplication();
            }
        }, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_demo is { } demo)
        {
            await demo.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Demo district ready")]
    private static partial void LogDemoReady(ILogger logger);

    [LoggerMessage(EventId = 11, Level = LogLevel.Critical, Message = "Demo seeding failed; stopping")]
    private static partial void LogDemoFailed(ILogger logger, Exception exception);
}
