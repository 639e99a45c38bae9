using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Grids;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Calendar;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Geocoding;
using CivicGrid.Server.Features.Platform;
using CivicGrid.Server.Features.Users;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using GridEntity = CivicGrid.Domain.CityModel.UnitGrid;

namespace CivicGrid.Server.Features.Demo;

/// <summary>
/// Seeds Beijing Dongcheng (东城区, where grid management began in 2004) as a living demo: the real
/// district boundary split into simulated streets, communities and ~100 m unit grids, departments
/// and responsibility rules, a component inventory, a user per role and about a year of past cases
/// driven through the real workflow. All texts are marked as simulated (模拟数据).
/// </summary>
public sealed partial class DemoSeeder(
    CivicGridDbContext db,
    UserAdministration users,
    SlaPolicyProvider slaProvider,
    GridLocator locator,
    Gazetteer gazetteer,
    TimeProvider clock,
    IConfiguration configuration,
    ILogger<DemoSeeder> logger)
{
    public const int Seed = 2004;
    public const int HistoryDays = 365;

    /// <summary>Demo users, one per role (handlers per department are added as handler-&lt;code&gt;).</summary>
    public static readonly (string UserName, string DisplayName, Role Role)[] RoleUsers =
    [
        ("operator", "受理员 王芳", Role.Operator),
        ("dispatcher", "派遣员 李强", Role.Dispatcher),
        ("supervisor", "值班长 张伟", Role.Supervisor),
        ("inspector", "监督员 刘洋", Role.Inspector),
        ("inspector2", "监督员 陈静", Role.Inspector),
        ("analyst", "分析员 杨帆", Role.Analyst),
        ("auditor", "审计员 赵敏", Role.Auditor),
        ("citizen", "市民 孙丽", Role.Citizen),
        ("device", "设备网关", Role.Device),
    ];

    /// <summary>Component categories of the inventory, with how many per grid on average.</summary>
    private static readonly (string Code, string Name, string Department, double PerGrid)[] ComponentMix =
    [
        ("01001", "供水井盖", "water", 0.35), ("01002", "污水井盖", "water", 0.35), ("01003", "雨水井盖", "water", 0.3),
        ("01005", "电力井盖", "power", 0.2), ("01007", "通信井盖", "telecom", 0.2), ("01011", "燃气井盖", "gas", 0.15),
        ("01013", "消防设施", "water", 0.1), ("01037", "路灯", "municipal", 0.45), ("02010", "交通标志牌及标线", "traffic", 0.1),
        ("03005", "垃圾箱", "sanitation", 0.3), ("04002", "行道树", "landscaping", 0.3),
    ];

    /// <summary>What people report, weighted by how often (cover and light problems are the component events).</summary>
    private static readonly (string Code, string Text, int Weight)[] CaseMix =
    [
        ("06010", "路边有暴露垃圾，影响市容", 14), ("09009", "机动车在人行道上乱停放", 12), ("07001", "电线杆上贴满非法小广告", 10),
        ("06012", "路面有油污和泥土，道路不洁", 8), ("09006", "商户占道经营，摆摊到人行道", 7), ("06036", "楼道口乱堆杂物", 6),
        ("09010", "共享单车、电动车乱停放堵塞通道", 6), ("01037", "路灯不亮", 5), ("01002", "污水井盖破损", 4),
        ("01001", "供水井盖缺失，有安全隐患", 3), ("06013", "道路破损出现坑洼", 4), ("06042", "垃圾箱满溢", 5),
        ("03005", "垃圾箱破损", 3), ("04002", "行道树倒伏/枯死", 2), ("06029", "夜间露天烧烤冒烟", 3),
        ("08004", "工地扬尘没有覆盖", 3), ("02010", "交通标志牌倾斜", 2), ("06027", "餐馆油烟污染", 3),
    ];

    /// <summary>Seeds once; does nothing when the district already exists.</summary>
    public async Task SeedAsync(CancellationToken ct)
    {
        if (await db.Streets.AnyAsync(ct))
        {
            return;
        }

        var started = clock.GetUtcNow();
        var random = new Random(Seed);
        var partition = DongchengDemo.CreatePartition(DistrictPartitionOptions.Default with { Seed = Seed });
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await SeedGeographyAsync(partition, ct);
        var departments = await SeedDepartmentsAsync(ct);
        await SeedUsersAsync(departments, partition, ct);
        await SeedComponentsAsync(partition, departments, random, ct);
        locator.Invalidate();
        var landmarks = await SeedLandmarksAsync(ct);
        gazetteer.Invalidate();
        var cases = await SeedHistoryAsync(partition, departments, random, ct);
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        var seconds = (clock.GetUtcNow() - started).TotalSeconds;
        LogSeeded(logger, partition.Streets.Count, partition.Communities.Count, partition.Grids.Count, landmarks, cases, seconds);
    }

    private async Task SeedGeographyAsync(DistrictPartition partition, CancellationToken ct)
    {
        db.Streets.AddRange(partition.Streets.Select(s => new Street { Code = s.Code.Value, NameZh = s.Name, NameEn = s.EnglishName, Boundary = s.Geometry }));
        db.Communities.AddRange(partition.Communities.Select(c => new Community { Code = c.Code.Value, StreetCode = c.StreetCode.Value, NameZh = c.Name + "（模拟）", NameEn = c.EnglishName + " (simulated)", Boundary = c.Geometry }));
        db.UnitGrids.AddRange(partition.Grids.Select(g => new GridEntity
        {
            Code = g.Code.Value,
            CommunityCode = g.CommunityCode.Value,
            StreetCode = g.StreetCode.Value,
            Boundary = g.Geometry,
            AreaSquareMetres = g.AreaSquareMetres,
            CentroidLongitude = g.Centroid.X,
            CentroidLatitude = g.Centroid.Y,
        }));
        await SaveAsync(ct);
    }

    /// <summary>The gazetteer's real places (approximate public positions); any the grids do not cover are left out.</summary>
    private async Task<int> SeedLandmarksAsync(CancellationToken ct)
    {
        var added = 0;
        foreach (var l in DongchengDemo.LoadLandmarks())
        {
            if (await locator.LocateAsync(l.Position.Longitude, l.Position.Latitude, ct) is null)
            {
                continue;
            }

            db.Landmarks.Add(new Landmark
            {
                NameZh = l.NameZh,
                NameEn = l.NameEn,
                Aliases = [.. l.Aliases],
                Kind = l.Kind,
                Longitude = l.Position.Longitude,
                Latitude = l.Position.Latitude,
                Path = l.Path is { Count: >= 2 } path ? new LineString([.. path.Select(p => new Coordinate(p.Longitude, p.Latitude))]) { SRID = 4326 } : null,
            });
            added++;
        }

        await SaveAsync(ct);
        return added;
    }

    private async Task<Dictionary<string, Department>> SeedDepartmentsAsync(CancellationToken ct)
    {
        var departments = SeedCsv.ReadResource("departments.csv")
            .Select(r => new Department { Code = r["code"], NameZh = r["name_zh"], NameEn = r["name_en"], Kind = r["kind"] })
            .ToDictionary(d => d.Code, StringComparer.Ordinal);
        db.Departments.AddRange(departments.Values);
        db.ResponsibilityRules.AddRange(SeedCsv.ReadResource("responsibility-rules.csv")
            .Select(r => new ResponsibilityRule
            {
                CategoryCode = r["category_code"],
                DepartmentId = departments[r["department_code"]].Id,
                // 协办: semicolon-separated department codes that take part in every such case.
                SupportingDepartmentIds = [.. r["supporting_department_codes"].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(code => departments[code].Id)],
            }));
        await SaveAsync(ct);
        return departments;
    }

    private async Task SeedUsersAsync(Dictionary<string, Department> departments, DistrictPartition partition, CancellationToken ct)
    {
        var password = configuration[DemoFeature.DemoPasswordVariable];
        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = BaseSeeder.GeneratePassword();
        }
        else if (RoleUsers.Select(u => u.UserName).Append("handler").FirstOrDefault(name => PasswordPolicy.Check(password, name) is not null) is { } refusedFor)
        {
            // Say which rule the chosen password breaks, naming the variable, before creating anyone.
            throw new InvalidOperationException($"{DemoFeature.DemoPasswordVariable} is not accepted for the demo account '{refusedFor}': {PasswordPolicy.Check(password, refusedFor)}");
        }

        db.ChangeTracker.AutoDetectChangesEnabled = true;
        foreach (var (userName, displayName, role) in RoleUsers)
        {
            await users.CreateAsync(new UserEndpoints.CreateUserRequest(userName, displayName, role, null, password), ct);
        }

        await users.CreateAsync(new UserEndpoints.CreateUserRequest("handler", "处置员 周杰（环卫）", Role.Handler, departments["sanitation"].Id, password), ct);
        foreach (var d in departments.Values)
        {
            await users.CreateAsync(new UserEndpoints.CreateUserRequest($"handler-{d.Code}", $"处置员（{d.NameZh}）", Role.Handler, d.Id, password), ct);
        }

        var inspectors = await db.Users.Where(u => u.Role == Role.Inspector).OrderBy(u => u.UserName).Select(u => u.Id).ToListAsync(ct);
        var i = 0;
        foreach (var community in partition.Communities)
        {
            var rg = new ResponsibilityGrid { Code = "RG" + community.Code.Value, Name = community.Name + "责任网格", InspectorId = inspectors[i++ % inspectors.Count] };
            rg.Members.AddRange(partition.Grids.Where(g => g.CommunityCode == community.Code).Select(g => new ResponsibilityGridMember { ResponsibilityGridId = rg.Id, GridCode = g.Code.Value }));
            db.ResponsibilityGrids.Add(rg);
        }

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        if (generated)
        {
            await Console.Out.WriteLineAsync($"CivicGrid demo: every demo account (operator, dispatcher, supervisor, inspector, handler, analyst, auditor, citizen…) has the password: {password}  (set {DemoFeature.DemoPasswordVariable} to choose it)");
        }
    }

    private async Task SeedComponentsAsync(DistrictPartition partition, Dictionary<string, Department> departments, Random random, CancellationToken ct)
    {
        var serials = new Dictionary<string, int>(StringComparer.Ordinal);
        var surveyed = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddYears(-2));
        foreach (var grid in partition.Grids)
        {
            var env = grid.Geometry.EnvelopeInternal;
            foreach (var (code, name, dept, perGrid) in ComponentMix)
            {
                if (random.NextDouble() >= perGrid)
                {
                    continue;
                }

                var point = RandomPointIn(grid.Geometry, env, random);
                var serial = serials[code] = serials.GetValueOrDefault(code) + 1;
                db.Components.Add(new Component
                {
                    Id = ComponentId.Create(partition.AdminDivisionCode, new Domain.Grids.CategoryCode(code), serial).Value,
                    CategoryCode = code,
                    Name = name,
                    Longitude = point.X,
                    Latitude = point.Y,
                    GridCode = grid.Code.Value,
                    OwnerDepartmentId = departments[dept].Id,
                    State = random.NextDouble() < 0.03 ? ComponentState.Damaged : ComponentState.Intact,
                    SurveyedOn = surveyed,
                });
            }
        }

        await SaveAsync(ct);
    }

    private async Task<int> SeedHistoryAsync(DistrictPartition partition, Dictionary<string, Department> departments, Random random, CancellationToken ct)
    {
        var sla = await slaProvider.GetAsync(ct);
        var rules = await db.ResponsibilityRules.AsNoTracking().ToListAsync(ct);
        var staff = await db.Users.AsNoTracking().ToListAsync(ct);
        Actor Staff(string name) => staff.First(u => u.UserName == name).ToActor();
        var inspector = Staff("inspector");
        var operatorActor = Staff("operator");
        var dispatcher = Staff("dispatcher");
        var supervisor = Staff("supervisor");
        var handlers = staff.Where(u => u.Role == Role.Handler && u.UserName.StartsWith("handler-", StringComparison.Ordinal))
            .ToDictionary(u => u.DepartmentId!.Value, u => u.ToActor());
        // Departments differ: some fix things fast, some are slow (the analytics should see it).
        var slowness = departments.Values.ToDictionary(d => d.Id, d => 0.3 + random.NextDouble() * 1.6);
        var totalWeight = CaseMix.Sum(m => m.Weight);

        var now = clock.GetUtcNow();
        var start = now.AddDays(-HistoryDays);
        var year = 0;
        long sequence = 0;
        var count = 0;
        for (var day = 0; day < HistoryDays; day++)
        {
            var date = start.AddDays(day);
            var local = sla.Calendar.ToLocal(date);
            var weekend = !sla.Calendar.IsWorkingDay(DateOnly.FromDateTime(local.DateTime));
            var season = 1 + 0.25 * Math.Sin((local.DayOfYear - 80) / 365.0 * 2 * Math.PI);
            var n = (int)Math.Round((weekend ? 18 : 32) * season * (0.8 + random.NextDouble() * 0.4));
            for (var k = 0; k < n; k++)
            {
                // Reports cluster in the working day, peaking mid-morning and mid-afternoon.
                var hour = Math.Clamp(NextGaussian(random, random.NextDouble() < 0.5 ? 10 : 15, 2.5), 6, 22);
                var reportedAt = new DateTimeOffset(local.Date, local.Offset).AddHours(hour).ToUniversalTime();
                if (reportedAt >= now)
                {
                    continue;
                }

                var mix = Pick(random, totalWeight);
                var grid = partition.Grids[random.Next(partition.Grids.Count)];
                var point = RandomPointIn(grid.Geometry, grid.Geometry.EnvelopeInternal, random);
                var localYear = sla.Calendar.ToLocal(reportedAt).Year;
                if (localYear != year)
                {
                    year = localYear;
                    sequence = 0;
                }

                var number = CaseNumbers.Format(year, ++sequence);
                var c = Case.Report(Guid.CreateVersion7(reportedAt), number, new CaseReport
                {
                    Description = $"{mix.Text}（模拟数据）",
                    CategoryCode = mix.Code,
                    Urgency = random.NextDouble() < 0.08 ? Urgency.Urgent : Urgency.Normal,
                    Source = random.NextDouble() < 0.7 ? CaseSource.Inspector : (random.NextDouble() < 0.6 ? CaseSource.Hotline : CaseSource.Public),
                    Longitude = point.X,
                    Latitude = point.Y,
                    GridCode = grid.Code.Value,
                    CommunityCode = grid.CommunityCode.Value,
                    StreetCode = grid.StreetCode.Value,
                }, inspector, reportedAt, sla);
                var deptId = ResponsibilityRule.Resolve(rules, mix.Code, grid.StreetCode.Value) ?? departments["street-office"].Id;
                Drive(c, reportedAt, now, deptId, handlers[deptId], slowness[deptId], operatorActor, dispatcher, supervisor, inspector, sla, random);
                c.ClearEvents();
                db.Cases.Add(c);
                count++;
                if (count % 1000 == 0)
                {
                    await SaveAsync(ct);
                }
            }
        }

        await SaveAsync(ct);
        await CaseNumbers.ReserveAsync(db, year, sequence, ct);
        return count;
    }

    /// <summary>Drives a simulated case through the loop until "now" (older cases further along).</summary>
    private static void Drive(Case c, DateTimeOffset t, DateTimeOffset now, Guid deptId, Actor handler, double slowness, Actor op, Actor dispatcher, Actor supervisor, Actor inspector, ISlaPolicy sla, Random random)
    {
        bool Step(CaseTransition transition, Actor actor, double minutes)
        {
            var at = t.AddMinutes(Math.Max(1, minutes));
            if (at >= now)
            {
                return false;
            }

            t = at;
            c.Apply(transition, actor, t, sla);
            return true;
        }

        if (random.NextDouble() < 0.06)
        {
            Step(new CaseTransition(CaseAction.Reject) { Note = "不属于城市管理范围（模拟）" }, op, random.Next(5, 40));
            return;
        }

        if (!Step(new CaseTransition(CaseAction.File), op, random.Next(3, 50))
            || !Step(new CaseTransition(CaseAction.Dispatch) { DepartmentId = deptId }, dispatcher, random.Next(3, 60))
            || !Step(new CaseTransition(CaseAction.Accept), handler, random.Next(10, 120)))
        {
            return;
        }

        if (random.NextDouble() < 0.04)
        {
            if (!Step(new CaseTransition(CaseAction.RequestPostponement) { Note = "需要协调施工（模拟）", Extension = TimeLimit.WorkDays(2) }, handler, random.Next(60, 600))
                || !Step(new CaseTransition(CaseAction.ApprovePostponement), dispatcher, random.Next(10, 120)))
            {
                return;
            }
        }

        for (var round = 0; round < 3; round++)
        {
            var handleMinutes = NextGaussian(random, 60 * 16 * slowness, 60 * 8 * slowness);
            if (!Step(new CaseTransition(CaseAction.Feedback) { Result = "已处置完毕（模拟）" }, handler, handleMinutes))
            {
                return;
            }

            var passed = random.NextDouble() > 0.08;
            if (!Step(new CaseTransition(CaseAction.Check) { Passed = passed }, inspector, random.Next(20, 240)))
            {
                return;
            }

            if (passed)
            {
                Step(new CaseTransition(CaseAction.Close), supervisor, random.Next(5, 90));
                return;
            }

            if (!Step(new CaseTransition(CaseAction.Rework) { Note = "核查未通过，返工（模拟）" }, supervisor, random.Next(5, 60)))
            {
                return;
            }
        }
    }

    private static (string Code, string Text, int Weight) Pick(Random random, int totalWeight)
    {
        var r = random.Next(totalWeight);
        foreach (var m in CaseMix)
        {
            if ((r -= m.Weight) < 0)
            {
                return m;
            }
        }

        return CaseMix[^1];
    }

    private static double NextGaussian(Random random, double mean, double sd)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return mean + sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Sin(2.0 * Math.PI * u2);
    }

    /// <summary>A random point inside a polygon (rejection sampling in its envelope).</summary>
    internal static NetTopologySuite.Geometries.Point RandomPointIn(NetTopologySuite.Geometries.Geometry shape, NetTopologySuite.Geometries.Envelope env, Random random)
    {
        for (var i = 0; i < 50; i++)
        {
            var p = new NetTopologySuite.Geometries.Point(env.MinX + random.NextDouble() * env.Width, env.MinY + random.NextDouble() * env.Height);
            if (shape.Contains(p))
            {
                return p;
            }
        }

        return shape.InteriorPoint;
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Demo district seeded: {Streets} streets, {Communities} communities, {Grids} grids, {Landmarks} landmarks, {Cases} past cases in {Seconds:F1} s")]
    private static partial void LogSeeded(ILogger logger, int streets, int communities, int grids, int landmarks, int cases, double seconds);
}
