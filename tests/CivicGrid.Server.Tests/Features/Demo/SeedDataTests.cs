using CivicGrid.Server.Common;

namespace CivicGrid.Server.Tests.Features.Demo;

/// <summary>The district's seed tables agree with each other.</summary>
public sealed class SeedDataTests
{
    [Fact]
    public void ResponsibilityRules_NameKnownDepartments_AndSupportersOtherThanTheMainOne()
    {
        var departments = SeedCsv.ReadResource("departments.csv").Select(r => r["code"]).ToHashSet(StringComparer.Ordinal);
        var rules = SeedCsv.ReadResource("responsibility-rules.csv");

        Assert.All(rules, r => Assert.Contains(r["department_code"], departments));
        var withSupport = rules.Where(r => r["supporting_department_codes"].Length > 0).ToList();
        Assert.NotEmpty(withSupport);
        Assert.All(withSupport, r =>
        {
            var supporters = r["supporting_department_codes"].Split(';', StringSplitOptions.TrimEntries);
            Assert.All(supporters, code => Assert.Contains(code, departments));
            Assert.DoesNotContain(r["department_code"], supporters);
        });

        // The live demo files 占道经营 (09006) every few minutes, so co-handling shows without waiting.
        Assert.Contains(withSupport, r => r["category_code"] == "09006");
    }
}
