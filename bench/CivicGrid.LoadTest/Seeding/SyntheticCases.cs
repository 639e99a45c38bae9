using System.Globalization;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Sla;
using CivicGrid.LoadTest.Load;
using NetTopologySuite.Geometries;

namespace CivicGrid.LoadTest.Seeding;

/// <summary>One synthetic case, in the shape of a row of <c>cases</c> (plus its running stage when open).</summary>
public sealed class SyntheticCase
{
    public required Guid Id { get; init; }

    public required string Number { get; init; }

    public required CaseStatus Status { get; init; }

    public required string Description { get; init; }

    public required string CategoryCode { get; init; }

    public required Urgency Urgency { get; init; }

    public required CaseSource Source { get; init; }

    public required double Longitude { get; init; }

    public required double Latitude { get; init; }

    public required string GridCode { get; init; }

    public required string CommunityCode { get; init; }

    public required string StreetCode { get; init; }

    public required Guid ReportedById { get; init; }

    public Guid? DepartmentId { get; init; }

    public bool? CheckPassed { get; init; }

    public Guid? DuplicateOfId { get; init; }

    public int ReworkCount { get; init; }

    public int PostponementCount { get; init; }

    public CaseStage? CurrentStage { get; init; }

    public DateTimeOffset? CurrentWarnAt { get; init; }

    public DateTimeOffset? CurrentDueAt { get; init; }

    public bool IsOverdue { get; init; }

    public required DateTimeOffset ReportedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>The running (or suspended) stage of an open case; null once the case left the loop.</summary>
    public StageClock? Stage { get; init; }

    /// <summary>One step per case is recorded (the report), so the version, which counts the steps, is 1.</summary>
    public const int Version = 1;
}

/// <summary>Who reports the synthetic cases (the demo inspector) and where they may go.</summary>
public sealed record SeedReference(
    IReadOnlyList<UnitGrid> Grids,
    IReadOnlyList<ResponsibilityRule> Rules,
    Guid FallbackDepartmentId,
    Guid ReporterId,
    string ReporterName);

/// <summary>
/// Generates a year of a district's cases, oldest first, the way the demo seeder shapes its year but
/// without driving each case through the workflow: more on working days and in the mid-morning and
/// mid-afternoon peaks, a weighted category mix, busy and quiet grids, about 6 % rejected, a few merged or
/// voided, the rest closed after hours to days, except the recent ones (and a thin old tail, mostly
/// suspended) that are still open with a running stage clock from the real calendar and limits.
/// </summary>
public sealed class SyntheticCases(SeedReference reference, int seed)
{
    /// <summary>What people report, weighted by how often (the demo seeder's mix).</summary>
    private static readonly (string Code, string Text, int Weight)[] CaseMix =
    [
        ("06010", "路边有暴露垃圾，影响市容", 14), ("09009", "机动车在人行道上乱停放", 12), ("07001", "电线杆上贴满非法小广告", 10),
        ("06012", "路面有油污和泥土，道路不洁", 8), ("09006", "商户占道经营，摆摊到人行道", 7), ("06036", "楼道口乱堆杂物", 6),
        ("09010", "共享单车、电动车乱停放堵塞通道", 6), ("01037", "路灯不亮", 5), ("01002", "污水井盖破损", 4),
        ("01001", "供水井盖缺失，有安全隐患", 3), ("06013", "道路破损出现坑洼", 4), ("06042", "垃圾箱满溢", 5),
        ("03005", "垃圾箱破损", 3), ("04002", "行道树倒伏/枯死", 2), ("06029", "夜间露天烧烤冒烟", 3),
        ("08004", "工地扬尘没有覆盖", 3), ("02010", "交通标志牌倾斜", 2), ("06027", "餐馆油烟污染", 3),
    ];

    /// <summary>Open statuses of recent cases and their weights.</summary>
    private static readonly (CaseStatus Status, int Weight)[] OpenMix =
    [
        (CaseStatus.Reported, 3), (CaseStatus.Verifying, 2), (CaseStatus.Filed, 5), (CaseStatus.Dispatched, 8),
        (CaseStatus.Handling, 50), (CaseStatus.Checking, 15), (CaseStatus.Suspended, 12),
    ];

    private readonly WorkingCalendar _calendar = WorkingCalendar.ChinaDefault();

