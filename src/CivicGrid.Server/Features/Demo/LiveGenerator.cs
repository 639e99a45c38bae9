using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Calendar;
using CivicGrid.Server.Features.Platform;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Demo;

/// <summary>
/// Keeps the demo district alive: while the server runs it files a new simulated report every
/// few seconds and moves open cases one step along the loop, as the centre's staff would.
/// </summary>
public sealed partial class LiveGenerator(IServiceScopeFactory scopes, Readiness readiness, IOptions<ServerOptions> server, TimeProvider clock, ILogger<LiveGenerator> logger) : BackgroundService
{
    /// <summary>Time between two ticks of the generator.</summary>
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!server.Value.Demo)
        {
            return;
        }

        var random = new Random();
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!readiness.IsReady)
            {
                continue;
            }

            try
            {
                using var scope = scopes.CreateScope();
                await TickAsync(scope.ServiceProvider, random, stoppingToken);
            }
            catch (Exception e) when (DbErrors.IsConflict(e))
            {
                // A person or the deadline job moved the same case meanwhile; the next tick takes it as it is now.
                LogTickConflict(logger);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTickFailed(logger, e);
            }
        }
    }

    private async Task TickAsync(IServiceProvider services, Random random, CancellationToken ct)
    {
        var db = services.GetRequiredService<CivicGridDbContext>();
        var sla = await services.GetRequiredService<SlaPolicyProvider>().GetAsync(ct);
        var now = clock.GetUtcNow();
        var users = await db.Users.AsNoTracking().Where(u => u.IsActive).ToListAsync(ct);
        Actor Staff(string name) => users.First(u => u.UserName == name).ToActor();

        // A new report somewhere in the district.
        var gridCount = await db.UnitGrids.CountAsync(ct);
        var grid = await db.UnitGrids.AsNoTracking().OrderBy(g => g.Code).Skip(random.Next(gridCount)).FirstAsync(ct);
        var (code, text) = LiveMix[random.Next(LiveMix.Length)];
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var number = await CaseNumbers.NextAsync(db, sla.Calendar.ToLocal(now).Year, ct);
            var point = DemoSeeder.RandomPointIn(grid.Boundary, grid.Boundary.EnvelopeInternal, random);
            db.Cases.Add(Case.Report(Guid.CreateVersion7(now), number, new CaseReport
            {
                Description = text + "（模拟数据）",
                CategoryCode = code,
                Source = CaseSource.Inspector,
                Longitude = point.X,
                Latitude = point.Y,
                GridCode = grid.Code,
                CommunityCode = grid.CommunityCode,
                StreetCode = grid.StreetCode,
            }, Staff("inspector"), now, sla));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        // Move one open case a step, as the staff on duty would.
        var open = await db.Cases
            .Where(c => c.Status == CaseStatus.Reported || c.Status == CaseStatus.Filed || c.Status == CaseStatus.Dispatched || c.Status == CaseStatus.Handling || c.Status == CaseStatus.Checking)
            .OrderBy(c => c.UpdatedAt)
            .FirstOrDefaultAsync(ct);
        if (open is null)
        {
            return;
        }

        // Dispatch as a dispatcher who takes the planner's suggestion; the assignee (else anyone of the department) handles.
        var plan = open.Status == CaseStatus.Filed ? await DispatchInputs.SuggestAsync(db, open, now, ct) : null;
        var handler = (open.AssigneeId is { } assignee ? users.FirstOrDefault(u => u.Id == assignee)
            : open.DepartmentId is { } d ? users.FirstOrDefault(u => u.DepartmentId == d && u.Role == Role.Handler) : null)?.ToActor();
        var supporter = open.CoHandling.FirstOrDefault(p => !p.IsDone) is { } part
            ? users.FirstOrDefault(u => u.DepartmentId == part.DepartmentId && u.Role == Role.Handler)?.ToActor()
            : null;
        (CaseTransition T, Actor A)? step = open.Status switch
        {
            CaseStatus.Reported => (new CaseTransition(CaseAction.File), Staff("operator")),
            CaseStatus.Filed => (new CaseTransition(CaseAction.Dispatch) { DepartmentId = plan!.DepartmentId, AssigneeId = plan.AssigneeId, CoHandlingDepartmentIds = plan.SupportingDepartmentIds, Suggestion = plan }, Staff("dispatcher")),
            CaseStatus.Dispatched when handler is not null => (new CaseTransition(CaseAction.Accept), handler),
            CaseStatus.Handling when supporter is not null => (new CaseTransition(CaseAction.CoHandlingDone) { Result = "协办已完成（模拟）" }, supporter),
            CaseStatus.Handling when handler is not null && open.PendingRequest == PendingRequest.None => (new CaseTransition(CaseAction.Feedback) { Result = "已处置（模拟）" }, handler),
            CaseStatus.Checking when open.CheckPassed is null => (new CaseTransition(CaseAction.Check) { Passed = true }, Staff("inspector")),
            CaseStatus.Checking when open.CheckPassed == true => (new CaseTransition(CaseAction.Close), Staff("supervisor")),
            _ => null,
        };
        if (step is { } s && (s.T.Action != CaseAction.Dispatch || s.T.DepartmentId is not null))
        {
            open.Apply(s.T, s.A, now, sla);
            await db.SaveChangesAsync(ct);
        }
    }

    private static readonly (string Code, string Text)[] LiveMix =
    [
        ("06010", "路边有暴露垃圾"), ("09009", "机动车乱停放"), ("07001", "非法小广告"), ("01037", "路灯不亮"),
        ("06042", "垃圾箱满溢"), ("01002", "污水井盖破损"), ("09006", "占道经营"), ("06012", "道路不洁"),
    ];

    [LoggerMessage(EventId = 32, Level = LogLevel.Debug, Message = "Demo generator step skipped: the case changed meanwhile")]
    private static partial void LogTickConflict(ILogger logger);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Demo generator tick failed")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
