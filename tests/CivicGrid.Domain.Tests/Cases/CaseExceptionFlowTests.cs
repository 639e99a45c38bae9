using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;
using CivicGrid.Domain.Tests.Sla;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>The exceptions of the loop (standards.md §4.3): 回退, 返工, 延期, 挂账, 督办 and the guards around them.</summary>
public class CaseExceptionFlowTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.ChinaDefault();

    [Theory]
    [InlineData(CaseStatus.Dispatched)]
    [InlineData(CaseStatus.Handling)]
    public void Return_ByTheDepartment_GoesBackToFiledWithoutDepartmentAndANewDispatchClock(CaseStatus from)
    {
        var driver = CaseDriver.At(from).Do(CaseAction.Return, change: t => t with { Note = "不属于本单位职责" });
        var c = driver.Case;

        Assert.Equal(CaseStatus.Filed, c.Status);
        Assert.Null(c.DepartmentId);
        Assert.Equal(1, c.ReturnCount);
        Assert.Equal(driver.Now, c.Stages.Single(s => s.Stage == CaseStage.Handle).FinishedAt);
        var dispatches = c.Stages.Where(s => s.Stage == CaseStage.Dispatch).ToList();
        Assert.Equal(2, dispatches.Count);
        Assert.True(dispatches[0].IsFinished);
        Assert.Equal((driver.Now, false), (dispatches[1].StartedAt, dispatches[1].IsFinished));
        Assert.Equal(CaseStage.Dispatch, c.CurrentStage);
        Assert.Equal(dispatches[1].DueAt, c.CurrentDueAt);
        var entry = c.History[^1];
        Assert.Equal(("return", (CaseStatus?)from, "不属于本单位职责", Actors.DepartmentA), (entry.Action, entry.FromStatus, entry.Note, entry.ActorDepartmentId));
        var raised = Assert.IsType<CaseTransitioned>(c.Events[^1]);
        Assert.Null(raised.DepartmentId);
    }

    [Fact]
    public void Return_ThenDispatchElsewhere_OldDepartmentLosesTheCase()
    {
        var driver = CaseDriver.At(CaseStatus.Dispatched)
            .Do(CaseAction.Return)
            .Do(CaseAction.Dispatch, change: t => t with { DepartmentId = Actors.DepartmentB });

        Assert.Throws<CaseActionForbiddenException>(() => driver.Do(CaseAction.Accept, Actors.Handler));
        Assert.DoesNotContain(CaseAction.Accept, CaseWorkflow.AllowedFor(driver.Case, Actors.Handler));
        Assert.Contains(CaseAction.Accept, CaseWorkflow.AllowedFor(driver.Case, Actors.OtherHandler));
    }

    [Fact]
    public void Return_Twice_CountsBoth()
    {
        var c = CaseDriver.At(CaseStatus.Dispatched)
            .Do(CaseAction.Return)
            .Do(CaseAction.Dispatch)
            .Do(CaseAction.Accept)
            .Do(CaseAction.Return)
            .Case;

        Assert.Equal(2, c.ReturnCount);
        Assert.Equal(3, c.Stages.Count(s => s.Stage == CaseStage.Dispatch));
    }

    [Fact]
    public void Rework_AfterFailedCheck_GoesBackToHandlingWithANewHandleClock()
    {
        var driver = CaseDriver.At(CaseStatus.Checking)
            .Do(CaseAction.Check, change: t => t with { Passed = false })
            .Do(CaseAction.Rework);
        var c = driver.Case;

        Assert.Equal(CaseStatus.Handling, c.Status);
        Assert.Equal(1, c.ReworkCount);
        Assert.Null(c.CheckPassed);
        Assert.Equal(Actors.DepartmentA, c.DepartmentId);
        var handles = c.Stages.Where(s => s.Stage == CaseStage.Handle).ToList();
        Assert.Equal(2, handles.Count);
        Assert.True(handles[0].IsFinished);
        Assert.Equal((driver.Now, false), (handles[1].StartedAt, handles[1].IsFinished));
        Assert.Equal(CaseStage.Handle, c.CurrentStage);
        Assert.Equal(handles[1].DueAt, c.CurrentDueAt);
        Assert.All(c.Stages.Where(s => s != handles[1]), s => Assert.True(s.IsFinished));

        driver.Do(CaseAction.Feedback).Do(CaseAction.Check).Do(CaseAction.Close);
        Assert.Equal(CaseStatus.Closed, c.Status);
        Assert.Equal(1, c.ReworkCount);
    }

    [Fact]
    public void Rework_BeforeTheCheck_FinishesTheCheckClock()
    {
        var c = CaseDriver.At(CaseStatus.Checking).Do(CaseAction.Rework).Case;

        Assert.Equal(CaseStatus.Handling, c.Status);
        Assert.True(c.Stages.Single(s => s.Stage == CaseStage.Check).IsFinished);
        Assert.Single(c.Stages, s => !s.IsFinished);
    }

    [Fact]
    public void Rework_AfterPassedCheck_ThrowsInvalidTransition()
    {
        var driver = CaseDriver.At(CaseStatus.Checking).Do(CaseAction.Check);

        var ex = Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(CaseAction.Rework));

        Assert.Equal([CaseAction.Close, CaseAction.Urge], ex.Allowed);
    }

    [Fact]
    public void Close_WithoutCheck_ThrowsInvalidTransition()
    {
        var driver = CaseDriver.At(CaseStatus.Checking);
        var before = driver.Snap();

        var ex = Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(CaseAction.Close));

        Assert.Equal([CaseAction.Check, CaseAction.Rework, CaseAction.Urge], ex.Allowed);
        Assert.Equal(before, driver.Snap());
    }

    [Fact]
    public void Close_AfterFailedCheck_ThrowsInvalidTransition()
    {
        var driver = CaseDriver.At(CaseStatus.Checking).Do(CaseAction.Check, change: t => t with { Passed = false });

        var ex = Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(CaseAction.Close));

        Assert.Equal(CaseStatus.Checking, ex.Status);
        Assert.Equal([CaseAction.Rework, CaseAction.Urge], ex.Allowed);
        Assert.False(driver.Case.CheckPassed);
    }

    [Fact]
    public void Check_Twice_ThrowsInvalidTransition()
    {
        var driver = CaseDriver.At(CaseStatus.Checking).Do(CaseAction.Check, change: t => t with { Passed = false });

        Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(CaseAction.Check));
    }

    [Fact]
    public void Check_StopsTheCheckClockAndLeavesNoRunningClock()
    {
        var driver = CaseDriver.At(CaseStatus.Checking).Do(CaseAction.Check);
        var c = driver.Case;

        Assert.True(c.CheckPassed);
        Assert.Equal(driver.Now, c.Stages.Single(s => s.Stage == CaseStage.Check).FinishedAt);
        Assert.Null(c.CurrentStage);
        Assert.Null(c.CurrentDueAt);
    }

    [Fact]
    public void Feedback_HandlingCase_FinishesHandleAndStartsCheckClock()
    {
        var driver = CaseDriver.At(CaseStatus.Handling).Do(CaseAction.Feedback);
        var c = driver.Case;

        Assert.Equal(CaseStatus.Checking, c.Status);
        Assert.Equal(driver.Now, c.Stages.Single(s => s.Stage == CaseStage.Handle).FinishedAt);
        Assert.Equal(CaseStage.Check, c.CurrentStage);
        Assert.Equal(driver.Now + TimeSpan.FromHours(2), c.CurrentDueAt); // 2 工作时 from Monday 09:50
        Assert.Equal("已更换井盖", JsonDocument.Parse(c.History[^1].Details!).RootElement.GetProperty("result").GetString());
    }

    [Fact]
    public void ApprovePostponement_ExtendsTheHandleDeadlineByTheExtension()
    {
        var driver = CaseDriver.At(CaseStatus.Handling).Do(CaseAction.RequestPostponement);
        var c = driver.Case;
        var handle = c.Stages.Single(s => s.Stage == CaseStage.Handle);
        var dueBefore = c.CurrentDueAt;
        Assert.Equal(PendingRequest.Postponement, c.PendingRequest);
        Assert.Equal(Transitions.Extension, c.RequestedExtension);
        Assert.Equal(CaseStatus.Handling, c.Status);

        driver.Do(CaseAction.ApprovePostponement);

        Assert.Equal(Cst.At("2026-03-04 09:40"), dueBefore);
        Assert.Equal(Cst.At("2026-03-05 09:40"), c.CurrentDueAt); // one more 工作日
        Assert.Equal(Calendar.AddTime(dueBefore!.Value, Transitions.Extension), handle.DueAt);
        Assert.Equal(handle.DueAt, c.CurrentDueAt);
        Assert.Equal(handle.WarningAt, c.CurrentWarnAt);
        Assert.Equal((1, 1m), (handle.ExtensionCount, handle.ExtendedBy));
        Assert.Equal(1, c.PostponementCount);
        Assert.Equal(PendingRequest.None, c.PendingRequest);
        Assert.Null(c.RequestedExtension);
        Assert.Equal(CaseStatus.Handling, c.Status);
    }

    [Fact]
    public void ApprovePostponement_ExtensionInWorkHoursOverAWeekend_CountsOnlyWorkingTime()
    {
        // Dispatched Friday 2026-03-06 16:00: 2 工作日 are due Tuesday 16:00; 4 more 工作时 end Wednesday 11:30.
        var driver = CaseDriver.Report(at: Cst.At("2026-03-06 15:50"))
            .Do(CaseAction.File)
            .Do(CaseAction.Dispatch)
            .Do(CaseAction.Accept)
            .Do(CaseAction.RequestPostponement, change: t => t with { Extension = TimeLimit.WorkHours(4m) });
        Assert.Equal(Cst.At("2026-03-10 16:00"), driver.Case.CurrentDueAt);

        driver.Do(CaseAction.ApprovePostponement);

        Assert.Equal(Cst.At("2026-03-11 11:30"), driver.Case.CurrentDueAt);
    }

    [Fact]
    public void RejectPostponement_ClearsTheRequestAndKeepsTheDeadline()
    {
        var driver = CaseDriver.At(CaseStatus.Handling).Do(CaseAction.RequestPostponement);
        var dueBefore = driver.Case.CurrentDueAt;

        driver.Do(CaseAction.RejectPostponement);

        var c = driver.Case;
        Assert.Equal(PendingRequest.None, c.PendingRequest);
        Assert.Null(c.RequestedExtension);
        Assert.Equal(dueBefore, c.CurrentDueAt);
        Assert.Equal(0, c.PostponementCount);
        Assert.Equal(0, c.Stages.Single(s => s.Stage == CaseStage.Handle).ExtensionCount);
        Assert.Equal(CaseStatus.Handling, c.Status);
        Assert.Contains(CaseAction.RequestPostponement, CaseWorkflow.AllowedFor(c, Actors.Handler));
    }

    [Theory]
    [InlineData(CaseAction.Feedback)]
    [InlineData(CaseAction.Return)]
    [InlineData(CaseAction.RequestPostponement)]
    [InlineData(CaseAction.RequestSuspension)]
    public void PendingPostponement_BlocksTheDepartmentsOtherSteps(CaseAction action)
    {
        var driver = CaseDriver.At(CaseStatus.Handling).Do(CaseAction.RequestPostponement);

        var ex = Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(action));

        Assert.Equal(
            [CaseAction.ApprovePostponement, CaseAction.RejectPostponement, CaseAction.Urge],
            ex.Allowed);
    }

    [Theory]
    [InlineData(CaseAction.ApprovePostponement)]
    [InlineData(CaseAction.RejectPostponement)]
    [InlineData(CaseAction.ApproveSuspension)]
    [InlineData(CaseAction.RejectSuspension)]
    public void Decision_WithoutAMatchingRequest_ThrowsInvalidTransition(CaseAction action)
    {
        var driver = CaseDriver.At(CaseStatus.Handling);
        var other = action is CaseAction.ApprovePostponement or CaseAction.RejectPostponement
            ? CaseAction.RequestSuspension
            : CaseAction.RequestPostponement;

        Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(action));
        driver.Do(other);
        Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(action));
    }

    [Theory]
    [InlineData(CaseStatus.Dispatched)]
    [InlineData(CaseStatus.Handling)]
    public void ApproveSuspension_PausesTheClockAndHidesTheDeadline(CaseStatus from)
    {
        var driver = CaseDriver.At(from).Do(CaseAction.RequestSuspension);
        Assert.Equal(PendingRequest.Suspension, driver.Case.PendingRequest);
        Assert.Equal(from, driver.Case.Status);

        driver.Do(CaseAction.ApproveSuspension);

        var c = driver.Case;
        Assert.Equal(CaseStatus.Suspended, c.Status);
        Assert.Equal(PendingRequest.None, c.PendingRequest);
        Assert.Null(c.CurrentDueAt);
        Assert.Null(c.CurrentWarnAt);
        var handle = c.Stages.Single(s => s.Stage == CaseStage.Handle);
        Assert.Equal(driver.Now, handle.PausedAt);
        Assert.False(handle.IsFinished);
        var muchLater = driver.Now.AddDays(30);
        Assert.Equal(Light.Green, c.LightAt(muchLater));
        Assert.False(c.MarkOverdue(muchLater));
        Assert.False(c.IsOverdue);
    }

    [Fact]
    public void LiftSuspension_ResumesWithTheDeadlinePushedByThePausedWorkingTime()
    {
        // Handling since Monday 09:45, due Wednesday 09:40; parked Monday 11:00 to Tuesday 11:00 (7 工作时 = 1 工作日).
        var driver = CaseDriver.At(CaseStatus.Handling).Do(CaseAction.RequestSuspension);
        var c = driver.Case;
        var dueBefore = c.CurrentDueAt!.Value;
        var pausedAt = Cst.At("2026-03-02 11:00");
        var liftedAt = Cst.At("2026-03-03 11:00");
        driver.SetTime("2026-03-02 11:00").DoNow(CaseAction.ApproveSuspension);

        driver.SetTime("2026-03-03 11:00").DoNow(CaseAction.LiftSuspension);

        Assert.Equal(CaseStatus.Handling, c.Status);
        Assert.Equal(Cst.At("2026-03-04 09:40"), dueBefore);
        Assert.Equal(Cst.At("2026-03-05 09:40"), c.CurrentDueAt);
        Assert.Equal(
            Calendar.Elapsed(pausedAt, liftedAt, TimeLimitUnit.WorkHour),
            Calendar.Elapsed(dueBefore, c.CurrentDueAt!.Value, TimeLimitUnit.WorkHour));
        var handle = c.Stages.Single(s => s.Stage == CaseStage.Handle);
        Assert.Null(handle.PausedAt);
        Assert.Equal(TimeSpan.FromHours(24), handle.TotalPaused);
        Assert.Equal(CaseStage.Handle, c.CurrentStage);
        Assert.Equal(handle.WarningAt, c.CurrentWarnAt);
        Assert.Equal(Light.Green, c.LightAt(liftedAt));
    }

    [Fact]
    public void LiftSuspension_OverAWeekend_PushesOnlyByWorkingTime()
    {
        // Dispatched Thursday 2026-03-05 09:40, due Monday 09:40; parked Friday 17:00 to Monday 09:30:
        // 0.5 + 0.5 工作时 paused, the weekend not at all.
        var driver = CaseDriver.At(CaseStatus.Handling, reportedAt: Cst.At("2026-03-05 09:30")).Do(CaseAction.RequestSuspension);
        var dueBefore = driver.Case.CurrentDueAt!.Value;
        driver.SetTime("2026-03-06 17:00").DoNow(CaseAction.ApproveSuspension);

        driver.SetTime("2026-03-09 09:30").DoNow(CaseAction.LiftSuspension);

        Assert.Equal(Cst.At("2026-03-09 09:40"), dueBefore);
        Assert.Equal(1m, Calendar.Elapsed(dueBefore, driver.Case.CurrentDueAt!.Value, TimeLimitUnit.WorkHour));
        Assert.Equal(Cst.At("2026-03-09 10:40"), driver.Case.CurrentDueAt);
    }

    [Fact]
    public void LiftSuspension_SuspendedBeforeAcceptance_ContinuesAsHandling()
    {
        // The table sends every lifted suspension to Handling, also one parked before the department accepted.
        var c = CaseDriver.At(CaseStatus.Dispatched)
            .Do(CaseAction.RequestSuspension)
            .Do(CaseAction.ApproveSuspension)
            .Do(CaseAction.LiftSuspension)
            .Case;

        Assert.Equal(CaseStatus.Handling, c.Status);
        Assert.Equal(Actors.DepartmentA, c.DepartmentId);
    }

    [Fact]
    public void RejectSuspension_ClearsTheRequestAndKeepsTheClockRunning()
    {
        var driver = CaseDriver.At(CaseStatus.Handling).Do(CaseAction.RequestSuspension);
        var dueBefore = driver.Case.CurrentDueAt;

        driver.Do(CaseAction.RejectSuspension);

        var c = driver.Case;
        Assert.Equal(CaseStatus.Handling, c.Status);
        Assert.Equal(PendingRequest.None, c.PendingRequest);
        Assert.Equal(dueBefore, c.CurrentDueAt);
        Assert.Null(c.Stages.Single(s => s.Stage == CaseStage.Handle).PausedAt);
        Assert.Contains(CaseAction.Feedback, CaseWorkflow.AllowedFor(c, Actors.Handler));
    }

    [Theory]
    [InlineData(CaseStatus.Filed)]
    [InlineData(CaseStatus.Dispatched)]
    [InlineData(CaseStatus.Handling)]
    [InlineData(CaseStatus.Suspended)]
    [InlineData(CaseStatus.Checking)]
    public void Urge_OpenCase_CountsEachUrgeAndKeepsTheStatus(CaseStatus status)
    {
        var driver = CaseDriver.At(status);
        var due = driver.Case.CurrentDueAt;

        driver.Do(CaseAction.Urge).Do(CaseAction.Urge, change: t => t with { Note = "领导批示，今日办结" });

        var c = driver.Case;
        Assert.Equal(2, c.UrgeCount);
        Assert.Equal(status, c.Status);
        Assert.Equal(due, c.CurrentDueAt);
        Assert.Equal(("urge", "领导批示，今日办结", Role.Supervisor), (c.History[^1].Action, c.History[^1].Note, c.History[^1].ActorRole));
    }

    [Theory]
    [InlineData(CaseStatus.Reported)]
    [InlineData(CaseStatus.Verifying)]
    [InlineData(CaseStatus.Closed)]
    public void Urge_CaseNotYetFiledOrClosed_ThrowsInvalidTransition(CaseStatus status) =>
        Assert.Throws<InvalidCaseTransitionException>(() => CaseDriver.At(status).Do(CaseAction.Urge));

    [Fact]
    public void Urge_ByDispatcher_ThrowsForbidden() =>
        Assert.Throws<CaseActionForbiddenException>(() => CaseDriver.At(CaseStatus.Handling).Do(CaseAction.Urge, Actors.Dispatcher));
}