    /// <summary><paramref name="count"/> cases reported over the <paramref name="days"/> days before <paramref name="now"/>, oldest first.</summary>
    public IEnumerable<SyntheticCase> Generate(int count, int days, DateTimeOffset now)
    {
        var random = new Random(seed);
        var grids = reference.Grids;
        var gridPoints = new RandomPoints?[grids.Count];

        // Busy and quiet grids: a log-normal weight each, drawn by binary search over the running sum.
        var cumulative = new double[grids.Count];
        var sum = 0.0;
        for (var i = 0; i < grids.Count; i++)
        {
            sum += Math.Exp(NextGaussian(random, 0, 0.8));
            cumulative[i] = sum;
        }

        var mixTotal = CaseMix.Sum(m => m.Weight);
        var departments = new Dictionary<(string, string), Guid>();
        var perDay = SplitOverDays(count, days, now, random);
        var localNow = _calendar.ToLocal(now);
        var firstDay = localNow.Date.AddDays(-(days - 1));
        long sequence = 0;
        Guid? previous = null;
        var times = new List<DateTimeOffset>();
        for (var day = 0; day < days; day++)
        {
            var midnight = new DateTimeOffset(firstDay.AddDays(day), localNow.Offset);
            times.Clear();
            for (var k = 0; k < perDay[day]; k++)
            {
                // Reports cluster in the working day, peaking mid-morning and mid-afternoon.
                var hour = Math.Clamp(NextGaussian(random, random.NextDouble() < 0.5 ? 10 : 15, 2.5), 6, 22);
                var at = midnight.AddHours(hour).ToUniversalTime();
                if (at >= now)
                {
                    // Today is not over: spread today's share over the hours that have passed.
                    at = midnight.ToUniversalTime() + (now - midnight) * random.NextDouble();
                }

                times.Add(at);
            }

            times.Sort();
            foreach (var reportedAt in times)
            {
                var g = Pick(cumulative, random.NextDouble() * sum);
                var grid = grids[g];
                var point = (gridPoints[g] ??= new RandomPoints(grid.Boundary)).Next(random);
                var mix = PickMix(random, mixTotal);
                if (!departments.TryGetValue((mix.Code, grid.StreetCode), out var department))
                {
                    department = departments[(mix.Code, grid.StreetCode)] =
                        ResponsibilityRule.Resolve(reference.Rules, mix.Code, grid.StreetCode) ?? reference.FallbackDepartmentId;
                }

                var c = Shape(random, ++sequence, reportedAt, now, mix, grid, point, department, previous);
                previous = c.Id;
                yield return c;
            }
        }
    }

    private SyntheticCase Shape(Random random, long sequence, DateTimeOffset reportedAt, DateTimeOffset now, (string Code, string Text, int Weight) mix,
        UnitGrid grid, Coordinate point, Guid department, Guid? previous)
    {
        var urgency = random.NextDouble() < 0.08 ? Urgency.Urgent : Urgency.Normal;
        var source = random.NextDouble() < 0.7 ? CaseSource.Inspector : (random.NextDouble() < 0.6 ? CaseSource.Hotline : CaseSource.Public);
        var ageDays = (now - reportedAt).TotalDays;
        var u = random.NextDouble();

        CaseStatus status;
        Guid? departmentId = null;
        bool? checkPassed = null;
        Guid? duplicateOf = null;
        DateTimeOffset? closedAt = null;
        StageClock? stage = null;
        var rework = 0;
        var postponements = 0;
        DateTimeOffset updatedAt;
        if (u < 0.06)
        {
            status = CaseStatus.Rejected;
            updatedAt = Before(now, reportedAt.AddMinutes(random.Next(5, 40)));
        }
        else if (u < 0.075 && previous is not null)
        {
            status = CaseStatus.Merged;
            duplicateOf = previous;
            updatedAt = Before(now, reportedAt.AddMinutes(random.Next(5, 60)));
        }
        else if (u < 0.078)
        {
            status = CaseStatus.Voided;
            updatedAt = Before(now, reportedAt.AddHours(random.Next(1, 48)));
        }
        else if (random.NextDouble() < 0.85 * Math.Exp(-ageDays / 2.5) + 0.003)
        {
            // Still open: the recent ones anywhere in the loop, the old tail mostly suspended.
            status = ageDays < 1.0 / 24 ? (random.NextDouble() < 0.6 ? CaseStatus.Reported : CaseStatus.Filed)
                : ageDays > 30 ? (random.NextDouble() < 0.6 ? CaseStatus.Suspended : CaseStatus.Handling)
                : PickOpen(random);
            var (stageKind, start) = status switch
            {
                CaseStatus.Reported => (CaseStage.File, reportedAt),
                CaseStatus.Verifying => (CaseStage.Verify, reportedAt.AddMinutes(random.Next(5, 30))),
                CaseStatus.Filed => (CaseStage.Dispatch, reportedAt.AddMinutes(random.Next(3, 50))),
                CaseStatus.Checking => (CaseStage.Check, reportedAt.AddHours(2 + random.NextDouble() * Math.Min(ageDays * 24, 72))),
                _ => (CaseStage.Handle, reportedAt.AddMinutes(random.Next(10, 110))),
            };
            start = Before(now, start);
            stage = StageClock.Start(stageKind, start, TimeLimitTable.Default.Lookup(mix.Code, urgency, stageKind), _calendar);
            departmentId = status is CaseStatus.Dispatched or CaseStatus.Handling or CaseStatus.Checking or CaseStatus.Suspended ? department : null;
            updatedAt = start;
            if (status == CaseStatus.Suspended)
            {
                var pausedAt = Before(now, start.AddHours(random.Next(2, 72)));
                stage.Pause(pausedAt);
                updatedAt = pausedAt;
            }
        }
        else
        {
            status = CaseStatus.Closed;
            departmentId = department;
            checkPassed = true;
            rework = random.NextDouble() < 0.08 ? 1 : 0;
            postponements = random.NextDouble() < 0.04 ? 1 : 0;
            var hours = 1 + Math.Abs(NextGaussian(random, 20, 14)) * (1 + rework) * (1 + postponements);
            closedAt = Before(now, reportedAt.AddHours(hours));
            updatedAt = closedAt.Value;
        }

        var running = stage is { PausedAt: null } ? stage : null;
        return new SyntheticCase
        {
            Id = Guid.CreateVersion7(reportedAt),
            Number = string.Create(CultureInfo.InvariantCulture, $"B{_calendar.ToLocal(reportedAt).Year}-{sequence:D7}"),
            Status = status,
            Description = mix.Text + "（模拟数据）",
            CategoryCode = mix.Code,
            Urgency = urgency,
            Source = source,
            Longitude = point.X,
            Latitude = point.Y,
            GridCode = grid.Code,
            CommunityCode = grid.CommunityCode,
            StreetCode = grid.StreetCode,
            ReportedById = reference.ReporterId,
            DepartmentId = departmentId,
            CheckPassed = checkPassed,
            DuplicateOfId = duplicateOf,
            ReworkCount = rework,
            PostponementCount = postponements,
            CurrentStage = stage?.Stage,
            CurrentWarnAt = running?.WarningAt,
            CurrentDueAt = running?.DueAt,

            // Overdue stages were escalated long ago by the deadline job, as on a live system.
            IsOverdue = running is not null && running.DueAt < now,
            ReportedAt = reportedAt,
            UpdatedAt = updatedAt,
            ClosedAt = closedAt,
            Stage = stage,
        };
    }

