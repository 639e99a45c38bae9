using System.Globalization;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Calendar;

/// <summary>
/// The working calendar and time-limit table as admins configured them in the database. Cached
/// briefly and dropped on every edit made on this node; other nodes see an edit within the cache
/// lifetime.
/// </summary>
public sealed class SlaPolicyProvider(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (Policy Policy, DateTimeOffset LoadedAt)? _cached;

    public async Task<ISlaPolicy> GetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cached is { } c && now - c.LoadedAt < CacheLifetime && now >= c.LoadedAt)
        {
            return c.Policy;
        }

        await _gate.WaitAsync(ct);
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var days = await db.CalendarDays.AsNoTracking().ToListAsync(ct);
            var limits = await db.TimeLimits.AsNoTracking().ToListAsync(ct);
            var calendar = new WorkingCalendar(days.Select(d => new CalendarException(d.Date, Enum.Parse<CalendarDayKind>(d.Kind, ignoreCase: true), d.Name)));
            var table = new TimeLimitTable(limits.Select(l => new TimeLimitRule(
                l.CategoryCode == "*" ? null : l.CategoryCode,
                Enum.Parse<Urgency>(l.Urgency),
                Enum.Parse<CaseStage>(l.Stage),
                new TimeLimit(l.Value, Enum.Parse<TimeLimitUnit>(l.Unit)))));
            var policy = new Policy(calendar, table);
            _cached = (policy, now);
            return policy;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Drops the cache after an edit.</summary>
    public void Invalidate() => _cached = null;

    /// <summary>Formats a date the way the calendar API spells it.</summary>
    public static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record Policy(WorkingCalendar Calendar, TimeLimitTable Table) : ISlaPolicy
    {
        public TimeLimit LimitFor(string categoryCode, Urgency urgency, CaseStage stage) => Table.Lookup(categoryCode, urgency, stage);
    }
}
