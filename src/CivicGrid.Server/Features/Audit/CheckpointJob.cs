using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Audit;

/// <summary>
/// Anchors the end of the audit chain every <see cref="AuditOptions.CheckpointInterval"/>: a row
/// "entry N has hash H" signed with the checkpoint key. Rewriting the chain up to N then needs the
/// key, which lives outside the database. Safe on several nodes: the checkpoint's key is the
/// sequence number, so a second node's identical checkpoint is refused and ignored.
/// </summary>
internal sealed partial class CheckpointJob(
    IServiceScopeFactory scopes, Readiness readiness, AuditCheckpointKey key, IOptions<AuditOptions> options, TimeProvider clock, ILogger<CheckpointJob> logger) : BackgroundService
{
    /// <summary>Writes a checkpoint when entries were appended since the last one; returns it, or null.</summary>
    public static async Task<AuditCheckpoint?> RunOnceAsync(CivicGridDbContext db, byte[] key, DateTimeOffset now, CancellationToken ct)
    {
        var head = await db.AuditChainHead.AsNoTracking().FirstAsync(ct);
        var last = await db.AuditCheckpoints.AsNoTracking().OrderByDescending(c => c.Sequence).Select(c => (long?)c.Sequence).FirstOrDefaultAsync(ct);
        if (head.LastSequence == 0 || head.LastSequence == last)
        {
            return null;
        }

        var at = AuditChain.ToMicroseconds(now);
        var checkpoint = new AuditCheckpoint
        {
            Sequence = head.LastSequence,
            Hash = head.LastHash,
            At = at,
            Signature = AuditChain.Sign(key, head.LastSequence, head.LastHash, at),
        };
        db.AuditCheckpoints.Add(checkpoint);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            return null;
        }

        return checkpoint;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, clock);
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
                if (await RunOnceAsync(db, key.Bytes, clock.GetUtcNow(), stoppingToken) is { } c)
                {
                    LogCheckpoint(logger, c.Sequence);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 5300, Level = LogLevel.Information, Message = "Audit chain anchored at entry #{Sequence}")]
    private static partial void LogCheckpoint(ILogger logger, long sequence);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Error, Message = "Audit checkpoint failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
