using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Domain.Tests.Cases;

/// <summary>智能派遣: which department, which supporting departments, which handler, and why.</summary>
public class DispatchPlannerTests
{
    private const string Street = "110101001";
    private const string OtherStreet = "110101002";

    private static readonly Guid Sanitation = new("d0000000-0000-0000-0000-000000000001");
    private static readonly Guid Roads = new("d0000000-0000-0000-0000-000000000002");
    private static readonly Guid Traffic = new("d0000000-0000-0000-0000-000000000003");
    private static readonly Guid Water = new("d0000000-0000-0000-0000-000000000004");
    private static readonly Guid StreetOffice = new("d0000000-0000-0000-0000-000000000005");
    private static readonly HashSet<Guid> Active = [Sanitation, Roads, Traffic, Water, StreetOffice];

    private static readonly List<ResponsibilityRule> Rules =
    [
        new() { CategoryCode = "06", DepartmentId = Sanitation },
        new() { CategoryCode = "06010", StreetCode = Street, DepartmentId = StreetOffice },
        new() { CategoryCode = "02005", DepartmentId = Roads, SupportingDepartmentIds = [Traffic, Roads] },
    ];

    private static DispatchSuggestion Suggest(DispatchFacts facts, IReadOnlyList<DispatchHandler>? handlers = null, IReadOnlyList<AssignedWork>? work = null, IReadOnlySet<Guid>? active = null) =>
        DispatchPlanner.Suggest(facts, Rules, active ?? Active, handlers ?? [], work ?? []);

    [Fact]
    public void Suggest_MajorCategoryRule_WhenNoExactRule()
    {
        var s = Suggest(new DispatchFacts("06001", Street));

        Assert.Equal((Sanitation, DispatchBasis.MajorCategoryRule), (s.DepartmentId!.Value, s.Basis));
        Assert.Equal(Rules[0].Id, s.RuleId);
        Assert.Contains("06", s.ReasonZh, StringComparison.Ordinal);
        Assert.Contains("major category 06", s.ReasonEn, StringComparison.Ordinal);
    }

    [Fact]
    public void Suggest_StreetException_WinsInItsStreet_Only()
    {
        var inStreet = Suggest(new DispatchFacts("06010", Street));
        var elsewhere = Suggest(new DispatchFacts("06010", OtherStreet));

        Assert.Equal((StreetOffice, DispatchBasis.StreetRule), (inStreet.DepartmentId!.Value, inStreet.Basis));
        Assert.Contains(Street, inStreet.ReasonEn, StringComparison.Ordinal);
        Assert.Equal((Sanitation, DispatchBasis.MajorCategoryRule), (elsewhere.DepartmentId!.Value, elsewhere.Basis));
    }

    [Fact]
    public void Suggest_ComponentOwner_WinsOverTheStreetException()
    {
        var s = Suggest(new DispatchFacts("06010", Street, "11010101001000001", Water));

        Assert.Equal((Water, DispatchBasis.ComponentOwner), (s.DepartmentId!.Value, s.Basis));
        Assert.Contains("11010101001000001", s.ReasonZh, StringComparison.Ordinal);
        // The rule that would have applied is still named (its supporting departments come from it).
        Assert.Equal(Rules[1].Id, s.RuleId);
    }

    [Fact]
    public void Suggest_ComponentOwnerInactive_FallsBackToTheRules()
    {
        var s = Suggest(new DispatchFacts("06010", Street, "11010101001000001", Water), active: new HashSet<Guid> { Sanitation, StreetOffice });

        Assert.Equal((StreetOffice, DispatchBasis.StreetRule), (s.DepartmentId!.Value, s.Basis));
    }

    [Fact]
    public void Suggest_RuleOfAnInactiveDepartment_IsSkipped()
    {
        var s = Suggest(new DispatchFacts("06010", Street), active: new HashSet<Guid> { Sanitation });

        Assert.Equal((Sanitation, DispatchBasis.MajorCategoryRule), (s.DepartmentId!.Value, s.Basis));
    }

    [Fact]
    public void Suggest_SupportingDepartments_FromTheRule_WithoutTheMainOne()
    {
        var s = Suggest(new DispatchFacts("02005", Street));

        Assert.Equal((Roads, DispatchBasis.CategoryRule), (s.DepartmentId!.Value, s.Basis));
        Assert.Equal([Traffic], s.SupportingDepartmentIds);
    }

