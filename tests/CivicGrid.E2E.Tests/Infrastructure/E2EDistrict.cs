using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Grids;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Geocoding;
using CivicGrid.Server.Features.Intake.Classification;
using CivicGrid.Server.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using GridEntity = CivicGrid.Domain.CityModel.UnitGrid;

namespace CivicGrid.E2E.Tests.Infrastructure;

/// <summary>
/// A small but real-looking district for the browser tests: Dongcheng's 17 streets with their
/// simulated communities and unit grids (the partition takes about a second; no components, no
/// year of history as the demo has), the departments and responsibility rules the server ships,
/// one user per centre role and a dozen cases at every stage, reported through the same use case
/// as the API at times in the past so that their lights are green, yellow and red.
/// </summary>
public sealed class E2EDistrict
{
    public const string Password = "e2e-password-123";

    /// <summary>Centre staff and one handler per department (<c>handler-&lt;code&gt;</c>; <c>handler</c> is sanitation's).</summary>
    public static readonly (string UserName, string DisplayName, Role Role)[] Staff =
    [
        ("operator", "受理员 王芳", Role.Operator),
        ("dispatcher", "派遣员 李强", Role.Dispatcher),
        ("supervisor", "值班长 张伟", Role.Supervisor),
        ("inspector", "监督员 刘洋", Role.Inspector),
        ("citizen", "市民 孙丽", Role.Citizen),
    ];

    private readonly IServiceProvider _services;
    private readonly ShiftedClock _clock;
    private int _next;

    private E2EDistrict(IServiceProvider services, ShiftedClock clock, IReadOnlyList<(double Lon, double Lat)> places, int streets)
    {
        _services = services;
        _clock = clock;
        Places = places;
        StreetCount = streets;
    }

    /// <summary>Grid centres spread over the district, for reports.</summary>
    public IReadOnlyList<(double Lon, double Lat)> Places { get; }

    public int StreetCount { get; }

