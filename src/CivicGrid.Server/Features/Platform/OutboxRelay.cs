using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Platform;

/// <summary>
/// Reads the outbox in order and hands each event to this node's live subscribers. Every node
/// reads with its own cursor (no claiming), so each node's clients see every event; rows are
/// kept for <see cref="Retention"/> and then removed by whichever node gets there first
/// (an idempotent delete).
/// </summary>
public sealed partial class OutboxRelay(IServiceScopeFactory scopes, LiveEvents live, Readiness readiness, TimeProvider clock, ILogger<OutboxRelay> logger) : BackgroundService
{
    public static TimeSpan PollInterval { get; } = TimeSpan.FromSeconds(1);

    public static TimeSpan Retention { get; } = TimeSpan.FromDays(7);

    private long _cursor = -1;

    /// <summary>One pass: publishes what arrived since the cursor; returns the new cursor.</summary>
    public static async Task<long> RelayOnceAsync(CivicGridDbContext db, LiveEvents live, long cursor, CancellationToken ct)
    {
        var batch = await db.Outbox.AsNoTracking().Where(m => m.Id > cursor).OrderBy(m => m.Id).Take(500).ToListAsync(ct);
        foreach (var m in batch)
        {
            live.Publish(new LiveEvent(m.Id, m.Type, m.Payload, m.CreatedAt));
            cursor = m.Id;
        }

        return cursor;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        var lastCleanup = DateTimeOffset.MinValue;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!readiness.IsReady)
            {
                continue;
            }

            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
                if (_cursor < 0)
                {
                    // Start at the end: a node that starts late does not replay history to live clients.
                    _cursor = await db.Outbox.MaxAsync(m => (long?)m.Id, stoppingToken) ?? 0;
                }

                _cursor = await RelayOnceAsync(db, live, _cursor, stoppingToken);
                var now = clock.GetUtcNow();
                if (now - lastCleanup > TimeSpan.FromHours(1))
                {
                    var cutoff = now - Retention;
                    await db.Outbox.Where(m => m.CreatedAt < cutoff).ExecuteDeleteAsync(stoppingToken);
                    lastCleanup = now;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRelayFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Outbox relay pass failed; retrying")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);
}
