using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Cases;

/// <summary>GET /api/v1/cases: filters, paging and bad parameters.</summary>
public abstract class ListCasesTests(CivicGridApp app) : ApiTest(app)
{
    [Fact]
    public async Task Filters_ByCategoryGridStatusDepartmentAndBbox()
    {
        var marker = "09009";
        var parked = await ReportAsync(marker, row: 2, col: 2);
        var other = await ReportAsync("06010", row: 0, col: 0);
        await StepAsync("operator", Id(parked), new { action = "file" });
        await StepAsync("dispatcher", Id(parked), new { action = "dispatch" });
        var client = await AsAsync("supervisor");

        var byCategory = await ListAsync(client, $"categoryCode={marker}&gridCode={App.District.GridCodes[8]}");
        Assert.Contains(Id(parked), byCategory);
        Assert.DoesNotContain(Id(other), byCategory);

        var byStatus = await ListAsync(client, "status=dispatched,handling");
        Assert.Contains(Id(parked), byStatus);
        Assert.DoesNotContain(Id(other), byStatus);

        var byDepartment = await ListAsync(client, $"departmentId={App.District.TrafficId}");
        Assert.Contains(Id(parked), byDepartment);

        var (lon, lat) = TestDistrict.Inside(2, 2);
        var bbox = string.Create(CultureInfo.InvariantCulture, $"{lon - 0.0004},{lat - 0.0004},{lon + 0.0004},{lat + 0.0004}");
        var inBox = await ListAsync(client, $"bbox={bbox}");
        Assert.Contains(Id(parked), inBox);
        Assert.DoesNotContain(Id(other), inBox);
    }

    [Fact]
    public async Task Filters_ByTimeRange()
    {
        var c = await ReportAsync();
        var client = await AsAsync("supervisor");
        var at = c.GetProperty("reportedAt").GetDateTimeOffset();

        Assert.Contains(Id(c), await ListAsync(client, $"from={Uri.EscapeDataString(at.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(at.AddMinutes(1).ToString("O"))}"));
        Assert.DoesNotContain(Id(c), await ListAsync(client, $"from={Uri.EscapeDataString(at.AddMinutes(1).ToString("O"))}"));
    }

    [Fact]
    public async Task Paging_ReturnsPagesNewestFirst_WithTotal()
    {
        for (var i = 0; i < 3; i++)
        {
            await ReportAsync("06012");
        }

        var client = await AsAsync("supervisor");
        var page1 = await client.GetFromJsonAsync<JsonElement>("/api/v1/cases?categoryCode=06012&pageSize=2&page=1", Ct);
        var page2 = await client.GetFromJsonAsync<JsonElement>("/api/v1/cases?categoryCode=06012&pageSize=2&page=2", Ct);

        Assert.True(page1.GetProperty("total").GetInt32() >= 3);
        Assert.Equal(2, page1.GetProperty("items").GetArrayLength());
        var times = page1.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("reportedAt").GetDateTimeOffset()).ToList();
        Assert.True(times[0] >= times[1]);
        var ids1 = page1.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString());
        var ids2 = page2.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString());
        Assert.Empty(ids1.Intersect(ids2));
    }

    [Theory]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("status=lost", "status")]
    [InlineData("bbox=1,2,3", "bbox")]
    [InlineData("bbox=5,5,1,1", "bbox")]
    public async Task BadParameter_Returns400NamingIt(string query, string field)
    {
        var client = await AsAsync("supervisor");
        var problem = await ProblemAsync(await client.GetAsync("/api/v1/cases?" + query, Ct), HttpStatusCode.BadRequest);
        Assert.Contains(field, ErrorFields(problem));
    }

    private static async Task<List<string>> ListAsync(HttpClient client, string query)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/cases?pageSize=200&{query}", Ct);
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
    }
}

[Collection(SqliteCollection.Name)]
public sealed class ListCasesTestsOnSqlite(SqliteApp app) : ListCasesTests(app);

[Collection(PostgresCollection.Name)]
public sealed class ListCasesTestsOnPostgres(PostgresApp app) : ListCasesTests(app);
