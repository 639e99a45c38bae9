using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Security;

/// <summary>
/// Where the rest of the platform reports events that may signal abuse (风险预警). Calls are cheap
/// and never block on the database: counting happens in memory, a crossed threshold queues an alert
/// that <see cref="RiskAlertWriter"/> stores (table <c>security_alerts</c>) and announces on the live
/// feed (<c>security.alert</c>).
/// </summary>
public interface IRiskSignals
{
    /// <summary>A sign-in failed (wrong password, unknown user, locked account, wrong second factor).</summary>
    void LoginFailed(string userName, string? ipAddress);

    /// <summary>A user was shown a reporter's personal data in full (the audit trail calls this).</summary>
    void PersonalDataRead(Guid userId);

    /// <summary>A user performed a workflow transition.</summary>
    void CaseTransitioned(Guid userId);

    /// <summary>A report arrived from a source (<c>user:{id}</c>, <c>client:{id}</c>, <c>ip:{address}</c>).</summary>
    void ReportSubmitted(string source);
}

/// <summary>The alert kinds.</summary>
public static class RiskKinds
{
    public const string LoginBurstAccount = "login-burst-account";
    public const string LoginBurstIp = "login-burst-ip";
    public const string PersonalDataReads = "personal-data-reads";
    public const string MassTransitions = "mass-transitions";
    public const string ReportFlood = "report-flood";
}

/// <summary>
/// Sliding-window counters per (kind, subject) on the injected clock. One alert per subject per
/// window: after raising, the subject stays quiet until a window has passed. Counts are per server
/// node (documented in docs/security.md); alerts from every node land in the shared table.
/// </summary>
internal sealed class RiskMonitor(IOptionsMonitor<SecurityOptions> options, TimeProvider clock) : IRiskSignals
{
    private readonly ConcurrentDictionary<(string Kind, string Subject), Window> _windows = new();
    private readonly Channel<SecurityAlert> _raised = Channel.CreateBounded<SecurityAlert>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
    private long _events;

    public ChannelReader<SecurityAlert> Raised => _raised.Reader;

    public void LoginFailed(string userName, string? ipAddress)
    {
        var risk = options.CurrentValue.Risk;
        Count(RiskKinds.LoginBurstAccount, Bound(userName.Trim().ToLowerInvariant()), risk.LoginFailuresPerAccount, "failed sign-ins for one account");
        Count(RiskKinds.LoginBurstIp, ipAddress ?? "unknown", risk.LoginFailuresPerIp, "failed sign-ins from one address");
    }

    public void PersonalDataRead(Guid userId) =>
        Count(RiskKinds.PersonalDataReads, userId.ToString(), options.CurrentValue.Risk.PersonalDataReads, "reads of reporters' personal data by one user");

    public void CaseTransitioned(Guid userId) =>
        Count(RiskKinds.MassTransitions, userId.ToString(), options.CurrentValue.Risk.Transitions, "workflow transitions by one user");

    public void ReportSubmitted(string source) =>
        Count(RiskKinds.ReportFlood, Bound(source), options.CurrentValue.Risk.Reports, "reports from one source");

    private void Count(string kind, string subject, RiskThreshold threshold, string what)
    {
        var now = clock.GetUtcNow();
        var window = _windows.GetOrAdd((kind, subject), _ => new Window());
        int count;
        bool raise;
        lock (window)
        {
            while (window.Events.Count > 0 && now - window.Events.Peek() >= threshold.Window)
            {
                window.Events.Dequeue();
            }

            window.Events.Enqueue(now);
            count = window.Events.Count;
            raise = count >= threshold.Count && (window.LastRaised is not { } last || now - last >= threshold.Window);
            if (raise)
            {
                window.LastRaised = now;
            }
        }

        if (raise)
        {
            _raised.Writer.TryWrite(new SecurityAlert
            {
                Kind = kind,
                Subject = subject,
                Count = count,
                Window = threshold.Window,
                Detail = $"{count} {what} within {threshold.Window}.",
                RaisedAt = now,
            });
        }

        // Forget idle subjects now and then, so that the dictionary does not grow without bound.
        if (Interlocked.Increment(ref _events) % 10_000 == 0)
        {
            foreach (var (key, w) in _windows)
            {
                lock (w)
                {
                    if (w.Events.Count == 0 || now - w.Events.Last() > TimeSpan.FromDays(1))
                    {
                        _windows.TryRemove(key, out _);
                    }
                }
            }
        }
    }

    private static string Bound(string s) => s.Length > 200 ? s[..200] : s;

    private sealed class Window
    {
        public Queue<DateTimeOffset> Events { get; } = new();

        public DateTimeOffset? LastRaised { get; set; }
    }
}

/// <summary>Stores raised alerts with an outbox message (the live feed's <c>security.alert</c> event) in one transaction.</summary>
internal sealed partial class RiskAlertWriter(RiskMonitor monitor, IServiceScopeFactory scopes, ILogger<RiskAlertWriter> logger) : BackgroundService
{
    public const string EventType = "security.alert";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var alert in monitor.Raised.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
                db.SecurityAlerts.Add(alert);
                db.Outbox.Add(new OutboxMessage
                {
                    Type = EventType,
                    Payload = JsonSerializer.Serialize(SecurityAlertDto.From(alert), Json),
                    CreatedAt = alert.RaisedAt,
                });
                await db.SaveChangesAsync(stoppingToken);
                LogRaised(logger, alert.Kind, alert.Count);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e, alert.Kind);
            }
        }
    }

    // The subject (a user name or address) is not logged: it may be personal data; the table has it.
    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Security alert {Kind} raised ({Count} events)")]
    private static partial void LogRaised(ILogger logger, string kind, int count);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "Could not store a {Kind} security alert")]
    private static partial void LogFailed(ILogger logger, Exception exception, string kind);
}

/// <summary>A security alert over HTTP and on the live feed.</summary>
public sealed record SecurityAlertDto(Guid Id, string Kind, string Subject, int Count, int WindowSeconds, string Detail, DateTimeOffset RaisedAt, DateTimeOffset? AcknowledgedAt)
{
    public static SecurityAlertDto From(SecurityAlert a) =>
        new(a.Id, a.Kind, a.Subject, a.Count, (int)a.Window.TotalSeconds, a.Detail, a.RaisedAt, a.AcknowledgedAt);
}
