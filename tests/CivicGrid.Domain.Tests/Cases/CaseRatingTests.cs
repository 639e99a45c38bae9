using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>评价与回访 (issue #3 item 11): a reporter rates a closed case; a low rating or a dispute asks for a return visit.</summary>
public class CaseRatingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Rate_LowStars_DisputesAndWaitsForAReturnVisit(int stars)
    {
        var driver = CaseDriver.At(CaseStatus.Closed);

        driver.Case.Rate(stars, "还是坏的", dispute: false, Actors.Citizen, driver.Now, TestSla.Policy);

        Assert.Equal(CaseStatus.Closed, driver.Case.Status);
        Assert.Equal(PendingRequest.ReturnVisit, driver.Case.PendingRequest);
        Assert.Equal(["rate", "dispute"], driver.Case.History.TakeLast(2).Select(h => h.Action));
        Assert.Equal("还是坏的", driver.Case.History[^1].Note);
        Assert.Contains(CaseAction.ReturnVisit, CaseWorkflow.AllowedFor(driver.Case, Actors.Supervisor));
        Assert.Contains(driver.Case.Events, e => e is CaseRated { Stars: var s } && s == stars);
    }

    [Fact]
    public void Rate_HighStarsWithADispute_StillDisputes()
    {
        var driver = CaseDriver.At(CaseStatus.Closed);

        driver.Case.Rate(4, null, dispute: true, Actors.Citizen, driver.Now, TestSla.Policy);

        Assert.Equal(PendingRequest.ReturnVisit, driver.Case.PendingRequest);
        Assert.Equal("评价 4 星", driver.Case.History[^1].Note);
    }

    [Fact]
    public void Rate_HighStars_RecordsTheRatingAndKeepsTheCaseClosed()
    {
        var driver = CaseDriver.At(CaseStatus.Closed);
        var version = driver.Case.Version;

        driver.Case.Rate(5, "很满意", dispute: false, Actors.Citizen, driver.Now, TestSla.Policy);

        Assert.Equal(PendingRequest.None, driver.Case.PendingRequest);
        Assert.Equal(version + 1, driver.Case.Version);
        Assert.Equal("rate", driver.Case.History[^1].Action);
    }

    [Theory]
    [InlineData(CaseStatus.Reported)]
    [InlineData(CaseStatus.Handling)]
    [InlineData(CaseStatus.Checking)]
    [InlineData(CaseStatus.Rejected)]
    public void Rate_CaseNotClosed_ThrowsInvalidTransition(CaseStatus status)
    {
        var driver = CaseDriver.At(status);

        Assert.Throws<InvalidCaseTransitionException>(() => driver.Case.Rate(3, null, false, Actors.Citizen, driver.Now, TestSla.Policy));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Rate_StarsOutOfRange_ThrowsNamingStars(int stars)
    {
        var driver = CaseDriver.At(CaseStatus.Closed);

        var ex = Assert.Throws<DomainValidationException>(() => driver.Case.Rate(stars, null, false, Actors.Citizen, driver.Now, TestSla.Policy));

        Assert.Equal("stars", ex.Field);
    }

    [Fact]
    public void Rate_SecondDisputeWhileOneWaits_ThrowsInvalidTransition()
    {
        var driver = CaseDriver.At(CaseStatus.Closed);
        driver.Case.Rate(1, "没修", false, Actors.Citizen, driver.Now, TestSla.Policy);

        Assert.Throws<InvalidCaseTransitionException>(() => driver.Case.Rate(2, "确实没修", false, Actors.Citizen, driver.Now, TestSla.Policy));
    }

    [Fact]
    public void ReturnVisit_AfterADispute_KeepsTheCaseClosedAndClearsTheRequest()
    {
        var c = CaseDriver.At(CaseStatus.Closed).Do(CaseAction.Dispute).Do(CaseAction.ReturnVisit).Case;

        Assert.Equal(CaseStatus.Closed, c.Status);
        Assert.Equal(PendingRequest.None, c.PendingRequest);
        Assert.NotNull(c.ClosedAt);
    }

    [Fact]
    public void Reopen_AfterADispute_GoesBackToDispatchWithoutTheRequest()
    {
        var c = CaseDriver.At(CaseStatus.Closed).Do(CaseAction.Dispute).Do(CaseAction.Reopen).Case;

        Assert.Equal(CaseStatus.Filed, c.Status);
        Assert.Equal(PendingRequest.None, c.PendingRequest);
        Assert.Null(c.ClosedAt);
    }

    [Fact]
    public void RecordReporterJoined_OpenCase_RecordsMeTooWithoutChangingTheStatus()
    {
        var driver = CaseDriver.At(CaseStatus.Handling);

        driver.Case.RecordReporterJoined(CaseSource.Public, Actors.Citizen, driver.Now);

        Assert.Equal(CaseStatus.Handling, driver.Case.Status);
        Assert.Equal("meToo", driver.Case.History[^1].Action);
        Assert.Contains(driver.Case.Events, e => e is CaseReporterJoined);
    }

    [Theory]
    [InlineData(CaseStatus.Closed)]
    [InlineData(CaseStatus.Merged)]
    public void RecordReporterJoined_EndedCase_ThrowsNamingTheCase(CaseStatus status)
    {
        var driver = CaseDriver.At(status);

        var ex = Assert.Throws<DomainValidationException>(() => driver.Case.RecordReporterJoined(CaseSource.Public, Actors.Citizen, driver.Now));

        Assert.Equal("caseNumber", ex.Field);
    }
}

/// <summary>Tracking codes: random, well formed, typed forgivingly.</summary>
public class TrackingCodeTests
{
    [Fact]
    public void New_IsTwelveCrockfordCharactersAndDoesNotRepeat()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => TrackingCodes.New()).ToList();

        Assert.All(codes, c => Assert.True(TrackingCodes.IsWellFormed(c), c));
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(codes, c => c.IndexOfAny(['I', 'L', 'O', 'U']) >= 0);
    }

    [Theory]
    [InlineData("abcd-efgh-jkmn", "ABCDEFGHJKMN")]
    [InlineData(" 0o1i L234 5678 ", "001112345678")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Normalize_ForgivesCaseSeparatorsAndLookAlikes(string? typed, string expected) =>
        Assert.Equal(expected, TrackingCodes.Normalize(typed));

    [Theory]
    [InlineData("ABCDEFGHJKM")]
    [InlineData("ABCDEFGHJKMNP")]
    [InlineData("ABCDEFGHJKMU")]
    [InlineData("abcdefghjkmn")]
    public void IsWellFormed_RejectsOtherShapes(string code) => Assert.False(TrackingCodes.IsWellFormed(code));

    [Fact]
    public void Report_GivesEveryCaseATrackingCode()
    {
        var c = CaseDriver.At(CaseStatus.Reported).Case;

        Assert.True(TrackingCodes.IsWellFormed(c.TrackingCode));
    }
}