    [Fact]
    public void Suggest_ComponentOwnerLeads_RuleSupportersStillSupport()
    {
        var s = Suggest(new DispatchFacts("02005", Street, "11010101002000001", Traffic));

        // The rule lists Traffic and Roads; the owner never supports itself.
        Assert.Equal(Traffic, s.DepartmentId);
        Assert.Equal([Roads], s.SupportingDepartmentIds);
        var water = Suggest(new DispatchFacts("02005", Street, "11010101002000001", Water));
        Assert.Equal([Traffic, Roads], water.SupportingDepartmentIds);
    }

    [Fact]
    public void Suggest_NoRule_DeviceDepartment_ThenNone()
    {
        var device = Suggest(new DispatchFacts("09001", Street, DeviceDepartmentId: Water));
        var none = Suggest(new DispatchFacts("09001", Street));

        Assert.Equal((Water, DispatchBasis.DeviceDepartment), (device.DepartmentId!.Value, device.Basis));
        Assert.Equal((null, DispatchBasis.None), (none.DepartmentId, none.Basis));
        Assert.Null(none.AssigneeId);
        Assert.Empty(none.Handlers);
        Assert.Contains("09001", none.ReasonZh, StringComparison.Ordinal);
    }

    [Fact]
    public void Suggest_Handler_WithTheLowestWeightedLoad()
    {
        var (a, b, c) = (Handler("a", Sanitation), Handler("b", Sanitation), Handler("c", Roads));
        // a: three normal cases (3); b: one emergency that is overdue (3 × 2 = 6); c is of another department.
        AssignedWork[] work =
        [
            new(a.UserId, Urgency.Normal, false), new(a.UserId, Urgency.Normal, false), new(a.UserId, Urgency.Normal, false),
            new(b.UserId, Urgency.Emergency, true),
        ];

        var s = Suggest(new DispatchFacts("06001", Street), [a, b, c], work);

        Assert.Equal(a.UserId, s.AssigneeId);
        Assert.Equal([(a.UserId, 3m, 3), (b.UserId, 6m, 1)], s.Handlers.Select(h => (h.UserId, h.Load, h.OpenCases)));
        Assert.Contains("负荷 3", s.ReasonZh, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_EqualLoad_FewerOpenCasesFirst_ThenUserName()
    {
        var (x, y, z) = (Handler("x", Sanitation), Handler("y", Sanitation), Handler("w", Sanitation));
        // x: one urgent (2); y: two normal (2); w: one urgent (2) — w before x by name, y last (more cases).
        AssignedWork[] work = [new(x.UserId, Urgency.Urgent, false), new(y.UserId, Urgency.Normal, false), new(y.UserId, Urgency.Normal, false), new(z.UserId, Urgency.Urgent, false)];

        var loads = DispatchPlanner.Loads(Sanitation, [x, y, z], work);

        Assert.Equal(["w", "x", "y"], loads.Select(l => l.UserName));
        // The same inputs in another order give the same answer.
        Assert.Equal(loads, DispatchPlanner.Loads(Sanitation, [z, y, x], [.. work.Reverse()]));
    }

    [Fact]
    public void Loads_NobodyHasWork_TheFirstByName()
    {
        var loads = DispatchPlanner.Loads(Sanitation, [Handler("zhao", Sanitation), Handler("li", Sanitation)], []);

        Assert.Equal(["li", "zhao"], loads.Select(l => l.UserName));
        Assert.All(loads, l => Assert.Equal(0m, l.Load));
    }

    [Theory]
    [InlineData(Urgency.Normal, false, 1)]
    [InlineData(Urgency.Urgent, false, 2)]
    [InlineData(Urgency.Emergency, false, 3)]
    [InlineData(Urgency.Normal, true, 2)]
    [InlineData(Urgency.Emergency, true, 6)]
    public void LoadOf_WeighsUrgencyAndOverdue(Urgency urgency, bool overdue, int expected) =>
        Assert.Equal(expected, DispatchPlanner.LoadOf(new AssignedWork(Guid.NewGuid(), urgency, overdue)));

    [Fact]
    public void Suggest_DepartmentWithoutHandlers_HasNoAssignee()
    {
        var s = Suggest(new DispatchFacts("06001", Street), [Handler("r", Roads)]);

        Assert.Equal(Sanitation, s.DepartmentId);
        Assert.Null(s.AssigneeId);
    }

    private static DispatchHandler Handler(string name, Guid department) =>
        new(Guid.NewGuid(), name, "处置人员" + name, department);
}