    public static async Task<E2EDistrict> SeedAsync(IServiceProvider services, ShiftedClock clock)
    {
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var partition = DongchengDemo.CreatePartition();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
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
            var departments = SeedCsv.ReadResource("departments.csv")
                .Select(r => new Department { Code = r["code"], NameZh = r["name_zh"], NameEn = r["name_en"], Kind = r["kind"] })
                .ToList();
            db.Departments.AddRange(departments);
            db.ResponsibilityRules.AddRange(SeedCsv.ReadResource("responsibility-rules.csv")
                .Select(r => new ResponsibilityRule { CategoryCode = r["category_code"], DepartmentId = departments.Single(d => d.Code == r["department_code"]).Id }));
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();

            var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();
            foreach (var (userName, displayName, role) in Staff)
            {
                await users.CreateAsync(new UserEndpoints.CreateUserRequest(userName, displayName, role, null, Password), default);
            }

            await users.CreateAsync(new UserEndpoints.CreateUserRequest("handler", "处置员 周杰（环卫）", Role.Handler, departments.Single(d => d.Code == "sanitation").Id, Password), default);
            foreach (var d in departments)
            {
                await users.CreateAsync(new UserEndpoints.CreateUserRequest($"handler-{d.Code}", $"处置员（{d.NameZh}）", Role.Handler, d.Id, Password), default);
            }

            scope.ServiceProvider.GetRequiredService<GridLocator>().Invalidate();
            db.Landmarks.AddRange(DongchengDemo.LoadLandmarks().Select(l => new Landmark
            {
                NameZh = l.NameZh,
                NameEn = l.NameEn,
                Aliases = [.. l.Aliases],
                Kind = l.Kind,
                Longitude = l.Position.Longitude,
                Latitude = l.Position.Latitude,
                Path = l.Path is { Count: >= 2 } path ? new LineString([.. path.Select(p => new Coordinate(p.Longitude, p.Latitude))]) { SRID = 4326 } : null,
            }));
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync();
            scope.ServiceProvider.GetRequiredService<Gazetteer>().Invalidate();
            var grids = partition.Grids;
            var places = Enumerable.Range(0, 60).Select(i => grids[(int)((i * 7919L + 13) % grids.Count)]).Select(g => (g.Centroid.X, g.Centroid.Y)).ToList();
            var district = new E2EDistrict(services, clock, places, partition.Streets.Count);
            await district.SeedCasesAsync();
            return district;
        }
    }

    /// <summary>Reports a case now, as the inspector, through the API's use case; returns it.</summary>
    public Task<CaseDto> ReportAsync(string description, string categoryCode = "06010", string? reporterName = null, string? reporterPhone = null) =>
        ReportAtAsync(description, categoryCode, TimeSpan.Zero, reporterName, reporterPhone);

    /// <summary>Reports a case now at a given WGS-84 position, as the inspector; returns it.</summary>
    public Task<CaseDto> ReportAtAsync(string description, string categoryCode, double lon, double lat) =>
        AtAsync(TimeSpan.Zero, async commands => await commands.CreateAsync(
            new CreateCaseRequest { Description = description, CategoryCode = categoryCode, Longitude = lon, Latitude = lat },
            await ActorAsync(commands, "inspector"),
            default));

    /// <summary>Trains and installs a small report classifier from what people report here (once per server).</summary>
    public void TrainClassifier()
    {
        var classifier = _services.GetRequiredService<ReportClassifier>();
        if (classifier.Current() is not null)
        {
            return;
        }

        string[] frames = ["{0}", "这里{0}，请尽快处理", "市民反映：{0}", "{0}，已经好几天了"];
        classifier.Save(classifier.Train(Mix.SelectMany(m => frames.Select(f => (string.Format(System.Globalization.CultureInfo.InvariantCulture, f, m.Text), m.Code)))));
    }

    /// <summary>Performs a workflow step now, as the named user, through the API's use case.</summary>
    public Task<CaseDto> StepAsync(CaseDto c, string userName, string action, string? note = null, string? result = null, bool? passed = null) =>
        StepAtAsync(c, userName, TimeSpan.Zero, action, note, result, passed);

    /// <summary>The case a citizen filed, found by its tracking code, as the operator sees it.</summary>
    public async Task<CaseDto> FindByTrackingCodeAsync(string trackingCode)
    {
        using var scope = _services.CreateScope();
        var commands = scope.ServiceProvider.GetRequiredService<CaseCommands>();
        var c = await commands.Db.Cases.AsNoTracking().SingleAsync(x => x.TrackingCode == trackingCode);
        return await commands.ToDtoAsync(c, await ActorAsync(commands, "operator"), default);
    }

    /// <summary>A closed case with its whole history (report → close), for looking at.</summary>
    public CaseDto Closed { get; private set; } = null!;

    private async Task SeedCasesAsync()
    {
        // A day and a half of ordinary work, oldest first, so that the newest are on top of the queue.
        var random = new Random(2004);
        for (var i = 0; i < 30; i++)
        {
            var (code, text) = Mix[random.Next(Mix.Length)];
            var age = TimeSpan.FromMinutes(2200 - (i * 70) - random.Next(40));
            var c = await ReportAtAsync(text, code, -age);
            var steps = random.Next(6);
            var at = -age;
            foreach (var (user, action) in Loop.Take(steps))
            {
                at += TimeSpan.FromMinutes(10 + random.Next(50));
                if (at >= TimeSpan.Zero)
                {
                    break;
                }

                c = await StepAtAsync(c, user ?? HandlerFor(c), at, action,
                    result: action == "feedback" ? "已处理完毕，现场恢复整洁" : null,
                    passed: action == "check" ? true : null);
            }
        }

        // A few by hand: overdue ones, one waiting for a check, one closed.
        await ReportAtAsync("路边有暴露垃圾，影响市容，已堆放两天", "06010", Ago(days: 2, hours: 3));
        var sidewalk = await ReportAtAsync("工地扬尘没有覆盖，风大时尘土飞扬", "08004", Ago(days: 3));
        sidewalk = await StepAtAsync(sidewalk, "operator", Ago(days: 2, hours: 22), "file");
        await StepAtAsync(sidewalk, "dispatcher", Ago(days: 2, hours: 20), "dispatch");

        var cover = await ReportAtAsync("污水井盖破损，行人有踩空危险", "01002", Ago(days: 6));
        cover = await StepAtAsync(cover, "operator", Ago(days: 5, hours: 23), "file", note: "现场照片清晰，予以立案");
        cover = await StepAtAsync(cover, "dispatcher", Ago(days: 5, hours: 22), "dispatch");
        await StepAtAsync(cover, "handler-water", Ago(days: 5, hours: 20), "accept");

        var road = await ReportAtAsync("道路破损出现坑洼，雨后积水", "06013", Ago(days: 4));
        road = await StepAtAsync(road, "operator", Ago(days: 3, hours: 23), "file");
        road = await StepAtAsync(road, "dispatcher", Ago(days: 3, hours: 22), "dispatch");
        road = await StepAtAsync(road, HandlerFor(road), Ago(days: 3, hours: 21), "accept");
        road = await StepAtAsync(road, HandlerFor(road), Ago(days: 2), "feedback", result: "已修补坑洼并清理积水");
        road = await StepAtAsync(road, "inspector", Ago(days: 1, hours: 20), "check", passed: true);
        Closed = await StepAtAsync(road, "supervisor", Ago(days: 1, hours: 19), "close");

        var ads = await ReportAtAsync("电线杆上贴满非法小广告", "07001", Ago(hours: 26));
        await StepAtAsync(ads, "operator", Ago(hours: 25), "file");

        var vendor = await ReportAtAsync("商户占道经营，摆摊到人行道", "09006", Ago(hours: 5));
        vendor = await StepAtAsync(vendor, "operator", Ago(hours: 4, minutes: 40), "file");
        await StepAtAsync(vendor, "dispatcher", Ago(hours: 4), "dispatch");

        var light = await ReportAtAsync("路灯不亮，夜间道路漆黑", "01037", Ago(hours: 30));
        light = await StepAtAsync(light, "operator", Ago(hours: 29), "file");
        light = await StepAtAsync(light, "dispatcher", Ago(hours: 28), "dispatch");
        await StepAtAsync(light, HandlerFor(light), Ago(hours: 27), "accept");

        var bin = await ReportAtAsync("垃圾箱满溢，周边散落垃圾", "06042", Ago(hours: 9));
        bin = await StepAtAsync(bin, "operator", Ago(hours: 8, minutes: 50), "file");
        bin = await StepAtAsync(bin, "dispatcher", Ago(hours: 8, minutes: 30), "dispatch");
        bin = await StepAtAsync(bin, "handler", Ago(hours: 8), "accept");
        await StepAtAsync(bin, "handler", Ago(hours: 2), "feedback", result: "已清运，垃圾箱周边已清扫干净");

        var bbq = await ReportAtAsync("夜间露天烧烤冒烟，影响居民休息", "06029", Ago(hours: 7));
        bbq = await StepAtAsync(bbq, "operator", Ago(hours: 6, minutes: 45), "file");
        bbq = await StepAtAsync(bbq, "dispatcher", Ago(hours: 6, minutes: 30), "dispatch");
        await StepAtAsync(bbq, HandlerFor(bbq), Ago(hours: 6), "accept");

        await ReportAtAsync("共享单车、电动车乱停放堵塞通道", "09010", Ago(hours: 1, minutes: 10));
        await ReportAtAsync("机动车在人行道上乱停放", "09009", Ago(minutes: 25));
        await ReportAtAsync("楼道口乱堆杂物，堵塞消防通道", "06036", Ago(minutes: 5));
    }

    /// <summary>What people report (category, description), as in the demo.</summary>
    private static readonly (string Code, string Text)[] Mix =
    [
        ("06010", "路边有暴露垃圾，影响市容"), ("09009", "机动车在人行道上乱停放"), ("07001", "电线杆上贴满非法小广告"),
        ("06012", "路面有油污和泥土，道路不洁"), ("09006", "商户占道经营，摆摊到人行道"), ("06036", "楼道口乱堆杂物"),
        ("09010", "共享单车乱停放堵塞通道"), ("01037", "路灯不亮"), ("01002", "污水井盖破损"), ("06042", "垃圾箱满溢"),
        ("06013", "道路破损出现坑洼"), ("08004", "工地扬尘没有覆盖"), ("06027", "餐馆油烟污染"),
    ];

    /// <summary>The happy path after the report; null user = the handler of the case's department.</summary>
    private static readonly (string? User, string Action)[] Loop =
        [("operator", "file"), ("dispatcher", "dispatch"), (null, "accept"), (null, "feedback"), ("inspector", "check"), ("supervisor", "close")];

    private static TimeSpan Ago(int days = 0, int hours = 0, int minutes = 0) => -(TimeSpan.FromDays(days) + TimeSpan.FromHours(hours) + TimeSpan.FromMinutes(minutes));

    private string HandlerFor(CaseDto c)
    {
        using var scope = _services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var code = db.Departments.AsNoTracking().Where(d => d.Id == c.DepartmentId).Select(d => d.Code).Single();
        return $"handler-{code}";
    }

    private async Task<CaseDto> ReportAtAsync(string description, string categoryCode, TimeSpan offset, string? reporterName = null, string? reporterPhone = null)
    {
        var (lon, lat) = Places[_next++ % Places.Count];
        return await AtAsync(offset, async commands => await commands.CreateAsync(
            new CreateCaseRequest { Description = description, CategoryCode = categoryCode, Longitude = lon, Latitude = lat, ReporterName = reporterName, ReporterPhone = reporterPhone },
            await ActorAsync(commands, "inspector"),
            default));
    }

    private Task<CaseDto> StepAtAsync(CaseDto c, string userName, TimeSpan offset, string action, string? note = null, string? result = null, bool? passed = null) =>
        AtAsync(offset, async commands => await commands.TransitionAsync(
            c.Id.ToString(),
            new TransitionRequest { Action = action, Note = note, Result = result, Passed = passed },
            await ActorAsync(commands, userName),
            null,
            default));

    private async Task<CaseDto> AtAsync(TimeSpan offset, Func<CaseCommands, Task<CaseDto>> use)
    {
        using var scope = _services.CreateScope();
        _clock.Offset = offset;
        try
        {
            return await use(scope.ServiceProvider.GetRequiredService<CaseCommands>());
        }
        finally
        {
            _clock.Offset = TimeSpan.Zero;
        }
    }

    private static async Task<Actor> ActorAsync(CaseCommands commands, string userName) =>
        (await commands.Db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName)).ToActor();
}
