using System.Globalization;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.CityModel;
using CivicGrid.Domain.Grids;
using CivicGrid.Domain.Identity;
using CivicGrid.E2E.Tests.Infrastructure;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Cases;
using CivicGrid.Server.Features.CityModel;
using CivicGrid.Server.Features.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CivicGrid.E2E.Tests.Features.Inspection;

/// <summary>The inspector on patrol with a phone: report a component in one tap, then verify the nearest task.</summary>
public sealed class InspectorPatrolPageTests(ConsoleApp app) : ConsoleTest(app)
{
    /// <summary>A real 1 × 1 PNG (the page decodes it before sending).</summary>
    private static readonly byte[] Photo = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    [Fact]
    public async Task Inspector_ReportsANearbyComponentInOneTap_ThenVerifiesTheNearestTask()
    {
        // A little off the grid's centre, where the district's seeded cases lie, so that the task made here is the nearest.
        var centre = District.Places[5];
        var here = (centre.Lon + (10 / GeoMeasure.MetresPerDegreeLongitude(centre.Lat)), centre.Lat + (10 / GeoMeasure.MetresPerDegree));
        var patrol = await PatrolAsync(here, District.Places[6]);

        await using var context = await App.NewPhoneContextAsync(here);
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, d) =>
        {
            dialogs++;
            _ = d.DismissAsync();
        };

        // Signed out, the page sends the inspector to the console's sign-in, which brings them back.
        await page.GotoAsync("/inspector");
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await page.Locator("#username").FillAsync(patrol.UserName);
        await page.Locator("#password").FillAsync(E2EDistrict.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/inspector", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#ip-map.leaflet-container")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ip-position")).ToContainTextAsync("±");

        // The nearest component first; one tap picks it and its case category.
        var components = page.Locator("#ip-components button.ip-item");
        await Assertions.Expect(components.First).ToHaveAttributeAsync("data-component-id", patrol.NearComponent);
        await components.First.ClickAsync();
        await Assertions.Expect(page.Locator("#ip-category")).ToHaveValueAsync("01001");
        await Assertions.Expect(page.Locator("#ip-description")).Not.ToBeEmptyAsync();
        await page.Locator("#ip-photo").SetInputFilesAsync(new FilePayload { Name = "cover.png", MimeType = "image/png", Buffer = Photo });
        await Assertions.Expect(page.Locator("#ip-photo-status")).Not.ToBeEmptyAsync();

        await page.Locator("#ip-submit").ClickAsync();

