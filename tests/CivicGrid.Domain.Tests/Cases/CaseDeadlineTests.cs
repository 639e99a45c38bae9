using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;
using CivicGrid.Domain.Tests.Sla;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>Deadlines under the fake clock: escalation exactly after the due instant, and the traffic light.</summary>
public class CaseDeadlineTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    // Reported Monday 09:30, filed 09:35: the dispatch stage has 0.5 工作时, due 10:05, yellow from 09:59.
    private static readonly DateTimeOffset DispatchDue = Cst.At("2026-03-02 10:05");
    private static readonly DateTimeOffset DispatchWarn = Cst.At("2026-03-02 09:59");

    [Fact]
    public void FiledCase_DispatchClock_IsDueHalfAWorkingHourAfterFiling()
    {
        var c = CaseDriver.At(CaseStatus.Filed).Case;

        Assert.Equal(CaseStage.Dispatch, c.CurrentStage);
        Assert.Equal(DispatchDue, c.CurrentDueAt);
        Assert.Equal(DispatchWarn, c.CurrentWarnAt);
        Assert.Equal(TimeSpan.Zero, c.CurrentDueAt!.Value.Offset);
    }

    [Fact]
    public void MarkOverdue_BeforeDue_ReturnsFalseAndChangesNothing()
    {
        var driver = CaseDriver.At(CaseStatus.Filed);
        var before = driver.Snap();

        Assert.False(driver.Case.MarkOverdue(DispatchDue - TimeSpan.FromMinutes(1)));

        Assert.False(driver.Case.IsOverdue);
        Assert.Equal(before, driver.Snap());
    }

    [Fact]
    public void MarkOverdue_ExactlyAtDue_ReturnsFalse()
    {
        var driver = CaseDriver.At(CaseStatus.Filed);
        var before = driver.Snap();

        Assert.False(driver.Case.MarkOverdue(DispatchDue));

        Assert.False(driver.Case.IsOverdue);
        Assert.Equal(before, driver.Snap());
    }

    [Fact]
    public void MarkOverdue_OneTickAfterDue_EscalatesWithHistoryAndEvent()
    {
        var driver = CaseDriver.At(CaseStatus.Filed);
        var c = driver.Case;
        var version = c.Version;
        var now = DispatchDue + Tick;

        Assert.True(c.MarkOverdue(now));

        Assert.True(c.IsOverdue);
        Assert.Equal(CaseStatus.Filed, c.Status);
        Assert.Equal(version + 1, c.Version);
        Assert.Equal(now, c.UpdatedAt);
        var entry = c.History[^1];
        Assert.Equal(("overdue", c.Version, (CaseStatus?)CaseStatus.Filed, CaseStatus.Filed), (entry.Action, entry.Sequence, entry.FromStatus, entry.ToStatus));
        Assert.Equal((Actor.System.UserId, Actor.System.Role, now), (entry.ActorId, entry.ActorRole, entry.At));
        Assert.Contains("Dispatch", entry.Note, StringComparison.Ordinal);
        var raised = Assert.IsType<CaseStageOverdue>(c.Events[^1]);
        Assert.Equal(new CaseStageOverdue(c.Id, c.Number, now, CaseStage.Dispatch, DispatchDue), raised);
    }

    [Fact]
    public void MarkOverdue_SecondCall_ReturnsFalseAndAddsNothing()
    {
        var driver = CaseDriver.At(CaseStatus.Filed);
        Assert.True(driver.Case.MarkOverdue(DispatchDue + Tick));
        var before = driver.Snap();

        Assert.False(driver.Case.MarkOverdue(DispatchDue + TimeSpan.FromHours(3)));

        Assert.True(driver.Case.IsOverdue);
        Assert.Equal(before, driver.Snap());
        Assert.Single(driver.Case.Events, e => e is CaseStageOverdue);
    }

    [Fact]
    public void Dispatch_AfterEscalation_StartsAFreshClockAndRecordsTheLateStage()
    {
        var driver = CaseDriver.At(CaseStatus.Filed);
        driver.Case.MarkOverdue(DispatchDue + Tick);

        driver.SetTime("2026-03-02 10:30").DoNow(CaseAction.Dispatch);

        var c = driver.Case;
        Assert.False(c.IsOverdue);
        Assert.Equal(CaseStage.Handle, c.CurrentStage);
        Assert.False(c.Stages.Single(s => s.Stage == CaseStage.Dispatch).FinishedOnTime);
        Assert.True(c.Stages.Single(s => s.Stage == CaseStage.File).FinishedOnTime);
        Assert.Equal(Light.Green, c.LightAt(driver.Now));
    }

    [Theory]
    [InlineData("2026-03-02 09:35", Light.Green)]
    [InlineData("2026-03-02 09:58:59.9999999", Light.Green)]
    [InlineData("2026-03-02 09:59", Light.Yellow)] // 80 % of the half hour used
    [InlineData("2026-03-02 10:05", Light.Yellow)] // exactly due
    [InlineData("2026-03-02 10:05:00.0000001", Light.Red)]
    [InlineData("2026-03-03 09:00", Light.Red)]
    public void LightAt_FiledCase_GreenThenYellowFromWarningThenRedAfterDue(string now, Light expected) =>
        Assert.Equal(expected, CaseDriver.At(CaseStatus.Filed).Case.LightAt(Cst.At(now)));

    [Fact]
    public void LightAt_WarningInstant_IsEightyPercentOfTheAllowance()
    {
        var c = CaseDriver.At(CaseStatus.Filed).Case;
        var stage = c.Stages[^1];
        var calendar = TestSla.Policy.Calendar;

        Assert.Equal(0.8m, stage.ElapsedFraction(c.CurrentWarnAt!.Value, calendar));
        Assert.Equal(Light.Yellow, c.LightAt(c.CurrentWarnAt.Value));
        Assert.Equal(Light.Green, c.LightAt(c.CurrentWarnAt.Value - Tick));
    }

    [Fact]
    public void DispatchClock_FiledBeforeLunch_SkipsTheLunchBreak()
    {
        // Filed 11:50: 10 working minutes before 12:00, 20 after 13:30, so due 13:50 and yellow from 13:44.
        var c = CaseDriver.Report(at: Cst.At("2026-03-02 11:45")).Do(CaseAction.File).Case;

        Assert.Equal(Cst.At("2026-03-02 13:50"), c.CurrentDueAt);
        Assert.Equal(Cst.At("2026-03-02 13:44"), c.CurrentWarnAt);
        Assert.Equal(Light.Green, c.LightAt(Cst.At("2026-03-02 13:00")));
        Assert.False(c.MarkOverdue(Cst.At("2026-03-02 13:00")));
    }

    [Fact]
    public void HandleClock_EmergencyCase_CountsAroundTheClockAtTheWeekend()
    {
        // Saturday 2026-03-07 22:00: a missing manhole cover with a hazard, 特急.
        var driver = CaseDriver.Report(Urgency.Emergency, Cst.At("2026-03-07 22:00"))
            .Do(CaseAction.File)
            .Do(CaseAction.Dispatch);
        var c = driver.Case;
        var dispatchedAt = driver.Now;

        Assert.Equal(TimeLimit.EmergencyWorkHours(2m), c.Stages[^1].Limit);
        Assert.Equal(dispatchedAt + TimeSpan.FromHours(2), c.CurrentDueAt);
        Assert.Equal(Cst.At("2026-03-08 00:10"), c.CurrentDueAt);
        Assert.Equal(Light.Yellow, c.LightAt(dispatchedAt + TimeSpan.FromMinutes(96)));
        Assert.False(c.MarkOverdue(Cst.At("2026-03-08 00:10")));
        Assert.True(c.MarkOverdue(Cst.At("2026-03-08 00:10") + Tick));
        Assert.Equal(CaseStage.Handle, Assert.IsType<CaseStageOverdue>(c.Events[^1]).Stage);
    }

    [Fact]
    public void HandleClock_UrgentCase_WaitsForMondaysWorkingHours()
    {
        // The same report as 紧急 instead of 特急: 4 工作时 from Saturday night end on Monday 14:30.
        var c = CaseDriver.Report(Urgency.Urgent, Cst.At("2026-03-07 22:00"))
            .Do(CaseAction.File)
            .Do(CaseAction.Dispatch)
            .Case;

        Assert.Equal(Cst.At("2026-03-09 14:30"), c.CurrentDueAt);
    }

    [Fact]
    public void MarkOverdue_ClosedCase_ReturnsFalse()
    {
        var driver = CaseDriver.At(CaseStatus.Closed);

        Assert.False(driver.Case.MarkOverdue(driver.Now.AddYears(1)));
        Assert.Equal(Light.Green, driver.Case.LightAt(driver.Now.AddYears(1)));
    }

    [Fact]
    public void MarkOverdue_CheckedCaseWaitingForClose_ReturnsFalse()
    {
        var driver = CaseDriver.At(CaseStatus.Checking).Do(CaseAction.Check);

        Assert.False(driver.Case.MarkOverdue(driver.Now.AddDays(5)));
    }

    [Theory]
    [InlineData(null, null, "2026-03-02 12:00", Light.Green)]
    [InlineData(null, "2026-03-02 12:00", "2026-03-02 11:59", Light.Green)]
    [InlineData(null, "2026-03-02 12:00", "2026-03-02 12:01", Light.Red)]
    [InlineData("2026-03-02 11:00", "2026-03-02 12:00", "2026-03-02 10:59", Light.Green)]
    [InlineData("2026-03-02 11:00", "2026-03-02 12:00", "2026-03-02 11:00", Light.Yellow)]
    [InlineData("2026-03-02 11:00", "2026-03-02 12:00", "2026-03-02 12:00", Light.Yellow)]
    [InlineData("2026-03-02 11:00", "2026-03-02 12:00", "2026-03-02 12:00:00.0000001", Light.Red)]
    public void LightOf_YellowFromWarningThroughDue_RedOnlyAfterDue(string? warnAt, string? dueAt, string now, Light expected) =>
        Assert.Equal(expected, Case.LightOf(
            warnAt is null ? null : Cst.At(warnAt),
            dueAt is null ? null : Cst.At(dueAt),
            Cst.At(now)));
}
