using CivicGrid.Domain.Cases;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Notifications;

/// <summary>
/// Delivers the citizen notices that case changes wrote to the outbox (<c>citizen_notices</c>, same
/// transaction as the change): at least once, to every reporter who asked, over their channel.
/// A node claims a notice for a minute before sending (two nodes never send it at once); each
/// (notice, reporter, channel) sent is recorded, so a retry after a crash or a failed channel skips
/// what already went out, and what was sent twice (a crash between sending and recording) carries
/// the same message id for the receiver to drop. Nothing is lost across restarts: a notice stays
/// pending in the database until delivered.
/// </summary>
public sealed partial class NotificationDispatcher(
    IServiceScopeFactory scopes, IEnumerable<INotificationChannel> channels, IOptions<NotificationOptions> options,
    Readiness readiness, TimeProvider clock, ILogger<NotificationDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(1);

    /// <summary>One pass over the pending notices; returns how many messages were sent.</summary>
    public async Task<int> DeliverPendingAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var now = clock.GetUtcNow();
        var due = await db.CitizenNotices.AsNoTracking()
            .Where(n => n.DeliveredAt == null && n.NextAttemptAt <= now && (n.LockedUntil == null || n.LockedUntil < now))
            .OrderBy(n => n.CreatedAt)
            .Take(50)
            .Select(n => n.Id)
            .ToListAsync(ct);
        var sent = 0;
        foreach (var id in due)
        {
            var until = now + Claim;
            var claimed = await db.CitizenNotices
                .Where(n => n.Id == id && n.DeliveredAt == null && (n.LockedUntil == null || n.LockedUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.LockedUntil, until), ct);
            if (claimed == 1)
            {
                sent += await DeliverAsync(db, id, ct);
            }
        }

        return sent;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!readiness.IsReady)
            {
                continue;
            }

            try
            {
                await DeliverPendingAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPassFailed(logger, e);
            }
        }
    }

    private async Task<int> DeliverAsync(CivicGridDbContext db, Guid noticeId, CancellationToken ct)
    {
        var notice = await db.CitizenNotices.SingleAsync(n => n.Id == noticeId, ct);
        var c = await db.Cases.AsNoTracking().Where(x => x.Id == notice.CaseId).Select(x => new { x.Number, x.TrackingCode }).SingleAsync(ct);
        var reporters = await db.CaseReporters.AsNoTracking()
            .Where(r => r.CaseId == notice.CaseId && r.NotifyBy != NotifyBy.None)
            .ToListAsync(ct);
        var done = await db.NotificationDeliveries.AsNoTracking()
            .Where(d => d.NoticeId == notice.Id)
            .Select(d => d.ReporterId)
            .ToListAsync(ct);
        var kind = Enum.Parse<NoticeKind>(notice.Kind);
        var sent = 0;
        string? error = null;
        foreach (var reporter in reporters.Where(r => !done.Contains(r.Id)))
        {
            var channel = channels.FirstOrDefault(ch => ch.Serves == reporter.NotifyBy && ch.IsConfigured);
            if (channel is null)
            {
                error = $"no {reporter.NotifyBy} channel is configured";
                continue;
            }

            var message = NoticeText.Compose($"{notice.Id:N}.{reporter.Id:N}", kind, notice.Reason, c.TrackingCode, options.Value.PublicBaseUrl, reporter.Language == "en");
            try
            {
                await channel.SendAsync(message, reporter, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                error = $"{reporter.NotifyBy}: {e.Message}";
                LogSendFailed(logger, c.Number, reporter.NotifyBy.ToString(), e);
                continue;
            }

            db.NotificationDeliveries.Add(new NotificationDeliveryRecord { NoticeId = notice.Id, ReporterId = reporter.Id, Channel = reporter.NotifyBy.ToString(), SentAt = clock.GetUtcNow() });
            await db.SaveChangesAsync(ct);
            sent++;
        }

        var now = clock.GetUtcNow();
        notice.LockedUntil = null;
        if (error is null)
        {
            notice.DeliveredAt = now;
        }
        else
        {
            notice.Attempts++;
            notice.LastError = error.Length > 500 ? error[..500] : error;
            notice.NextAttemptAt = now + TimeSpan.FromSeconds(Math.Min(3600, 10 * Math.Pow(2, Math.Min(notice.Attempts, 12))));
        }

        await db.SaveChangesAsync(ct);
        return sent;
    }

    [LoggerMessage(EventId = 1050, Level = LogLevel.Warning, Message = "Notification pass failed; retrying")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1051, Level = LogLevel.Warning, Message = "Notification for case {CaseNumber} over {Channel} failed; it will be retried")]
    private static partial void LogSendFailed(ILogger logger, string caseNumber, string channel, Exception exception);
}

/// <summary>The text of a notice, in the reporter's language. No personal data beyond the tracking code.</summary>
public static class NoticeText
{
    public static CitizenMessage Compose(string id, NoticeKind kind, string? reason, string trackingCode, string baseUrl, bool english)
    {
        var url = $"{baseUrl.TrimEnd('/')}/track/{trackingCode}{(english ? "?lang=en" : string.Empty)}";
        var subject = english ? $"Your report {trackingCode}: {EnglishTitle(kind)}" : $"您反映的问题（查询码 {trackingCode}）：{ChineseTitle(kind)}";
        var body = (english ? EnglishBody(kind, reason) : ChineseBody(kind, reason)) + (english ? $" Follow it at {url}" : $" 查看进度：{url}");
        return new CitizenMessage(id, subject, body)
        {
            TrackingCode = trackingCode,
            Title = english ? EnglishTitle(kind) : ChineseTitle(kind),
            Url = url,
        };
    }

    private static string ChineseTitle(NoticeKind kind) => kind switch
    {
        NoticeKind.Filed => "已立案",
        NoticeKind.Dispatched => "已派遣",
        NoticeKind.Fixed => "已处置",
        NoticeKind.Closed => "已结案",
        NoticeKind.Rejected => "不予立案",
        NoticeKind.Merged => "已合并",
        _ => "重新办理",
    };

    private static string EnglishTitle(NoticeKind kind) => kind switch
    {
        NoticeKind.Filed => "filed",
        NoticeKind.Dispatched => "dispatched",
        NoticeKind.Fixed => "fixed",
        NoticeKind.Closed => "closed",
        NoticeKind.Rejected => "not accepted",
        NoticeKind.Merged => "merged",
        _ => "reopened",
    };

    private static string ChineseBody(NoticeKind kind, string? reason) => kind switch
    {
        NoticeKind.Filed => "已立案，正在派遣责任部门。",
        NoticeKind.Dispatched => "已派遣至责任部门处理。",
        NoticeKind.Fixed => "责任部门反馈已处置，正在核查。",
        NoticeKind.Closed => "已结案。欢迎凭评价密钥评价处理结果。",
        NoticeKind.Rejected => $"不予立案。原因：{reason}",
        NoticeKind.Merged => "与其他市民反映的同一问题合并办理。",
        _ => "已重新办理。",
    };

    private static string EnglishBody(NoticeKind kind, string? reason) => kind switch
    {
        NoticeKind.Filed => "It has been filed and is being sent to the responsible department.",
        NoticeKind.Dispatched => "It has been sent to the responsible department.",
        NoticeKind.Fixed => "The department reports it fixed; the centre is checking.",
        NoticeKind.Closed => "It is closed. You can rate the result with your rating secret.",
        NoticeKind.Rejected => $"It was not accepted. Reason: {reason}",
        NoticeKind.Merged => "It was merged with another report of the same problem.",
        _ => "It has been reopened.",
    };
}