        await Assertions.Expect(page.Locator("#ip-receipt")).ToBeVisibleAsync();
        var number = (await page.GetByTestId("case-number").TextContentAsync())!.Trim();
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var filed = await db.Cases.AsNoTracking().SingleAsync(c => c.Number == number, Ct);
            Assert.Equal(CaseSource.Inspector, filed.Source);
            Assert.Equal(patrol.NearComponent, filed.ComponentId);
            Assert.Equal("01001", filed.CategoryCode);
            Assert.Equal(patrol.UserId, filed.ReportedById);
            Assert.Equal(patrol.GridCode, filed.GridCode);
            Assert.Equal(1, await db.CaseAttachments.CountAsync(a => a.CaseId == filed.Id, Ct));
        }

        // Tasks: the nearest verification first, with its distance; verify it on site with a note and a photo.
        await page.Locator("#ip-tab-tasks").ClickAsync();
        var tasks = page.Locator("#ip-task-list button.ip-item");
        await Assertions.Expect(tasks.First).ToHaveAttributeAsync("data-case-id", patrol.NearTask.ToString());
        await Assertions.Expect(page.Locator($"#ip-task-list button[data-case-id='{patrol.FarTask}']")).ToBeVisibleAsync();
        await Assertions.Expect(tasks.First.Locator(".ip-distance")).ToContainTextAsync("米");
        await tasks.First.ClickAsync();
        await Assertions.Expect(page.Locator("#ip-task-description")).ToHaveTextAsync(patrol.NearDescription);
        await page.Locator("#ip-task-form .ip-answer[data-passed=true]").ClickAsync();
        await page.Locator("#ip-task-note").FillAsync("现场核实，问题属实");
        await page.Locator("#ip-task-photo").SetInputFilesAsync(new FilePayload { Name = "site.png", MimeType = "image/png", Buffer = Photo });
        await Assertions.Expect(page.Locator("#ip-task-photo-status")).Not.ToBeEmptyAsync();
        await page.Locator("#ip-task-send").ClickAsync();

        await Assertions.Expect(page.Locator("#ip-task-list-view")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator($"#ip-task-list button[data-case-id='{patrol.NearTask}']")).ToHaveCountAsync(0);
        using (var scope = App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var verified = await db.Cases.AsNoTracking().SingleAsync(c => c.Id == patrol.NearTask, Ct);
            Assert.Equal(CaseStatus.Reported, verified.Status);
            Assert.True(verified.Verified);
            var photo = await db.CaseAttachments.AsNoTracking().SingleAsync(a => a.CaseId == patrol.NearTask, Ct);
            Assert.NotNull(photo.HistorySequence);
        }

        Assert.Equal(0, dialogs);
    }

    [Fact]
    public async Task PatrolPage_At360Pixels_HasNoSidewaysScroll_LargeTargets_NoPolicyViolations_AndSwitchesToEnglish()
    {
        var patrol = await PatrolAsync(District.Places[7], District.Places[8]);
        await using var context = await App.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseUrl, ViewportSize = new ViewportSize { Width = 360, Height = 740 }, IsMobile = true, HasTouch = true,
            Locale = "zh-CN", TimezoneId = "Asia/Shanghai", Permissions = ["geolocation"],
            Geolocation = new Geolocation { Longitude = (float)District.Places[7].Lon, Latitude = (float)District.Places[7].Lat, Accuracy = 25 },
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };

        await SignInAsync(page, patrol);
        await Assertions.Expect(page.Locator("#ip-components button.ip-item").First).ToBeVisibleAsync();

        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 360 px");
        foreach (var selector in new[] { "#ip-tab-report", "#ip-tab-tasks", "#ip-submit", "#ip-locate", "label[for=ip-photo]", "#ip-common .ip-chip", "#ip-components button.ip-item", "#ip-category" })
        {
            var box = await page.Locator(selector).First.BoundingBoxAsync();
            Assert.True(box is { Height: >= 44 }, $"{selector}: {box?.Height} px high");
        }

        Assert.DoesNotContain(errors, e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
        await page.Locator(".ip-lang").ClickAsync();
        await Assertions.Expect(page.Locator("#ip-submit")).ToHaveTextAsync("Report now");
        Assert.EndsWith("/inspector", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Report_SentWhileOffline_KeepsTheForm_AndTheRetryFilesOneCase_WithTheLargePhotoShrunk()
    {
        var here = District.Places[9];
        var patrol = await PatrolAsync(here, District.Places[10]);
        await using var context = await App.NewPhoneContextAsync(here);
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await SignInAsync(page, patrol);
        await Assertions.Expect(page.Locator("#ip-position")).ToContainTextAsync("±");

        // A camera-sized picture (2400 × 1800), drawn in the browser.
        var big = Convert.FromBase64String(await page.EvaluateAsync<string>(@"async () => {
            const c = document.createElement('canvas'); c.width = 2400; c.height = 1800;
            const g = c.getContext('2d');
            for (let i = 0; i < 400; i++) { g.fillStyle = `hsl(${i * 37 % 360} 70% 50%)`; g.fillRect((i * 97) % 2400, (i * 53) % 1800, 120, 90); }
            const blob = await new Promise((r) => c.toBlob(r, 'image/png'));
            const bytes = new Uint8Array(await blob.arrayBuffer());
            let s = ''; for (const b of bytes) { s += String.fromCharCode(b); }
            return btoa(s);
        }"));
        await page.Locator("#ip-common .ip-chip[data-code='06010']").ClickAsync();
        var marker = "断网重试 " + patrol.UserName;
        await page.Locator("#ip-description").FillAsync(marker);
        await page.Locator("#ip-photo").SetInputFilesAsync(new FilePayload { Name = "big.png", MimeType = "image/png", Buffer = big });
        await Assertions.Expect(page.Locator("#ip-photo-status")).Not.ToBeEmptyAsync();

        await context.SetOfflineAsync(true);
        await page.Locator("#ip-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#ip-retry")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#ip-error")).ToContainTextAsync("网络不通");
        await Assertions.Expect(page.Locator("#ip-description")).ToHaveValueAsync(marker);
        await Assertions.Expect(page.Locator("#ip-category")).ToHaveValueAsync("06010");

        await context.SetOfflineAsync(false);
        // Back online the page retries by itself; a tap on "retry" meanwhile sends nothing twice.
        await page.EvaluateAsync("() => document.getElementById('ip-retry').click()");
        await Assertions.Expect(page.Locator("#ip-receipt")).ToBeVisibleAsync();
        var number = (await page.GetByTestId("case-number").TextContentAsync())!.Trim();

        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var filed = await db.Cases.AsNoTracking().Where(c => c.Description == marker).ToListAsync(Ct);
        Assert.Equal([number], filed.Select(c => c.Number));
        var photo = await db.CaseAttachments.AsNoTracking().SingleAsync(a => a.CaseId == filed[0].Id, Ct);
        Assert.Equal("image/jpeg", photo.ContentType);
        await using var stored = scope.ServiceProvider.GetRequiredService<AttachmentStore>().Open(photo.StorageKey);
        using var bytes = new MemoryStream();
        await stored.CopyToAsync(bytes, Ct);
        Assert.Equal((1600, 1200), JpegSize(bytes.ToArray()));
    }

    [Fact]
    public async Task Report_KeptWhileOffline_OutlivesThePage_AndIsFiledOnceWhenTheInspectorComesBack()
    {
        var here = District.Places[11];
        var patrol = await PatrolAsync(here, District.Places[12]);
        await using var context = await App.NewPhoneContextAsync(here);
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await SignInAsync(page, patrol);
        await Assertions.Expect(page.Locator("#ip-position")).ToContainTextAsync("±");
        await page.Locator("#ip-common .ip-chip[data-code='06010']").ClickAsync();
        var marker = "关页后补报 " + patrol.UserName;
        await page.Locator("#ip-description").FillAsync(marker);
        await page.Locator("#ip-photo").SetInputFilesAsync(new FilePayload { Name = "bin.png", MimeType = "image/png", Buffer = Photo });
        await Assertions.Expect(page.Locator("#ip-photo-status")).Not.ToBeEmptyAsync();

        // No network: the form stays, and the page is closed before the network comes back.
        await context.SetOfflineAsync(true);
        await page.Locator("#ip-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#ip-retry")).ToBeVisibleAsync();
        await page.CloseAsync();
        await context.SetOfflineAsync(false);

        // Opening the page again restores the report (photo included) and sends it.
        var again = await context.NewPageAsync();
        await again.GotoAsync("/inspector");
        await Assertions.Expect(again.Locator("#ip-receipt")).ToBeVisibleAsync();
        var number = (await again.GetByTestId("case-number").TextContentAsync())!.Trim();

        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var filed = await db.Cases.AsNoTracking().Where(c => c.Description == marker).ToListAsync(Ct);
        Assert.Equal([number], filed.Select(c => c.Number));
        Assert.Equal("06010", filed[0].CategoryCode);
        Assert.Equal(1, await db.CaseAttachments.AsNoTracking().CountAsync(a => a.CaseId == filed[0].Id, Ct));

        // Sent means forgotten: the next visit starts with an empty form.
        var third = await context.NewPageAsync();
        await third.GotoAsync("/inspector");
        await Assertions.Expect(third.Locator("#ip-form")).ToBeVisibleAsync();
        await Assertions.Expect(third.Locator("#ip-description")).ToHaveValueAsync(string.Empty);
        Assert.Equal(0, await third.EvaluateAsync<int>(@"() => new Promise((resolve) => {
            const open = indexedDB.open('civicgrid-inspector', 1);
            open.onupgradeneeded = () => open.result.createObjectStore('pending');
            open.onsuccess = () => { const r = open.result.transaction('pending').objectStore('pending').count(); r.onsuccess = () => resolve(r.result); };
        })"));
    }

    /// <summary>Signs the patrol's inspector in through the console's sign-in, which leads back to the patrol page.</summary>
    private static async Task SignInAsync(IPage page, Patrol patrol)
    {
        await page.GotoAsync("/login?ReturnUrl=%2Finspector");
        await page.Locator("#username").FillAsync(patrol.UserName);
        await page.Locator("#password").FillAsync(E2EDistrict.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/inspector", StringComparison.Ordinal));
    }

    /// <summary>Width and height from a JPEG's start-of-frame segment.</summary>
    private static (int Width, int Height) JpegSize(byte[] jpeg)
    {
        for (var i = 2; i + 9 < jpeg.Length;)
        {
            var marker = jpeg[i + 1];
            var length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (jpeg[i] == 0xFF && marker is >= 0xC0 and <= 0xC3)
            {
                return ((jpeg[i + 7] << 8) | jpeg[i + 8], (jpeg[i + 5] << 8) | jpeg[i + 6]);
            }

            i += 2 + length;
        }

        throw new InvalidDataException("No start-of-frame segment.");
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Patrol(string UserName, Guid UserId, string GridCode, string NearComponent, Guid NearTask, string NearDescription, Guid FarTask);

    /// <summary>
    /// An inspector of their own (so no other test's scope changes) patrolling the grids of two
    /// places, two components near the first, and a verification task at each place.
    /// </summary>
    private async Task<Patrol> PatrolAsync((double Lon, double Lat) here, (double Lon, double Lat) there)
    {
        using var scope = App.Services.CreateScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CivicGridDbContext>();
        var grids = services.GetRequiredService<GridLocator>();
        var gridHere = (await grids.LocateAsync(here.Lon, here.Lat, default))!.GridCode;
        var gridThere = (await grids.LocateAsync(there.Lon, there.Lat, default))!.GridCode;

        var name = "patrol-" + Guid.NewGuid().ToString("N")[..6];
        await services.GetRequiredService<UserAdministration>().CreateAsync(new UserEndpoints.CreateUserRequest(name, "监督员 " + name, Role.Inspector, null, E2EDistrict.Password), default);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == name);
        var beat = new ResponsibilityGrid { Code = "P" + name, Name = "巡查网格 " + name, InspectorId = user.Id };
        beat.Members.AddRange(new[] { gridHere, gridThere }.Distinct().Select(g => new ResponsibilityGridMember { ResponsibilityGridId = beat.Id, GridCode = g }));
        db.ResponsibilityGrids.Add(beat);

        var owner = await db.Departments.AsNoTracking().Select(d => d.Id).FirstAsync();
        string Component(double east)
        {
            var id = gridHere[..6] + "01001" + Random.Shared.Next(100000, 999999).ToString("D6", CultureInfo.InvariantCulture);
            db.Components.Add(new Component
            {
                Id = id, CategoryCode = "01001", Name = "供水井盖 " + id[^3..],
                Longitude = here.Lon + (east / GeoMeasure.MetresPerDegreeLongitude(here.Lat)), Latitude = here.Lat,
                GridCode = gridHere, OwnerDepartmentId = owner,
            });
            return id;
        }

        var near = Component(6);
        Component(35);
        await db.SaveChangesAsync();

        var commands = services.GetRequiredService<CaseCommands>();
        var operatorActor = (await db.Users.AsNoTracking().SingleAsync(u => u.UserName == "operator")).ToActor();
        async Task<CaseDto> VerifyingAsync((double Lon, double Lat) at, string description)
        {
            var c = await commands.CreateAsync(new CreateCaseRequest { Description = description, CategoryCode = "06010", Longitude = at.Lon, Latitude = at.Lat }, operatorActor, default);
            return await commands.TransitionAsync(c.Id.ToString(), new TransitionRequest { Action = "requestVerification" }, operatorActor, null, default);
        }

        var nearDescription = "路边有暴露垃圾，请核实 " + name;
        var nearTask = await VerifyingAsync(here, nearDescription);
        var farTask = await VerifyingAsync(there, "远处暴露垃圾，请核实 " + name);
        return new Patrol(name, user.Id, gridHere, near, nearTask.Id, nearDescription, farTask.Id);
    }
}
