using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Cases;

/// <summary>
/// Time limits under a fake clock: stages turn yellow at 80 % and red when overdue, the deadline job
/// escalates once, and overdue cases are found by the list filter. Each engine gets its own app
/// because these tests move the clock.
/// </summary>
public abstract class DeadlineTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task DispatchStage_TurnsYellowThenRed_AndIsEscalatedOnce()
    {
        // Monday 09:30 Beijing; the dispatch stage allows 0.5 work hour (30 working minutes).
        MoveClockToNext(DayOfWeek.Monday, 9, 30);
        var id = Id(await ReportAsync());
        var filed = await StepAsync("operator", id, new { action = "file" });
        Assert.Equal("dispatch", filed.GetProperty("currentStage").GetString());
        Assert.Equal("green", filed.GetProperty("light").GetString());
        var due = filed.GetProperty("dueAt").GetDateTimeOffset();
        var warning = filed.GetProperty("warningAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromMinutes(24), warning - App.Clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromMinutes(30), due - App.Clock.GetUtcNow());

        App.Clock.SetUtcNow(warning);
        Assert.Equal("yellow", (await GetCaseAsync(id)).GetProperty("light").GetString());

        App.Clock.SetUtcNow(due.AddSeconds(1));
        var red = await GetCaseAsync(id);
        Assert.Equal("red", red.GetProperty("light").GetString());
        Assert.True(red.GetProperty("isOverdue").GetBoolean());

        // The hosted job may have run already on the clock's tick; either way the case is escalated once.
        await RunDeadlineJobAsync();
        Assert.Equal(0, await RunDeadlineJobAsync());
        var escalated = await GetCaseAsync(id);
        Assert.Single(escalated.GetProperty("history").EnumerateArray(), h => h.GetProperty("action").GetString() == "overdue");

        var client = await AsAsync("supervisor");
        var overdue = await client.GetFromJsonAsync<JsonElement>("/api/v1/cases?overdue=true&pageSize=200", Ct);
        Assert.Contains(overdue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);

        // Dispatching late finishes the stage, records that it was late, and starts a green handle stage.
        var dispatched = await StepAsync("dispatcher", id, new { action = "dispatch" });
        var dispatchStage = dispatched.GetProperty("stages").EnumerateArray().Single(s => s.GetProperty("stage").GetString() == "dispatch");
        Assert.False(dispatchStage.GetProperty("finishedOnTime").GetBoolean());
        Assert.Equal("green", dispatched.GetProperty("light").GetString());
        Assert.False(dispatched.GetProperty("isOverdue").GetBoolean());
    }

    [Fact]
    public async Task WorkHours_SkipTheWeekend()
    {
        // Friday 17:20 Beijing: 10 working minutes left that day; 30 minutes are due Monday 09:20.
        var friday = MoveClockToNext(DayOfWeek.Friday, 17, 20);
        var id = Id(await ReportAsync());
        var filed = await StepAsync("operator", id, new { action = "file" });

        Assert.Equal(friday.AddDays(3).AddHours(-8), filed.GetProperty("dueAt").GetDateTimeOffset());
    }

    /// <summary>Moves the fake clock forward to the next given weekday and Beijing time (March 2026 has no holidays).</summary>
    private DateTimeOffset MoveClockToNext(DayOfWeek day, int hour, int minute)
    {
        var beijing = TimeSpan.FromHours(8);
        var local = App.Clock.GetUtcNow().ToOffset(beijing);
        var target = new DateTimeOffset(local.Year, local.Month, local.Day, hour, minute, 0, beijing).AddDays(1);
        while (target.DayOfWeek != day)
        {
            target = target.AddDays(1);
        }

        App.Clock.SetUtcNow(target.ToUniversalTime());
        return target;
    }

    private async Task<int> RunDeadlineJobAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await DeadlineJob.RunOnceAsync(scope.ServiceProvider.GetRequiredService<CivicGridDbContext>(), App.Clock.GetUtcNow(), Ct);
    }
}

public sealed class DeadlineTestsOnSqlite(DeadlineTestsOnSqlite.SqliteDeadlineApp app) : DeadlineTests(app), IClassFixture<DeadlineTestsOnSqlite.SqliteDeadlineApp>
{
    public sealed class SqliteDeadlineApp : CivicGridApp
    {
        protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
    }
}

public sealed class DeadlineTestsOnPostgres(DeadlineTestsOnPostgres.PostgresDeadlineApp app) : DeadlineTests(app), IClassFixture<DeadlineTestsOnPostgres.PostgresDeadlineApp>
{
    public sealed class PostgresDeadlineApp : CivicGridApp
    {
        protected override DatabaseProvider Provider => DatabaseProvider.Postgres;
    }
}
