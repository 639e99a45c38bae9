using System.Globalization;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Tests.Sla;

public class StageClockTests
{
    private static readonly WorkingCalendar China = WorkingCalendar.ChinaDefault();

    // Monday 2025-06-09 09:00, 5 working hours: due 15:30, 80 % (4 h) reached at 14:30.
    private static StageClock FiveWorkHoursFromMondayMorning() =>
        StageClock.Start(CaseStage.Handle, Cst.At("2025-06-09 09:00"), TimeLimit.WorkHours(5m), China);

    [Fact]
    public void Start_ComputesDueAndWarning()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        Assert.Equal(CaseStage.Handle, clock.Stage);
        Assert.Equal(TimeLimit.WorkHours(5m), clock.Limit);
        Assert.Equal(Cst.At("2025-06-09 09:00"), clock.StartedAt);
        Assert.Equal(Cst.At("2025-06-09 15:30"), clock.DueAt);
        Assert.Equal(Cst.At("2025-06-09 14:30"), clock.WarningAt);
        Assert.Equal(5m, clock.Allowance);
        Assert.False(clock.IsPaused);
        Assert.False(clock.IsFinished);
        Assert.Null(clock.FinishedOnTime);
    }

    [Fact]
    public void Start_StoresInstantsInUtc()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        Assert.Equal(TimeSpan.Zero, clock.StartedAt.Offset);
        Assert.Equal(TimeSpan.Zero, clock.DueAt.Offset);
        Assert.Equal(TimeSpan.Zero, clock.WarningAt.Offset);
    }

    [Fact]
    public void Start_DefaultLimit_Throws() =>
        Assert.Throws<ArgumentException>(() => StageClock.Start(CaseStage.Verify, Cst.At("2025-06-09 09:00"), default, China));

    [Fact]
    public void Start_UnknownStage_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => StageClock.Start((CaseStage)17, Cst.At("2025-06-09 09:00"), TimeLimit.WorkHours(1m), China));

    [Theory]
    [InlineData("2025-06-09 08:00", Light.Green)]
    [InlineData("2025-06-09 09:00", Light.Green)]
    [InlineData("2025-06-09 14:29:59.9999999", Light.Green)]
    [InlineData("2025-06-09 14:30", Light.Yellow)] // exactly 80 %
    [InlineData("2025-06-09 15:30", Light.Yellow)] // exactly due
    [InlineData("2025-06-09 15:30:00.0000001", Light.Red)] // just past due
    [InlineData("2025-06-10 09:00", Light.Red)]
    public void TrafficLight_Boundaries(string now, Light expected) =>
        Assert.Equal(expected, FiveWorkHoursFromMondayMorning().TrafficLight(Cst.At(now)));

    [Theory]
    [InlineData("2025-06-09 08:00", "0")]
    [InlineData("2025-06-09 10:00", "0.2")]
    [InlineData("2025-06-09 12:45", "0.6")] // lunch does not count
    [InlineData("2025-06-09 14:30", "0.8")]
    [InlineData("2025-06-09 15:30", "1")]
    [InlineData("2025-06-09 17:30", "1.4")]
    public void ElapsedFraction_CountsWorkingTime(string now, string expected) =>
        Assert.Equal(
            decimal.Parse(expected, CultureInfo.InvariantCulture),
            FiveWorkHoursFromMondayMorning().ElapsedFraction(Cst.At(now), China));

    [Fact]
    public void ConsumedAndRemaining_InTheStageUnit()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        Assert.Equal(2m, clock.Consumed(Cst.At("2025-06-09 11:00"), China));
        Assert.Equal(3m, clock.Remaining(Cst.At("2025-06-09 11:00"), China));
        Assert.Equal(-1m, clock.Remaining(Cst.At("2025-06-09 16:30"), China));
    }

    [Fact]
    public void Warning_WhenTheEightyPercentPointIsTheEndOfTheMorning_IsAt12()
    {
        // 3.75 h from 09:00: due 14:15; 80 % = 3 h is used up at 12:00 and stays used up over lunch.
        var clock = StageClock.Start(CaseStage.Check, Cst.At("2025-06-09 09:00"), TimeLimit.WorkHours(3.75m), China);

        Assert.Equal(Cst.At("2025-06-09 14:15"), clock.DueAt);
        Assert.Equal(Cst.At("2025-06-09 12:00"), clock.WarningAt);
        Assert.Equal(Light.Green, clock.TrafficLight(Cst.At("2025-06-09 11:59:59")));
        Assert.Equal(Light.Yellow, clock.TrafficLight(Cst.At("2025-06-09 12:00")));
        Assert.Equal(Light.Yellow, clock.TrafficLight(Cst.At("2025-06-09 13:00")));
    }

    [Fact]
    public void Warning_ReachedAtFridayClose_StaysYellowOverTheWeekend()
    {
        // 5 h from Friday 13:30: 4 h (80 %) used up at 17:30, due Monday 10:00.
        var clock = StageClock.Start(CaseStage.Handle, Cst.At("2025-06-13 13:30"), TimeLimit.WorkHours(5m), China);

        Assert.Equal(Cst.At("2025-06-16 10:00"), clock.DueAt);
        Assert.Equal(Cst.At("2025-06-13 17:30"), clock.WarningAt);
        Assert.Equal(Light.Green, clock.TrafficLight(Cst.At("2025-06-13 17:29")));
        Assert.Equal(Light.Yellow, clock.TrafficLight(Cst.At("2025-06-14 12:00")));
    }

    [Fact]
    public void NaturalHours_WarningAtEightyPercentOfWallClock()
    {
        var clock = StageClock.Start(CaseStage.Handle, Cst.At("2025-10-01 10:00"), TimeLimit.NaturalHours(10m), China);

        Assert.Equal(Cst.At("2025-10-01 20:00"), clock.DueAt);
        Assert.Equal(Cst.At("2025-10-01 18:00"), clock.WarningAt);
    }

    [Fact]
    public void WorkDays_AcrossNationalDay_TurnYellowBeforeTheHoliday()
    {
        // 2 working days from Monday 09-29 10:00: 09-30, then 10-09. 80 % = 11.2 h: 6 h on 09-29 and 5.2 h on 09-30.
        var clock = StageClock.Start(CaseStage.Handle, Cst.At("2025-09-29 10:00"), TimeLimit.WorkDays(2m), China);

        Assert.Equal(Cst.At("2025-10-09 10:00"), clock.DueAt);
        Assert.Equal(Cst.At("2025-09-30 15:42"), clock.WarningAt);
        Assert.Equal(Light.Yellow, clock.TrafficLight(Cst.At("2025-10-05 10:00")));
        Assert.Equal(Light.Red, clock.TrafficLight(Cst.At("2025-10-09 10:01")));
    }

    [Fact]
    public void PauseAndResume_WorkHours_PushDueByThePausedWorkingTime()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        clock.Pause(Cst.At("2025-06-09 10:00"));
        Assert.True(clock.IsPaused);
        // Frozen while suspended: 1 h of 5 used at the pause.
        Assert.Equal(Light.Green, clock.TrafficLight(Cst.At("2025-06-10 16:00")));
        Assert.Equal(1m, clock.Consumed(Cst.At("2025-06-10 16:00"), China));

        clock.Resume(Cst.At("2025-06-11 14:00"), China);

        // 4 h were left at the pause: Wednesday 14:00–17:30 (3.5 h) and Thursday 09:00–09:30.
        Assert.False(clock.IsPaused);
        Assert.Null(clock.PausedAt);
        Assert.Equal(Cst.At("2025-06-12 09:30"), clock.DueAt);
        Assert.Equal(Cst.At("2025-06-11 17:00"), clock.WarningAt);
        Assert.Equal(16.5m, clock.PausedAmount); // Mon 6 h + Tue 7 h + Wed 3.5 h of working time
        Assert.Equal(new TimeSpan(2, 4, 0, 0), clock.TotalPaused);
        Assert.Equal(clock.Allowance, China.Elapsed(clock.StartedAt, clock.DueAt, TimeLimitUnit.WorkHour) - clock.PausedAmount);
        Assert.Equal(Light.Green, clock.TrafficLight(Cst.At("2025-06-11 16:59")));
        Assert.Equal(Light.Yellow, clock.TrafficLight(Cst.At("2025-06-12 09:00")));
        Assert.Equal(0.9m, clock.ElapsedFraction(Cst.At("2025-06-12 09:00"), China));
        Assert.Equal(Light.Red, clock.TrafficLight(Cst.At("2025-06-12 09:31")));
    }

    [Fact]
    public void PauseAndResume_WorkDays_OverNationalDay()
    {
        var clock = StageClock.Start(CaseStage.Handle, Cst.At("2025-09-29 10:00"), TimeLimit.WorkDays(2m), China);

        clock.Pause(Cst.At("2025-09-30 10:00"));
        clock.Resume(Cst.At("2025-10-09 10:00"), China);

        Assert.Equal(Cst.At("2025-10-10 10:00"), clock.DueAt);
        Assert.Equal(1m, clock.PausedAmount);
    }

    [Fact]
    public void PauseAndResume_EmergencyHours_PushDueByWallClockTime()
    {
        var clock = StageClock.Start(CaseStage.Handle, Cst.At("2025-10-01 20:00"), TimeLimit.EmergencyWorkHours(2m), China);

        clock.Pause(Cst.At("2025-10-01 20:30"));
        clock.Resume(Cst.At("2025-10-01 23:00"), China);

        Assert.Equal(Cst.At("2025-10-02 00:30"), clock.DueAt);
        Assert.Equal(2.5m, clock.PausedAmount);
        Assert.Equal(TimeSpan.FromHours(2.5), clock.TotalPaused);
    }

    [Fact]
    public void PauseAndResume_OutsideWorkingHours_DoesNotMoveTheDue()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        clock.Pause(Cst.At("2025-06-09 12:10"));
        clock.Resume(Cst.At("2025-06-09 13:20"), China);

        Assert.Equal(Cst.At("2025-06-09 15:30"), clock.DueAt);
        Assert.Equal(0m, clock.PausedAmount);
        Assert.Equal(TimeSpan.FromMinutes(70), clock.TotalPaused);
    }

    [Fact]
    public void PauseAndResume_Twice_AddsUp()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        clock.Pause(Cst.At("2025-06-09 10:00"));
        clock.Resume(Cst.At("2025-06-09 11:00"), China);
        clock.Pause(Cst.At("2025-06-09 14:00"));
        clock.Resume(Cst.At("2025-06-09 15:00"), China);

        Assert.Equal(2m, clock.PausedAmount);
        Assert.Equal(Cst.At("2025-06-09 17:30"), clock.DueAt);
        Assert.Equal(0.7m, clock.ElapsedFraction(Cst.At("2025-06-09 16:00"), China));
    }

    [Fact]
    public void PauseAfterDue_ResumeKeepsTheDue()
    {
        var clock = StageClock.Start(CaseStage.Verify, Cst.At("2025-06-09 09:00"), TimeLimit.WorkHours(1m), China);

        clock.Pause(Cst.At("2025-06-09 11:00"));
        Assert.Equal(Light.Red, clock.TrafficLight(Cst.At("2025-06-09 11:30")));
        clock.Resume(Cst.At("2025-06-09 14:00"), China);

        Assert.Equal(Cst.At("2025-06-09 10:00"), clock.DueAt);
        Assert.Equal(1.5m, clock.PausedAmount);
        Assert.Equal(Light.Red, clock.TrafficLight(Cst.At("2025-06-09 14:00")));
    }

    [Fact]
    public void Resume_RightAway_KeepsTheDue()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        clock.Pause(Cst.At("2025-06-09 10:00"));
        clock.Resume(Cst.At("2025-06-09 10:00"), China);

        Assert.Equal(Cst.At("2025-06-09 15:30"), clock.DueAt);
        Assert.Equal(Cst.At("2025-06-09 14:30"), clock.WarningAt);
    }

    [Fact]
    public void Extend_SameUnit_PushesDueFromTheCurrentDue()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        clock.Extend(TimeLimit.WorkHours(2m), China);

        Assert.Equal(Cst.At("2025-06-09 17:30"), clock.DueAt);
        Assert.Equal(2m, clock.ExtendedBy);
        Assert.Equal(7m, clock.Allowance);
        Assert.Equal(1, clock.ExtensionCount);
        // 80 % of 7 h = 5.6 h: 3 h in the morning, 2 h 36 min in the afternoon.
        Assert.Equal(Cst.At("2025-06-09 16:06"), clock.WarningAt);
        Assert.Equal(0.8m, clock.ElapsedFraction(Cst.At("2025-06-09 16:06"), China));
        Assert.Equal(Light.Yellow, clock.TrafficLight(Cst.At("2025-06-09 17:00")));
    }

    [Fact]
    public void Extend_OtherUnit_CountsTheExtensionInTheStageUnit()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        clock.Extend(TimeLimit.WorkDays(1m), China);
        clock.Extend(TimeLimit.WorkHours(0.5m), China);

        Assert.Equal(Cst.At("2025-06-10 16:00"), clock.DueAt);
        Assert.Equal(7.5m, clock.ExtendedBy);
        Assert.Equal(2, clock.ExtensionCount);
    }

    [Fact]
    public void Extend_OverdueClock_CanTurnGreenAgain()
    {
        var clock = StageClock.Start(CaseStage.Handle, Cst.At("2025-06-09 09:00"), TimeLimit.WorkHours(1m), China);
        Assert.Equal(Light.Red, clock.TrafficLight(Cst.At("2025-06-09 10:30")));

        clock.Extend(TimeLimit.WorkHours(2m), China);

        Assert.Equal(Cst.At("2025-06-09 12:00"), clock.DueAt);
        Assert.Equal(Cst.At("2025-06-09 11:24"), clock.WarningAt);
        Assert.Equal(Light.Green, clock.TrafficLight(Cst.At("2025-06-09 10:30")));
    }

    [Fact]
    public void ExtendTo_ExplicitDue_MeasuresTheExtension()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        clock.ExtendTo(Cst.At("2025-06-10 10:00"), China);

        Assert.Equal(Cst.At("2025-06-10 10:00"), clock.DueAt);
        Assert.Equal(3m, clock.ExtendedBy);
        Assert.Equal(1, clock.ExtensionCount);
    }

    [Theory]
    [InlineData("2025-06-09 15:30")]
    [InlineData("2025-06-09 15:00")]
    public void ExtendTo_NotLater_Throws(string newDue) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FiveWorkHoursFromMondayMorning().ExtendTo(Cst.At(newDue), China));

    [Fact]
    public void Extend_WhilePaused_AppliesOnResume()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        clock.Pause(Cst.At("2025-06-09 10:00"));
        clock.Extend(TimeLimit.WorkHours(1m), China);
        clock.Resume(Cst.At("2025-06-10 10:00"), China);

        // 5 h left at the pause (4 + 1 extension), re-applied from Tuesday 10:00.
        Assert.Equal(Cst.At("2025-06-10 16:30"), clock.DueAt);
    }

    [Theory]
    [InlineData("2025-06-09 11:00", true, Light.Green)]
    [InlineData("2025-06-09 15:00", true, Light.Yellow)]
    [InlineData("2025-06-09 15:30", true, Light.Yellow)]
    [InlineData("2025-06-09 15:30:00.0000001", false, Light.Red)]
    [InlineData("2025-06-10 09:00", false, Light.Red)]
    public void Finish_OnTimeOrLate_LightFixedAtFinish(string finishedAt, bool onTime, Light light)
    {
        var clock = FiveWorkHoursFromMondayMorning();

        clock.Finish(Cst.At(finishedAt));

        Assert.True(clock.IsFinished);
        Assert.Equal(onTime, clock.FinishedOnTime);
        Assert.Equal(light, clock.TrafficLight(Cst.At("2025-07-01 10:00")));
        Assert.Equal(clock.Consumed(Cst.At(finishedAt), China), clock.Consumed(Cst.At("2025-07-01 10:00"), China));
    }

    [Fact]
    public void IllegalOperations_Throw()
    {
        var clock = FiveWorkHoursFromMondayMorning();

        Assert.Throws<InvalidOperationException>(() => clock.Resume(Cst.At("2025-06-09 10:00"), China));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Pause(Cst.At("2025-06-09 08:59")));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Finish(Cst.At("2025-06-09 08:59")));

        clock.Pause(Cst.At("2025-06-09 10:00"));
        Assert.Throws<InvalidOperationException>(() => clock.Pause(Cst.At("2025-06-09 10:30")));
        Assert.Throws<InvalidOperationException>(() => clock.Finish(Cst.At("2025-06-09 10:30")));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Resume(Cst.At("2025-06-09 09:59"), China));

        clock.Resume(Cst.At("2025-06-09 11:00"), China);
        clock.Finish(Cst.At("2025-06-09 12:00"));
        Assert.Throws<InvalidOperationException>(() => clock.Finish(Cst.At("2025-06-09 12:30")));
        Assert.Throws<InvalidOperationException>(() => clock.Pause(Cst.At("2025-06-09 12:30")));
        Assert.Throws<InvalidOperationException>(() => clock.Extend(TimeLimit.WorkHours(1m), China));
        Assert.Throws<InvalidOperationException>(() => clock.ExtendTo(Cst.At("2025-06-20 12:00"), China));
        Assert.Throws<ArgumentException>(() => FiveWorkHoursFromMondayMorning().Extend(default, China));
    }

    /// <summary>With random suspensions the stored warning and due agree with the measured share.</summary>
    [Theory]
    [InlineData(TimeLimitUnit.WorkHour)]
    [InlineData(TimeLimitUnit.WorkDay)]
    [InlineData(TimeLimitUnit.EmergencyWorkHour)]
    public void TrafficLight_AgreesWithElapsedFraction_AfterRandomSuspensions(TimeLimitUnit unit)
    {
        var random = new Random(8080 + (int)unit);
        var origin = Cst.At("2025-01-01 00:00");
        for (var i = 0; i < 150; i++)
        {
            var start = origin.AddMinutes(random.Next(0, 2 * 365 * 24 * 60));
            var clock = StageClock.Start(CaseStage.Handle, start, new TimeLimit(random.Next(1, 40) * 0.25m, unit), China);
            var now = start;
            for (var pauses = random.Next(0, 3); pauses > 0; pauses--)
            {
                var minutesToDue = (int)(clock.DueAt - now).TotalMinutes;
                if (minutesToDue < 1)
                {
                    break;
                }

                now = now.AddMinutes(random.Next(0, minutesToDue));
                clock.Pause(now);
                now = now.AddMinutes(random.Next(0, 10 * 24 * 60));
                clock.Resume(now, China);
                if (random.Next(4) == 0)
                {
                    clock.Extend(new TimeLimit(random.Next(1, 8) * 0.25m, unit), China);
                }
            }

            Assert.Equal(clock.Allowance, China.Elapsed(clock.StartedAt, clock.DueAt, unit) - clock.PausedAmount, 20);
            for (var probe = 0; probe < 20; probe++)
            {
                var at = now.AddSeconds(random.Next(0, (int)Math.Max(60, (clock.DueAt - now).TotalSeconds * 1.2)));
                var fraction = clock.ElapsedFraction(at, China);
                var expected = at > clock.DueAt ? Light.Red : fraction >= StageClock.WarningShare ? Light.Yellow : Light.Green;

                Assert.True(
                    expected == clock.TrafficLight(at),
                    string.Create(CultureInfo.InvariantCulture, $"start {Cst.Show(start)}, at {Cst.Show(at)}: fraction {fraction}, light {clock.TrafficLight(at)}"));
            }
        }
    }
}