    /// <summary>How many reports fall on each day: working days busier than rest days, a seasonal swing, noise.</summary>
    private int[] SplitOverDays(int count, int days, DateTimeOffset now, Random random)
    {
        var localToday = DateOnly.FromDateTime(_calendar.ToLocal(now).Date);
        var weights = new double[days];
        for (var d = 0; d < days; d++)
        {
            var date = localToday.AddDays(d - (days - 1));
            var season = 1 + 0.25 * Math.Sin((date.DayOfYear - 80) / 365.0 * 2 * Math.PI);
            weights[d] = (_calendar.IsWorkingDay(date) ? 32 : 18) * season * (0.8 + random.NextDouble() * 0.4);
        }

        // Today has only had the hours so far.
        var todayShare = Math.Clamp((_calendar.ToLocal(now).TimeOfDay.TotalHours - 6) / 16, 0.05, 1);
        weights[^1] *= todayShare;
        var total = weights.Sum();
        var counts = weights.Select(w => (int)Math.Floor(count * w / total)).ToArray();
        var missing = count - counts.Sum();
        for (var i = 0; missing > 0; i = (i + 1) % days, missing--)
        {
            counts[(i * 7919) % days]++;
        }

        return counts;
    }

    private static DateTimeOffset Before(DateTimeOffset now, DateTimeOffset at) => at < now ? at : now.AddSeconds(-1);

    private static int Pick(double[] cumulative, double r)
    {
        var i = Array.BinarySearch(cumulative, r);
        return Math.Min(i < 0 ? ~i : i, cumulative.Length - 1);
    }

    private static (string Code, string Text, int Weight) PickMix(Random random, int total)
    {
        var r = random.Next(total);
        foreach (var m in CaseMix)
        {
            if ((r -= m.Weight) < 0)
            {
                return m;
            }
        }

        return CaseMix[^1];
    }

    private static CaseStatus PickOpen(Random random)
    {
        var r = random.Next(OpenMix.Sum(m => m.Weight));
        foreach (var (status, weight) in OpenMix)
        {
            if ((r -= weight) < 0)
            {
                return status;
            }
        }

        return CaseStatus.Handling;
    }

    private static double NextGaussian(Random random, double mean, double sd)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return mean + sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Sin(2.0 * Math.PI * u2);
    }
}
