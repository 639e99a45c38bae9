using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Platform;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Cases;

/// <summary>
/// Marks and escalates stages past their deadline: every case whose running stage is due gets an
/// "overdue" history step and an event in the outbox, once. Safe on several nodes: the update is
/// idempotent and guarded by the case's concurrency token.
/// </summary>
public sealed partial class DeadlineJob(IServiceScopeFactory scopes, Readiness readiness, TimeProvider clock, ILogger<DeadlineJob> logger) : BackgroundService
{
    /// <summary>How often the job looks.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromMinutes(1);

    /// <summary>One pass: returns how many cases were escalated.</summary>
    public static async Task<int> RunOnceAsync(CivicGridDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        using var job = Audit.AuditJob.Begin("deadline");
        var escalated = 0;
        while (true)
        {
            var due = await db.Cases
                .Where(c => !c.IsOverdue && c.CurrentDueAt != null && c.CurrentDueAt < now)
                .OrderBy(c => c.CurrentDueAt)
                .Take(200)
                .ToListAsync(ct);
            if (due.Count == 0)
            {
                return escalated;
            }

            foreach (var c in due)
            {
                if (c.MarkOverdue(now))
                {
                    escalated++;
                }
            }

            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsConflict(e))
            {
                // Another node or a user changed one of them; the next pass sees the fresh state.
                db.ChangeTracker.Clear();
                return escalated;
            }

            db.ChangeTracker.Clear();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            if (!readiness.IsReady)
            {
                continue;
            }

            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
                var n = await RunOnceAsync(db, clock.GetUtcNow(), stoppingToken);
                if (n > 0)
                {
                    LogEscalated(logger, n);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Escalated {Count} overdue case stages")]
    private static partial void LogEscalated(ILogger logger, int count);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Deadline check failed; it runs again at the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
