using CivicGrid.Domain.Telemetry.Rules;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Sensing;

/// <summary>
/// The enabled rules, cached briefly and dropped on every edit made on this node; other nodes see
/// an edit within the cache lifetime.
/// </summary>
public sealed class AlarmRuleCache(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (IReadOnlyList<AlarmRule> Rules, DateTimeOffset LoadedAt)? _cached;

    public async Task<IReadOnlyList<AlarmRule>> GetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_cached is { } c && now - c.LoadedAt < Lifetime && now >= c.LoadedAt)
        {
            return c.Rules;
        }

        await _gate.WaitAsync(ct);
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var rules = await db.AlarmRules.AsNoTracking().Where(r => r.Enabled).ToListAsync(ct);
            _cached = (rules, now);
            return rules;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _cached = null;

    public void Dispose() => _gate.Dispose();
}
