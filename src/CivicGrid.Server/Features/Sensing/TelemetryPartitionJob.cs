using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// Keeps the daily partitions of the raw readings ahead of the clock on PostgreSQL
/// (<see cref="TelemetryPartitions"/>): once the server is ready and then every hour on the injected
/// clock, yesterday, today and the next <see cref="TelemetryPartitionOptions.DaysAhead"/> days get
/// their partition. Every node may run it: partition changes are serialised by an advisory lock.
/// Does nothing on SQLite or on a table created before partitioning.
/// </summary>
public sealed partial class TelemetryPartitionJob(
    IServiceScopeFactory scopes,
    IOptions<TelemetryOptions> options,
    Platform.Readiness readiness,
    TimeProvider clock,
    ILogger<TelemetryPartitionJob> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>One pass at the clock's present; returns how many partitions it created.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        if (!await TelemetryPartitions.IsPartitionedAsync(db, ct))
        {
            return 0;
        }

        var created = 0;
        foreach (var day in TelemetryPartitions.Window(clock.GetUtcNow(), options.Value.Partitions.DaysAhead))
        {
            if (await TelemetryPartitions.EnsureAsync(db, day, ct))
            {
                created++;
                LogCreated(logger, day.Year, day.Month, day.Day);
            }
        }

        return created;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Partitions.Enabled)
        {
            return;
        }

        // A start-up wait, not business time: real time, so that it also ends under a fake clock.
        while (!readiness.IsReady)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), stoppingToken);
        }

        using var timer = new PeriodicTimer(Interval, clock);
        do
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
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 3125, Level = LogLevel.Information, Message = "Telemetry partition of {Year}-{Month:00}-{Day:00} (UTC) created")]
    private static partial void LogCreated(ILogger logger, int year, int month, int day);

    [LoggerMessage(EventId = 3126, Level = LogLevel.Warning, Message = "The telemetry partition pass failed; it runs again at the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
