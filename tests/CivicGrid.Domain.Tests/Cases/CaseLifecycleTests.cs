using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;
using CivicGrid.Domain.Tests.Sla;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>Whole paths round the loop: the happy path, verification, and the ways a case ends and reopens.</summary>
public class CaseLifecycleTests
{
    [Fact]
    public void Report_NewCase_IsReportedWithFilingClockAndEvent()
    {
        var driver = CaseDriver.Report();
        var c = driver.Case;

        Assert.Equal(CaseStatus.Reported, c.Status);
        Assert.Equal(1, c.Version);
        Assert.Equal(CaseDriver.MondayMorning, c.ReportedAt);
        Assert.Equal(Actors.Inspector.UserId, c.ReportedById);
        Assert.Equal("人行道上污水井盖破损", c.Description);
        var entry = Assert.Single(c.History);
        Assert.Equal((1, "report", (CaseStatus?)null, CaseStatus.Reported), (entry.Sequence, entry.Action, entry.FromStatus, entry.ToStatus));
        Assert.Equal((Actors.Inspector.UserId, "监督员张三", Role.Inspector), (entry.ActorId, entry.ActorName, entry.ActorRole));
        var stage = Assert.Single(c.Stages);
        Assert.Equal(CaseStage.File, stage.Stage);
        Assert.Equal(CaseStage.File, c.CurrentStage);
        Assert.Equal(Cst.At("2026-03-02 10:00"), c.CurrentDueAt); // 0.5 工作时 from 09:30
        Assert.Equal(Cst.At("2026-03-02 09:54"), c.CurrentWarnAt);
        var reported = Assert.IsType<CaseReported>(Assert.Single(c.Events));
        Assert.Equal(new CaseReported(c.Id, c.Number, CaseDriver.MondayMorning, "01002", "140105001001001"), reported);
    }

    [Theory]
    [InlineData("", "01002", "2026-000001", "description")]
    [InlineData("  ", "01002", "2026-000001", "description")]
    [InlineData("井盖破损", "0100", "2026-000001", "categoryCode")]
    [InlineData("井盖破损", "0100x", "2026-000001", "categoryCode")]
    [InlineData("井盖破损", "01002", " ", "number")]
    public void Report_InvalidReport_ThrowsValidationNamingTheField(string description, string category, string number, string field)
    {
        var report = CaseDriver.SampleReport() with { Description = description, CategoryCode = category };

        var ex = Assert.Throws<DomainValidationException>(() =>
            Case.Report(Guid.NewGuid(), number, report, Actors.Inspector, CaseDriver.MondayMorning, TestSla.Policy));

        Assert.Equal(field, ex.Field);
    }

    [Fact]
    public void Report_DescriptionOver4000Characters_ThrowsValidation()
    {
        var report = CaseDriver.SampleReport() with { Description = new string('井', 4001) };

        var ex = Assert.Throws<DomainValidationException>(() =>
            Case.Report(Guid.NewGuid(), "2026-000001", report, Actors.Inspector, CaseDriver.MondayMorning, TestSla.Policy));

        Assert.Equal("description", ex.Field);
    }

