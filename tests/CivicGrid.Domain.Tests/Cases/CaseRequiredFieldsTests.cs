using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>A missing or bad field is a validation error naming the field, and the case stays as it was.</summary>
public class CaseRequiredFieldsTests
{
    /// <summary>Every required field of every rule, generated from the table.</summary>
    public static TheoryData<CaseAction, string> RequiredFields
    {
        get
        {
            var data = new TheoryData<CaseAction, string>();
            foreach (var rule in CaseWorkflow.Rules)
            {
                foreach (var name in rule.RequiredFields)
                {
                    data.Add(rule.Action, name);
                }
            }

            return data;
        }
    }

    /// <summary>Every action once.</summary>
    public static TheoryData<CaseAction> Actions => [.. Enum.GetValues<CaseAction>()];

    [Fact]
    public void RequiredFields_CoverEveryActionThatCarriesData() =>
        Assert.Equal(20, RequiredFields.Count);

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public void Apply_RequiredFieldMissing_ThrowsValidationNamingItAndLeavesCaseUnchanged(CaseAction action, string field)
    {
        var driver = ReadyFor(action);
        var before = driver.Snap();

        var ex = Assert.Throws<DomainValidationException>(() => driver.Do(action, change: t => Without(t, field)));

        Assert.Equal(field, ex.Field);
        Assert.Equal(before, driver.Snap());
    }

    [Theory]
    [MemberData(nameof(RequiredFields))]
    public void Apply_RequiredFieldBlank_ThrowsValidationNamingIt(CaseAction action, string field)
    {
        var driver = ReadyFor(action);
        var before = driver.Snap();

        var ex = Assert.Throws<DomainValidationException>(() => driver.Do(action, change: t => Blank(t, field)));

        Assert.Equal(field, ex.Field);
        Assert.Equal(before, driver.Snap());
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public void Apply_AllFieldsPresent_Succeeds(CaseAction action)
    {
        var driver = ReadyFor(action);
        var version = driver.Case.Version;

        driver.Do(action);

        Assert.Equal(version + 1, driver.Case.Version);
    }

    [Fact]
    public void RequestPostponement_BothFieldsMissing_NamesExtensionFirst()
    {
        var driver = CaseDriver.At(CaseStatus.Handling);

        var ex = Assert.Throws<DomainValidationException>(() =>
            driver.Do(CaseAction.RequestPostponement, change: t => t with { Extension = null, Note = null }));

        Assert.Equal("extension", ex.Field);
    }

    [Fact]
    public void RequestPostponement_EmptyExtension_ThrowsValidationAndLeavesNoPendingRequest()
    {
        var driver = CaseDriver.At(CaseStatus.Handling);
        var before = driver.Snap();

        var ex = Assert.Throws<DomainValidationException>(() =>
            driver.Do(CaseAction.RequestPostponement, change: t => t with { Extension = default(TimeLimit) }));

        Assert.Equal("extension", ex.Field);
        Assert.Equal(before, driver.Snap());
        Assert.Null(driver.Case.RequestedExtension);
    }

    [Theory]
    [InlineData("0100")]
    [InlineData("010021")]
    [InlineData("01a02")]
    [InlineData("")]
    public void File_BadCorrectedCategory_ThrowsValidationAndLeavesCaseUnchanged(string category)
    {
        var driver = CaseDriver.At(CaseStatus.Reported);
        var before = driver.Snap();

        var ex = Assert.Throws<DomainValidationException>(() =>
            driver.Do(CaseAction.File, change: t => t with { CategoryCode = category, Urgency = Urgency.Urgent }));

        Assert.Equal("categoryCode", ex.Field);
        Assert.Equal(before, driver.Snap());
        Assert.Equal(Urgency.Normal, driver.Case.Urgency);
    }

    [Fact]
    public void Apply_NoteLongerThan2000_ThrowsValidation()
    {
        var driver = CaseDriver.At(CaseStatus.Reported);
        var before = driver.Snap();

        var ex = Assert.Throws<DomainValidationException>(() =>
            driver.Do(CaseAction.Reject, change: t => t with { Note = new string('x', 2001) }));

        Assert.Equal("note", ex.Field);
        Assert.Equal(before, driver.Snap());
    }

    [Fact]
    public void Feedback_ResultLongerThan4000_ThrowsValidation()
    {
        var driver = CaseDriver.At(CaseStatus.Handling);
        var before = driver.Snap();

        var ex = Assert.Throws<DomainValidationException>(() =>
            driver.Do(CaseAction.Feedback, change: t => t with { Result = new string('x', 4001) }));

        Assert.Equal("result", ex.Field);
        Assert.Equal(before, driver.Snap());
    }

    [Fact]
    public void Apply_RequiredFieldMissingAndRoleForbidden_ReportsForbiddenFirst()
    {
        var driver = CaseDriver.At(CaseStatus.Filed);

        Assert.Throws<CaseActionForbiddenException>(() =>
            driver.Do(CaseAction.Dispatch, Actors.Operator, t => t with { DepartmentId = null }));
    }

    // A case in the first status the rule starts from, with its guard satisfied.
    private static CaseDriver ReadyFor(CaseAction action)
    {
        var rule = CaseWorkflow.RuleFor(action);
        var status = Enum.GetValues<CaseStatus>().First(rule.From.Contains);
        return CaseDriver.Ready(status, action);
    }

    private static CaseTransition Without(CaseTransition t, string field) => field switch
    {
        "note" => t with { Note = null },
        "departmentId" => t with { DepartmentId = null },
        "duplicateOfId" => t with { DuplicateOfId = null },
        "passed" => t with { Passed = null },
        "result" => t with { Result = null },
        "extension" => t with { Extension = null },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "A field the tests do not know; teach Without about it."),
    };

    private static CaseTransition Blank(CaseTransition t, string field) => field switch
    {
        "note" => t with { Note = "   " },
        "departmentId" => t with { DepartmentId = Guid.Empty },
        "duplicateOfId" => t with { DuplicateOfId = Guid.Empty },
        "passed" => t with { Passed = null },
        "result" => t with { Result = "\t\n" },
        "extension" => t with { Extension = default(TimeLimit) },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "A field the tests do not know; teach Blank about it."),
    };
}
