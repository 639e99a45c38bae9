using CivicGrid.Domain.Cases;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Audit;
using CivicGrid.Server.Features.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.PersonalData;

/// <summary>
/// The retention rule: a case finished (closed, rejected, merged or voided) longer ago than
/// <see cref="PersonalDataOptions.RetentionPeriod"/> loses its reporter's name and phone number and
/// the contact details of its Open311 submission and updates; the case, its history and its
/// statistics stay. Idempotent (a second run finds nothing), audited (each change is an audit
/// entry attributed to the job, plus one summary entry), and safe on several nodes (a conflict
/// leaves the case to the next run).
/// </summary>
internal sealed partial class RetentionJob(
    IServiceScopeFactory scopes, Readiness readiness, IOptions<PersonalDataOptions> options, TimeProvider clock, ILogger<RetentionJob> logger) : BackgroundService
{
    public const string JobName = "retention";
    private const int Batch = 200;

    /// <summary>One pass: returns the number of cases whose personal data was erased.</summary>
    public static async Task<int> RunOnceAsync(CivicGridDbContext db, DateTimeOffset now, TimeSpan period, CancellationToken ct)
    {
        using var job = AuditJob.Begin(JobName);
        var cutoff = now - period;
        var erased = 0;
        var seen = new HashSet<Guid>();
        while (true)
        {
            var due = await db.Cases
                .Where(c => (c.Status == CaseStatus.Closed && c.ClosedAt < cutoff)
                    || ((c.Status == CaseStatus.Rejected || c.Status == CaseStatus.Merged || c.Status == CaseStatus.Voided) && c.UpdatedAt < cutoff))
                .Where(c => c.ReporterName != null || c.ReporterPhone != null
                    || db.CaseReporters.Any(r => r.CaseId == c.Id && (r.ReporterName != null || r.ReporterPhone != null || r.ReporterEmail != null || r.ReporterWeChatOpenId != null))
                    || db.Set<Open311Submission>().Any(s => s.CaseId == c.Id && (s.Email != null || s.AccountId != null || s.DeviceId != null))
                    || db.Set<Open311Update>().Any(u => u.CaseId == c.Id && (u.Email != null || u.Phone != null || u.FirstName != null || u.LastName != null)))
                .Where(c => !seen.Contains(c.Id))
                .OrderBy(c => c.Id)
                .Take(Batch)
                .ToListAsync(ct);
            if (due.Count == 0)
            {
                break;
            }

            var ids = due.Select(c => c.Id).ToList();
            seen.UnionWith(ids);
            foreach (var c in due)
            {
                c.ErasePersonalData();
            }

            foreach (var r in await db.CaseReporters.Where(r => ids.Contains(r.CaseId)).ToListAsync(ct))
            {
                r.ErasePersonalData();
            }

            foreach (var s in await db.Set<Open311Submission>().Where(s => ids.Contains(s.CaseId)).ToListAsync(ct))
            {
                s.Email = null;
                s.AccountId = null;
                s.DeviceId = null;
            }

            foreach (var u in await db.Set<Open311Update>().Where(u => ids.Contains(u.CaseId)).ToListAsync(ct))
            {
                u.Email = null;
                u.Phone = null;
                u.FirstName = null;
                u.LastName = null;
            }

            db.Record(AuditActions.PersonalDataErase, null, null, new { cases = due.Count, closedBefore = cutoff });
            try
            {
                await db.SaveChangesAsync(ct);
                erased += due.Count;
            }
            catch (DbUpdateException e) when (DbErrors.IsConflict(e))
            {
                // Someone changed one of them meanwhile; the next run sees the fresh state.
            }

            db.ChangeTracker.Clear();
        }

        return erased;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RetentionInterval, clock);
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
                var n = await RunOnceAsync(db, clock.GetUtcNow(), options.Value.RetentionPeriod, stoppingToken);
                if (n > 0)
                {
                    LogErased(logger, n);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 5310, Level = LogLevel.Information, Message = "Retention: erased the personal data of {Count} finished cases")]
    private static partial void LogErased(ILogger logger, int count);

    [LoggerMessage(EventId = 5311, Level = LogLevel.Error, Message = "Retention job failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