    [Fact]
    public void HappyPath_ReportToClose_RecordsEveryStepInOrder()
    {
        var driver = CaseDriver.Report()
            .Do(CaseAction.File)
            .Do(CaseAction.Dispatch)
            .Do(CaseAction.Accept)
            .Do(CaseAction.Feedback)
            .Do(CaseAction.Check)
            .Do(CaseAction.Close);
        var c = driver.Case;

        Assert.Equal(CaseStatus.Closed, c.Status);
        Assert.Equal(driver.Now, c.ClosedAt);
        Assert.Equal(Actors.DepartmentA, c.DepartmentId);
        Assert.True(c.CheckPassed);
        Assert.Equal(7, c.Version);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], c.History.Select(h => h.Sequence));
        Assert.Equal(["report", "file", "dispatch", "accept", "feedback", "check", "close"], c.History.Select(h => h.Action));
        Assert.Equal(
            [Role.Inspector, Role.Operator, Role.Dispatcher, Role.Handler, Role.Handler, Role.Inspector, Role.Supervisor],
            c.History.Select(h => h.ActorRole));
        Assert.Equal(
            [Actors.Inspector.UserId, Actors.Operator.UserId, Actors.Dispatcher.UserId, Actors.Handler.UserId, Actors.Handler.UserId, Actors.Inspector.UserId, Actors.Supervisor.UserId],
            c.History.Select(h => h.ActorId));
        Assert.Equal(Actors.DepartmentA, c.History[3].ActorDepartmentId);
        Assert.Equal(
            [null, CaseStatus.Reported, CaseStatus.Filed, CaseStatus.Dispatched, CaseStatus.Handling, CaseStatus.Checking, CaseStatus.Checking],
            c.History.Select(h => h.FromStatus));
        Assert.Equal(
            [CaseStatus.Reported, CaseStatus.Filed, CaseStatus.Dispatched, CaseStatus.Handling, CaseStatus.Checking, CaseStatus.Checking, CaseStatus.Closed],
            c.History.Select(h => h.ToStatus));
        Assert.Equal(
            Enumerable.Range(0, 7).Select(i => CaseDriver.MondayMorning + (i * CaseDriver.Step)),
            c.History.Select(h => h.At));
    }

    [Fact]
    public void HappyPath_FastSteps_FinishEveryStageClockOnTime()
    {
        var c = CaseDriver.At(CaseStatus.Closed).Case;

        Assert.Equal([CaseStage.File, CaseStage.Dispatch, CaseStage.Handle, CaseStage.Check], c.Stages.Select(s => s.Stage));
        Assert.All(c.Stages, s =>
        {
            Assert.True(s.IsFinished);
            Assert.True(s.FinishedOnTime);
        });
        for (var i = 1; i < c.Stages.Count; i++)
        {
            Assert.Equal(c.Stages[i - 1].FinishedAt, c.Stages[i].StartedAt);
        }

        Assert.Null(c.CurrentStage);
        Assert.Null(c.CurrentDueAt);
        Assert.Null(c.CurrentWarnAt);
        Assert.False(c.IsOverdue);
        Assert.Equal(Light.Green, c.LightAt(c.UpdatedAt.AddDays(30)));
    }

    [Fact]
    public void HappyPath_RaisesReportedThenOneTransitionedEventPerStep()
    {
        var c = CaseDriver.At(CaseStatus.Closed).Case;

        Assert.IsType<CaseReported>(c.Events[0]);
        var steps = c.Events.Skip(1).Cast<CaseTransitioned>().ToList();
        Assert.Equal(
            [
                (CaseAction.File, CaseStatus.Reported, CaseStatus.Filed),
                (CaseAction.Dispatch, CaseStatus.Filed, CaseStatus.Dispatched),
                (CaseAction.Accept, CaseStatus.Dispatched, CaseStatus.Handling),
                (CaseAction.Feedback, CaseStatus.Handling, CaseStatus.Checking),
                (CaseAction.Check, CaseStatus.Checking, CaseStatus.Checking),
                (CaseAction.Close, CaseStatus.Checking, CaseStatus.Closed),
            ],
            steps.Select(e => (e.Action, e.From, e.To)));
        Assert.All(c.Events, e => Assert.Equal((c.Id, c.Number), (e.CaseId, e.CaseNumber)));
        Assert.Null(steps[0].DepartmentId);
        Assert.All(steps.Skip(1), e => Assert.Equal(Actors.DepartmentA, e.DepartmentId));
    }

    [Fact]
    public void ClearEvents_AfterOutbox_ForgetsRaisedEvents()
    {
        var c = CaseDriver.At(CaseStatus.Filed).Case;

        c.ClearEvents();

        Assert.Empty(c.Events);
        Assert.Equal(2, c.History.Count);
    }

    [Fact]
    public void Dispatch_FiledCase_AssignsDepartmentAndStartsHandleClock()
    {
        var driver = CaseDriver.At(CaseStatus.Filed).Do(CaseAction.Dispatch, change: t => t with { DepartmentId = Actors.DepartmentB });
        var c = driver.Case;

        Assert.Equal(CaseStatus.Dispatched, c.Status);
        Assert.Equal(Actors.DepartmentB, c.DepartmentId);
        Assert.Equal(CaseStage.Handle, c.CurrentStage);
        var handle = c.Stages[^1];
        Assert.Equal((CaseStage.Handle, driver.Now, TimeLimit.WorkDays(2m)), (handle.Stage, handle.StartedAt, handle.Limit));
        Assert.Equal(Cst.At("2026-03-04 09:40"), c.CurrentDueAt); // 2 工作日 from Monday 09:40
        Assert.Contains("\"departmentId\"", c.History[^1].Details, StringComparison.Ordinal);
        Assert.Throws<CaseActionForbiddenException>(() => driver.Do(CaseAction.Accept, Actors.Handler));
        driver.Do(CaseAction.Accept, Actors.OtherHandler);
        Assert.Equal(CaseStatus.Handling, c.Status);
    }

    [Fact]
    public void File_WithCorrections_ChangesCategoryAndUrgencyAndTimesDispatchByTheNewUrgency()
    {
        var driver = CaseDriver.Report()
            .Do(CaseAction.File, change: t => t with { CategoryCode = "02001", Urgency = Urgency.Emergency });
        var c = driver.Case;

        Assert.Equal("02001", c.CategoryCode);
        Assert.Equal(Urgency.Emergency, c.Urgency);
        Assert.Equal(TimeLimit.EmergencyWorkHours(0.25m), c.Stages[^1].Limit);
        Assert.Equal(driver.Now.AddMinutes(15), c.CurrentDueAt);
        var details = JsonDocument.Parse(c.History[^1].Details!).RootElement;
        Assert.Equal("02001", details.GetProperty("categoryCode").GetString());
        Assert.Equal("Emergency", details.GetProperty("urgency").GetString());
    }

    [Fact]
    public void RequestVerification_ReportedCase_StartsVerifyClockBesideTheFilingClock()
    {
        var driver = CaseDriver.Report().Do(CaseAction.RequestVerification);
        var c = driver.Case;

        Assert.Equal(CaseStatus.Verifying, c.Status);
        Assert.Equal(CaseStage.Verify, c.CurrentStage);
        Assert.Equal(Cst.At("2026-03-02 10:35"), c.CurrentDueAt); // 1 工作时 from 09:35
        Assert.Equal([CaseStage.File, CaseStage.Verify], c.Stages.Select(s => s.Stage));
        Assert.All(c.Stages, s => Assert.False(s.IsFinished));
    }

    [Fact]
    public void Verify_NotPassed_ReturnsToReportedAndFilingIsRefused()
    {
        var driver = CaseDriver.At(CaseStatus.Verifying).Do(CaseAction.Verify, change: t => t with { Passed = false });
        var c = driver.Case;

        Assert.Equal(CaseStatus.Reported, c.Status);
        Assert.False(c.Verified);
        Assert.True(c.Stages.Single(s => s.Stage == CaseStage.Verify).FinishedOnTime);
        Assert.Equal([CaseAction.Reject, CaseAction.Merge, CaseAction.Void], CaseWorkflow.AllowedNow(c));
        var ex = Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(CaseAction.File));
        Assert.Equal([CaseAction.Reject, CaseAction.Merge, CaseAction.Void], ex.Allowed);
        Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(CaseAction.RequestVerification));
        driver.Do(CaseAction.Reject);
        Assert.Equal(CaseStatus.Rejected, c.Status);
    }

    [Fact]
    public void Verify_Passed_ReturnsToReportedAndAllowsFiling()
    {
        var driver = CaseDriver.At(CaseStatus.Verifying).Do(CaseAction.Verify);
        var c = driver.Case;

        Assert.Equal(CaseStatus.Reported, c.Status);
        Assert.True(c.Verified);
        Assert.Equal(CaseStage.File, c.CurrentStage);
        Assert.Equal(c.Stages.Single(s => s.Stage == CaseStage.File).DueAt, c.CurrentDueAt);
        Assert.DoesNotContain(CaseAction.RequestVerification, CaseWorkflow.AllowedNow(c));

        driver.Do(CaseAction.File);

        Assert.Equal(CaseStatus.Filed, c.Status);
        Assert.All(c.Stages.Where(s => s.Stage is CaseStage.File or CaseStage.Verify), s => Assert.True(s.IsFinished));
    }

    [Fact]
    public void Verify_ByInspector_IsRecordedWithTheInspector()
    {
        var c = CaseDriver.At(CaseStatus.Verifying).Do(CaseAction.Verify, Actors.Inspector).Case;

        Assert.Equal(("verify", Role.Inspector, Actors.Inspector.UserId), (c.History[^1].Action, c.History[^1].ActorRole, c.History[^1].ActorId));
        Assert.Contains("\"passed\":true", c.History[^1].Details, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CaseStatus.Reported)]
    [InlineData(CaseStatus.Verifying)]
    public void Reject_OpenReport_EndsTheCaseAndStopsEveryClock(CaseStatus from)
    {
        var driver = CaseDriver.At(from).Do(CaseAction.Reject, change: t => t with { Note = " 不属于城管职责 " });
        var c = driver.Case;

        Assert.Equal(CaseStatus.Rejected, c.Status);
        Assert.Equal("不属于城管职责", c.History[^1].Note);
        Assert.All(c.Stages, s => Assert.Equal(driver.Now, s.FinishedAt));
        Assert.Null(c.CurrentStage);
        Assert.Null(c.CurrentDueAt);
        Assert.Equal([CaseAction.Reopen], CaseWorkflow.AllowedNow(c));
    }

    [Fact]
    public void Merge_DuplicateOfAnotherCase_RecordsItAndEnds()
    {
        var driver = CaseDriver.At(CaseStatus.Verifying).Do(CaseAction.Merge);
        var c = driver.Case;

        Assert.Equal(CaseStatus.Merged, c.Status);
        Assert.Equal(Transitions.OtherCaseId, c.DuplicateOfId);
        Assert.All(c.Stages, s => Assert.True(s.IsFinished));
        Assert.Null(c.CurrentDueAt);
        Assert.Empty(CaseWorkflow.AllowedNow(c));
        Assert.Empty(CaseWorkflow.AllowedFor(c, Actors.Supervisor));
        Assert.Contains(Transitions.OtherCaseId.ToString(), c.History[^1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_DuplicateOfItself_ThrowsValidationAndLeavesCaseUnchanged()
    {
        var driver = CaseDriver.Report();
        var before = driver.Snap();

        var ex = Assert.Throws<DomainValidationException>(() =>
            driver.Do(CaseAction.Merge, change: t => t with { DuplicateOfId = driver.Case.Id }));

        Assert.Equal("duplicateOfId", ex.Field);
        Assert.Equal(before, driver.Snap());
        Assert.All(driver.Case.Stages, s => Assert.False(s.IsFinished));
    }

    [Theory]
    [InlineData(CaseStatus.Reported)]
    [InlineData(CaseStatus.Verifying)]
    [InlineData(CaseStatus.Filed)]
    [InlineData(CaseStatus.Dispatched)]
    public void Void_BeforeHandling_EndsTheCaseAndStopsEveryClock(CaseStatus from)
    {
        var driver = CaseDriver.At(from).Do(CaseAction.Void);
        var c = driver.Case;

        Assert.Equal(CaseStatus.Voided, c.Status);
        Assert.All(c.Stages, s => Assert.True(s.IsFinished));
        Assert.Null(c.CurrentStage);
        Assert.Equal(Light.Green, c.LightAt(driver.Now.AddDays(10)));
        Assert.False(c.MarkOverdue(driver.Now.AddDays(10)));
        Assert.Equal([CaseAction.Reopen], CaseWorkflow.AllowedNow(c));
    }

    [Theory]
    [InlineData(CaseStatus.Handling)]
    [InlineData(CaseStatus.Suspended)]
    [InlineData(CaseStatus.Checking)]
    public void Void_OnceTheDepartmentWorksOnIt_ThrowsInvalidTransition(CaseStatus from)
    {
        var driver = CaseDriver.At(from);

        var ex = Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(CaseAction.Void));

        Assert.DoesNotContain(CaseAction.Void, ex.Allowed);
    }

    [Fact]
    public void Void_DispatchedCaseWithPendingSuspension_DropsTheRequest()
    {
        var c = CaseDriver.At(CaseStatus.Dispatched)
            .Do(CaseAction.RequestSuspension)
            .Do(CaseAction.Void)
            .Case;

        Assert.Equal(CaseStatus.Voided, c.Status);
        Assert.Equal(PendingRequest.None, c.PendingRequest);
    }

    [Fact]
    public void Reopen_VoidedCaseThatHadAPendingRequest_CanGoRoundTheLoopAgain()
    {
        var driver = CaseDriver.At(CaseStatus.Dispatched)
            .Do(CaseAction.RequestSuspension)
            .Do(CaseAction.Void)
            .Do(CaseAction.Reopen)
            .Do(CaseAction.File)
            .Do(CaseAction.Dispatch)
            .Do(CaseAction.Accept);

        Assert.Equal(PendingRequest.None, driver.Case.PendingRequest);
        Assert.DoesNotContain(CaseAction.ApproveSuspension, CaseWorkflow.AllowedNow(driver.Case));
        driver.Do(CaseAction.Feedback).Do(CaseAction.Check).Do(CaseAction.Close);
        Assert.Equal(CaseStatus.Closed, driver.Case.Status);
    }

    [Fact]
    public void Reopen_ClosedCase_GoesBackToFiledForANewDispatch()
    {
        var driver = CaseDriver.At(CaseStatus.Closed).Do(CaseAction.Reopen);
        var c = driver.Case;

        Assert.Equal(CaseStatus.Filed, c.Status);
        Assert.Null(c.DepartmentId);
        Assert.Null(c.ClosedAt);
        Assert.Null(c.CheckPassed);
        Assert.Equal(CaseStage.Dispatch, c.CurrentStage);
        var dispatch = c.Stages[^1];
        Assert.Equal((CaseStage.Dispatch, driver.Now, false), (dispatch.Stage, dispatch.StartedAt, dispatch.IsFinished));
        Assert.Equal(dispatch.DueAt, c.CurrentDueAt);
        var entry = c.History[^1];
        Assert.Equal(("reopen", (CaseStatus?)CaseStatus.Closed, CaseStatus.Filed, Role.Supervisor), (entry.Action, entry.FromStatus, entry.ToStatus, entry.ActorRole));
        var raised = Assert.IsType<CaseTransitioned>(c.Events[^1]);
        Assert.Equal((CaseAction.Reopen, CaseStatus.Closed, CaseStatus.Filed), (raised.Action, raised.From, raised.To));

        driver.Do(CaseAction.Dispatch, change: t => t with { DepartmentId = Actors.DepartmentB })
            .Do(CaseAction.Accept, Actors.OtherHandler);
        Assert.Equal(CaseStatus.Handling, c.Status);
    }

    [Fact]
    public void Reopen_RejectedCase_GoesBackToReportedWithANewFilingClock()
    {
        var driver = CaseDriver.At(CaseStatus.Verifying)
            .Do(CaseAction.Verify, change: t => t with { Passed = false })
            .Do(CaseAction.Reject)
            .Do(CaseAction.Reopen);
        var c = driver.Case;

        Assert.Equal(CaseStatus.Reported, c.Status);
        Assert.Null(c.Verified);
        Assert.Equal(CaseStage.File, c.CurrentStage);
        Assert.Equal((CaseStage.File, driver.Now), (c.Stages[^1].Stage, c.Stages[^1].StartedAt));
        Assert.Equal((CaseStatus?)CaseStatus.Rejected, c.History[^1].FromStatus);
        Assert.Contains(CaseAction.File, CaseWorkflow.AllowedNow(c));
    }

    [Fact]
    public void Reopen_VoidedDispatchedCase_GoesBackToReportedWithoutDepartment()
    {
        var c = CaseDriver.At(CaseStatus.Dispatched).Do(CaseAction.Void).Do(CaseAction.Reopen).Case;

        Assert.Equal(CaseStatus.Reported, c.Status);
        Assert.Null(c.DepartmentId);
        Assert.Equal(CaseStage.File, c.CurrentStage);
    }

    [Fact]
    public void Reopen_MergedCase_ThrowsInvalidTransition()
    {
        var driver = CaseDriver.At(CaseStatus.Merged);

        var ex = Assert.Throws<InvalidCaseTransitionException>(() => driver.Do(CaseAction.Reopen));

        Assert.Empty(ex.Allowed);
        Assert.Equal(CaseStatus.Merged, ex.Status);
    }
}
