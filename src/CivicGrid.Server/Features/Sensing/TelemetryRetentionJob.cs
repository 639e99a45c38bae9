using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// Enforces <see cref="TelemetryRetentionOptions"/> every <see cref="TelemetryRetentionOptions.Interval"/>
/// on the injected clock (<see cref="TelemetryRetention"/> does the work). Every node may run it at
/// the same time: the roll-ups and deletes are idempotent.
/// </summary>
public sealed partial class TelemetryRetentionJob(
    IServiceScopeFactory scopes,
    IOptions<TelemetryOptions> options,
    Platform.Readiness readiness,
    TimeProvider clock,
    ILogger<TelemetryRetentionJob> logger) : BackgroundService
{
    /// <summary>One pass with the configured policy at the clock's present.</summary>
    public async Task<RetentionResult> RunOnceAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var result = await TelemetryRetention.RunAsync(db, options.Value.Retention.Policy, clock.GetUtcNow(), ct);
        if (result.RawDeleted + result.MinuteRollupsDeleted + result.HourRollupsDeleted + result.PartitionsDropped > 0)
        {
            LogPass(logger, result.PartitionsDropped, result.HoursRolledUp, result.RawDeleted, result.RollupsWritten, result.MinuteRollupsDeleted, result.HourRollupsDeleted);
        }

        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = options.Value.Retention;
        if (!retention.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(retention.Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!readiness.IsReady)
            {
                continue;
            }

            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 3120, Level = LogLevel.Information, Message = "Telemetry retention: {Days} day partitions and {Hours} hours rolled up, {Raw} raw readings deleted, {Rollups} roll-ups written, {Minute} minute and {Hour} hour roll-ups deleted")]
    private static partial void LogPass(ILogger logger, int days, int hours, int raw, int rollups, int minute, int hour);

    [LoggerMessage(EventId = 3121, Level = LogLevel.Warning, Message = "The telemetry retention pass failed; it runs again at the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
