using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Transparency;

/// <summary>The public, anonymous map, monthly figures and open data: coarse positions, no personal data, no free text.</summary>
public abstract class TransparencyTests(CivicGridApp app) : ApiTest(app)
{
    /// <summary>Files a case reported off the centre of grid (1, 1), with a reporter and a marked description and address.</summary>
    private async Task<(JsonElement Case, string Marker)> FiledCaseAsync(string phone)
    {
        var marker = "标记" + Guid.NewGuid().ToString("N")[..10];
        var client = await AsAsync("operator");
        var (lon, lat) = TestDistrict.Inside(1, 1);
        var response = await client.PostAsJsonAsync("/api/v1/cases", new
        {
            description = "我家门口 " + marker,
            categoryCode = "06010",
            source = "hotline",
            longitude = lon + 0.0003,
            latitude = lat - 0.0002,
            address = "东四北大街 " + marker,
            reporterName = "钱多多",
            reporterPhone = phone,
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var c = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        await StepAsync("operator", Id(c), new { action = "file" });
        return (c, marker);
    }

    [Fact]
    public async Task Map_IsAnonymous_AtTheGridCentre_WithoutPersonalDataOrText()
    {
        const string phone = "13700001111";
        var (c, marker) = await FiledCaseAsync(phone);
        var unfiled = await ReportAsync(row: 1, col: 1);

        var response = await App.CreateClient().GetAsync("/api/v1/public/cases/map?days=7", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        foreach (var secret in new[] { marker, "钱多多", phone, Id(c), c.GetProperty("number").GetString()!, Id(unfiled) })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        var features = JsonDocument.Parse(text).RootElement.GetProperty("features").EnumerateArray()
            .Where(f => f.GetProperty("properties").GetProperty("gridCode").GetString() == App.District.GridCodes[4])
            .ToList();
        Assert.NotEmpty(features);
        var (lon, lat) = TestDistrict.Inside(1, 1);
        Assert.All(features, f =>
        {
            var xy = f.GetProperty("geometry").GetProperty("coordinates");
            Assert.Equal(lon, xy[0].GetDouble(), 6);
            Assert.Equal(lat, xy[1].GetDouble(), 6);
            Assert.NotEqual("reported", f.GetProperty("properties").GetProperty("status").GetString());
        });
        Assert.Equal(
            ["categoryCode", "categoryName", "categoryNameEn", "status", "statusName", "gridCode", "communityCode", "streetCode", "reportedAt", "closedAt"],
            features[0].GetProperty("properties").EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Theory]
    [InlineData("/api/v1/public/cases/map?days=0", "days")]
    [InlineData("/api/v1/public/cases/map?days=91", "days")]
    [InlineData("/api/v1/public/statistics/monthly?month=2026-13", "month")]
    [InlineData("/api/v1/public/statistics/monthly?month=March", "month")]
    [InlineData("/api/v1/public/open-data/cases.csv?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "from")]
    [InlineData("/api/v1/public/open-data/cases.geojson?from=2024-01-01T00:00:00Z&to=2026-03-01T00:00:00Z", "from")]
    public async Task BadParameter_Returns400NamingIt(string url, string field)
    {
        var problem = await ProblemAsync(await App.CreateClient().GetAsync(url, Ct), HttpStatusCode.BadRequest);
        Assert.Contains(field, ErrorFields(problem));
    }

    [Fact]
    public async Task MonthlyStatistics_CountReportedClosedAndOnTime_PerStreet()
    {
        var (c, _) = await FiledCaseAsync("13700002222");
        var id = Id(c);
        await StepAsync("dispatcher", id, new { action = "dispatch" });
        await StepAsync("handler-a", id, new { action = "accept" });
        await StepAsync("handler-a", id, new { action = "feedback", result = "已清理" });
        await StepAsync("inspector", id, new { action = "check", passed = true });
        await StepAsync("supervisor", id, new { action = "close" });
        var month = TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var before = await App.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/public/statistics/monthly?month={month}", Ct);
        var ratingsBefore = before.GetProperty("streets").EnumerateArray().Single(s => s.GetProperty("streetCode").GetString() == TestDistrict.StreetCode).GetProperty("ratings").GetInt32();
        await using (var scope = App.Services.CreateAsyncScope())
        {
            // The reporter rates the result (the rating API itself is tested with the citizen pages).
            var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
            var reporter = await db.CaseReporters.SingleAsync(r => r.CaseId == Guid.Parse(id), Ct);
            reporter.Rate(4, "处理及时", App.Clock.GetUtcNow());
            await db.SaveChangesAsync(Ct);
        }

        var stats = await App.CreateClient().GetFromJsonAsync<JsonElement>($"/api/v1/public/statistics/monthly?month={month}", Ct);

        Assert.Equal(month, stats.GetProperty("month").GetString());
        var street = stats.GetProperty("streets").EnumerateArray().Single(s => s.GetProperty("streetCode").GetString() == TestDistrict.StreetCode);
        Assert.Equal("测试街道", street.GetProperty("streetName").GetString());
        Assert.True(street.GetProperty("reported").GetInt32() >= 1);
        Assert.True(street.GetProperty("closed").GetInt32() >= 1);
        var rate = street.GetProperty("onTimeRate").GetDouble();
        Assert.InRange(rate, 0, 1);
        Assert.Equal(street.GetProperty("closedOnTime").GetInt32() / (double)street.GetProperty("closed").GetInt32(), rate, 4);
        Assert.Equal(ratingsBefore + 1, street.GetProperty("ratings").GetInt32());
        Assert.InRange(street.GetProperty("satisfaction").GetDouble(), 1, 5);

        var empty = await App.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/public/statistics/monthly?month=2020-01", Ct);
        Assert.Empty(empty.GetProperty("streets").EnumerateArray());
    }

    [Fact]
    public async Task StatisticsPage_IsAnonymous_AndListsTheStreets()
    {
        await FiledCaseAsync("13700004444");
        var month = TimeZoneInfo.ConvertTime(App.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var anonymous = App.CreateClient();

        var page = await anonymous.GetAsync($"/public/statistics?month={month}", Ct);
        var bad = await anonymous.GetAsync("/public/statistics?month=13-2026", Ct);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Ct);
        Assert.Contains("城市管理月度公开数据", html, StringComparison.Ordinal);
        Assert.Contains("测试街道", html, StringComparison.Ordinal);
        Assert.DoesNotContain("13700004444", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task OpenData_CsvAndGeoJson_AreAnonymous_WithoutPersonalDataOrText()
    {
        const string phone = "13700003333";
        var (c, marker) = await FiledCaseAsync(phone);
        var anonymous = App.CreateClient();

        var csv = await anonymous.GetAsync("/api/v1/public/open-data/cases.csv", Ct);
        var geo = await anonymous.GetAsync("/api/v1/public/open-data/cases.geojson", Ct);

        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, geo.StatusCode);
        var csvText = await csv.Content.ReadAsStringAsync(Ct);
        var geoText = await geo.Content.ReadAsStringAsync(Ct);
        var lines = csvText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("category_code,category_name,status,grid_code,community_code,street_code,longitude,latitude,reported_at,closed_at", lines[0].TrimEnd('\r'));
        Assert.Contains(lines, l => l.Contains($",filed,{App.District.GridCodes[4]},", StringComparison.Ordinal));
        Assert.Equal(lines.Length - 1, JsonDocument.Parse(geoText).RootElement.GetProperty("features").GetArrayLength());
        foreach (var secret in new[] { marker, "钱多多", phone, Id(c), c.GetProperty("number").GetString()! })
        {
            Assert.DoesNotContain(secret, csvText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, geoText, StringComparison.Ordinal);
        }
    }

    /// <summary><c>civicgrid export cases</c> writes the same open data as the API (SQLite: the CLI opens the app's data folder).</summary>
    [Fact]
    public async Task CliExport_WritesTheOpenData_AndRefusesBadInput()
    {
        if (App.Engine != DatabaseProvider.Sqlite)
        {
            return;
        }

        const string phone = "13700004444";
        var (c, marker) = await FiledCaseAsync(phone);
        var dir = Directory.CreateTempSubdirectory("civicgrid-export-");
        try
        {
            var csvPath = Path.Combine(dir.FullName, "cases.csv");
            var geoPath = Path.Combine(dir.FullName, "cases.geojson");
            Assert.Equal(0, await CliAsync("export", "cases", "--data-dir", App.DataDir, "--out", csvPath));
            Assert.Equal(0, await CliAsync("export", "cases", "--data-dir", App.DataDir, "--format", "geojson", "--out", geoPath));

            var csvText = await File.ReadAllTextAsync(csvPath, Ct);
            var geoText = await File.ReadAllTextAsync(geoPath, Ct);
            var lines = csvText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("category_code,category_name,status,grid_code,", lines[0], StringComparison.Ordinal);
            var (lon, lat) = TestDistrict.Inside(1, 1);
            var mine = lines.Where(l => l.Contains($",filed,{App.District.GridCodes[4]},", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(mine);
            Assert.All(mine, l => Assert.DoesNotContain((lon + 0.0003).ToString("0.######", CultureInfo.InvariantCulture), l, StringComparison.Ordinal));
            Assert.Equal(lines.Length - 1, JsonDocument.Parse(geoText).RootElement.GetProperty("features").GetArrayLength());
            foreach (var secret in new[] { marker, "钱多多", phone, Id(c), c.GetProperty("number").GetString()! })
            {
                Assert.DoesNotContain(secret, csvText, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, geoText, StringComparison.Ordinal);
            }

            Assert.NotEqual(0, await CliAsync("export", "cases", "--data-dir", App.DataDir, "--format", "xml", "--out", Path.Combine(dir.FullName, "x")));
            Assert.Equal(1, await CliAsync("export", "cases", "--data-dir", App.DataDir, "--out", Path.Combine(dir.FullName, "missing", "x.csv")));
            Assert.False(File.Exists(Path.Combine(dir.FullName, "x")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<int> CliAsync(params string[] args) =>
        await CivicGridCli.BuildRoot().Parse(args).InvokeAsync(new InvocationConfiguration { Output = new StringWriter(), Error = new StringWriter() }, Ct);
}

[Collection(SqliteCollection.Name)]
public sealed class TransparencyTestsOnSqlite(SqliteApp app) : TransparencyTests(app);

[Collection(PostgresCollection.Name)]
public sealed class TransparencyTestsOnPostgres(PostgresApp app) : TransparencyTests(app);
