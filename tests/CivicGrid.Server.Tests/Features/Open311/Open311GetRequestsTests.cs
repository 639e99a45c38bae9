using System.Net;
using System.Text.Json;
using CivicGrid.Server.Tests.Infrastructure;

namespace CivicGrid.Server.Tests.Features.Open311;

/// <summary>GET requests.{fmt} and requests/{id}.{fmt}: every filter, the defaults, the extensions, no personal data.</summary>
public abstract class Open311GetRequestsTests(CivicGridApp app) : Open311Test(app)
{
    private static readonly string[] RequestElements =
    [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
        "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
        "lat", "long", "media_url",
    ];

    [Fact]
    public async Task One_Json_HasEveryFieldInSpecOrder()
    {
        var number = await CreateAsync(await FormAsync("06027"));

        var list = await GetJsonAsync($"/requests/{number}.json");

        var r = Assert.Single(list.EnumerateArray());
        Assert.Equal(RequestElements, r.EnumerateObject().Select(p => p.Name));
        Assert.Equal(number, r.GetProperty("service_request_id").GetString());
        Assert.Equal("open", r.GetProperty("status").GetString());
        Assert.Equal("油烟污染", r.GetProperty("service_name").GetString());
        Assert.Equal("06027", r.GetProperty("service_code").GetString());
        Assert.Equal(JsonValueKind.Number, r.GetProperty("lat").ValueKind);
        Assert.Equal(JsonValueKind.Number, r.GetProperty("long").ValueKind);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("media_url").ValueKind);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("agency_responsible").ValueKind);
        Assert.Equal(App.District.GridCodes[0], r.GetProperty("address_id").GetString());
        Assert.Equal("测试社区, 测试街道", r.GetProperty("address").GetString());
        var requested = r.GetProperty("requested_datetime").GetString()!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$", requested);
        Assert.Equal(App.Clock.GetUtcNow(), DateTimeOffset.Parse(requested, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Matches(@"\+08:00$", r.GetProperty("expected_datetime").GetString()!);

        var raw = await (await App.CreateClient().GetAsync($"{Base}/requests/{number}.json", Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("+08:00\"", raw, StringComparison.Ordinal);
        Assert.Contains("\"油烟污染\"", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_Xml_HasEveryElementInSpecOrder()
    {
        var number = await CreateAsync(await FormAsync("06027"));

        var doc = await GetXmlAsync($"/requests/{number}.xml");

        Assert.Equal("service_requests", doc.Root!.Name.LocalName);
        var r = Assert.Single(doc.Root.Elements());
        Assert.Equal("request", r.Name.LocalName);
        Assert.Equal(RequestElements, Names(r));
        Assert.Equal(string.Empty, r.Element("media_url")!.Value);
    }

    [Fact]
    public async Task One_Unknown_Returns404()
    {
        var errors = await XmlErrorsAsync(await App.CreateClient().GetAsync(Base + "/requests/1999-000001.xml", Ct), HttpStatusCode.NotFound);
        Assert.Equal(404, errors[0].Code);
    }

    [Fact]
    public async Task Lifecycle_StatusAgencyAndNotesFollowTheCase()
    {
        var number = await CreateAsync(await FormAsync("09009"));
        await StepAsync("operator", number, new { action = "file" });
        await StepAsync("dispatcher", number, new { action = "dispatch", departmentId = App.District.TrafficId });

        var dispatched = (await GetJsonAsync($"/requests/{number}.json"))[0];
        Assert.Equal("open", dispatched.GetProperty("status").GetString());
        Assert.Equal("交通支队", dispatched.GetProperty("agency_responsible").GetString());
        Assert.Equal("Traffic", (await GetJsonAsync($"/requests/{number}.json?locale=en"))[0].GetProperty("agency_responsible").GetString());

        var rejected = await CreateAsync(await FormAsync("09009"));
        await StepAsync("operator", rejected, new { action = "reject", note = "不属于城管受理范围" });
        var closed = (await GetJsonAsync($"/requests/{rejected}.json"))[0];
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Contains("不属于城管受理范围", closed.GetProperty("status_notes").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, closed.GetProperty("expected_datetime").ValueKind);
    }

    [Fact]
    public async Task Filter_ServiceRequestIdList_OverridesEverythingElse()
    {
        var a = await CreateAsync(await FormAsync("06028"));
        var b = await CreateAsync(await FormAsync("06029"));
        await CreateAsync(await FormAsync("06028"));

        var found = await GetJsonAsync($"/requests.json?service_request_id={a},{b}&service_code=99999&status=closed&start_date=2001-01-01T00:00:00Z&end_date=2001-01-02T00:00:00Z");

        Assert.Equal(new[] { a, b }.Order(), Ids(found).Order());
    }

    [Fact]
    public async Task Filter_ServiceCode_CommaList()
    {
        var a = await CreateAsync(await FormAsync("06030"));
        var b = await CreateAsync(await FormAsync("06032"));
        var c = await CreateAsync(await FormAsync("06033"));

        var ids = Ids(await GetJsonAsync("/requests.json?service_code=06030,06032"));

        Assert.Contains(a, ids);
        Assert.Contains(b, ids);
        Assert.DoesNotContain(c, ids);
    }

    [Fact]
    public async Task Filter_Status_OpenOrClosed()
    {
        var open = await CreateAsync(await FormAsync("06034"));
        var closed = await CreateAsync(await FormAsync("06034"));
        await StepAsync("supervisor", closed, new { action = "void", note = "重复上报" });

        var openIds = Ids(await GetJsonAsync("/requests.json?service_code=06034&status=open"));
        var closedIds = Ids(await GetJsonAsync("/requests.json?service_code=06034&status=closed"));
        var both = Ids(await GetJsonAsync("/requests.json?service_code=06034&status=open,closed"));

        Assert.Contains(open, openIds);
        Assert.DoesNotContain(closed, openIds);
        Assert.Contains(closed, closedIds);
        Assert.DoesNotContain(open, closedIds);
        Assert.Contains(open, both);
        Assert.Contains(closed, both);
    }

    [Fact]
    public async Task Filter_StartAndEndDate_OnRequestedDatetime()
    {
        var now = App.Clock.GetUtcNow();
        var old = await InsertCasesAsync(1, "06035", now.AddDays(-40));
        var recent = await CreateAsync(await FormAsync("06035"));
        string W3c(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));

        var window = Ids(await GetJsonAsync($"/requests.json?service_code=06035&start_date={W3c(now.AddDays(-45))}&end_date={W3c(now.AddDays(-35))}"));
        var startOnly = Ids(await GetJsonAsync($"/requests.json?service_code=06035&start_date={W3c(now.AddMinutes(-1))}"));

        Assert.Equal(old, window);
        Assert.Equal([recent], startOnly);
    }

    [Fact]
    public async Task Default_IsTheLast90Days()
    {
        var now = App.Clock.GetUtcNow();
        var tooOld = await InsertCasesAsync(1, "06036", now.AddDays(-91));
        var inside = await InsertCasesAsync(1, "06036", now.AddDays(-89));

        var ids = Ids(await GetJsonAsync("/requests.json?service_code=06036"));

        Assert.Contains(inside[0], ids);
        Assert.DoesNotContain(tooOld[0], ids);
    }

    [Fact]
    public async Task Filter_UpdatedAfterAndBefore()
    {
        var before = await CreateAsync(await FormAsync("06038"));
        App.Clock.Advance(TimeSpan.FromMinutes(5));
        var mark = App.Clock.GetUtcNow();
        var after = await CreateAsync(await FormAsync("06038"));
        string W3c(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));

        var updatedAfter = Ids(await GetJsonAsync($"/requests.json?service_code=06038&updated_after={W3c(mark)}"));
        var updatedBefore = Ids(await GetJsonAsync($"/requests.json?service_code=06038&updated_before={W3c(mark.AddSeconds(-1))}"));

        Assert.Contains(after, updatedAfter);
        Assert.DoesNotContain(before, updatedAfter);
        Assert.Contains(before, updatedBefore);
        Assert.DoesNotContain(after, updatedBefore);
    }

    [Theory]
    [InlineData("start_date=2026-03-01", "start_date")]
    [InlineData("start_date=2026-03-01T00:00:00", "start_date")]
    [InlineData("end_date=yesterday", "end_date")]
    [InlineData("start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z", "end_date")]
    [InlineData("start_date=2025-06-01T00:00:00Z&end_date=2025-01-01T00:00:00Z", "end_date")]
    [InlineData("status=pending", "status")]
    [InlineData("page=0", "page")]
    [InlineData("page_size=1001", "page_size")]
    [InlineData("updated_after=soon", "updated_after")]
    [InlineData("extensions=maybe", "extensions")]
    public async Task BadArgument_Returns400NamingIt(string query, string argument)
    {
        var json = await JsonErrorsAsync(await App.CreateClient().GetAsync($"{Base}/requests.json?{query}", Ct), HttpStatusCode.BadRequest);
        var xml = await XmlErrorsAsync(await App.CreateClient().GetAsync($"{Base}/requests.xml?{query}", Ct), HttpStatusCode.BadRequest);

        Assert.StartsWith(argument, json[0].Description, StringComparison.Ordinal);
        Assert.Equal(400, xml[0].Code);
    }

    [Fact]
    public async Task EmptyArguments_AreTreatedAsAbsent()
    {
        var number = await CreateAsync(await FormAsync("06039"));

        var ids = Ids(await GetJsonAsync("/requests.json?service_code=06039&status=&start_date=&end_date=&service_request_id=&jurisdiction_id="));

        Assert.Contains(number, ids);
    }

    [Fact]
    public async Task NothingMatches_IsAnEmptyList()
    {
        var json = await GetJsonAsync("/requests.json?service_code=99999");
        Assert.Equal(0, json.GetArrayLength());

        var xml = await GetXmlAsync("/requests.xml?service_code=99999");
        Assert.Equal("service_requests", xml.Root!.Name.LocalName);
        Assert.Empty(xml.Root.Elements());
    }

    [Fact]
    public async Task PersonalData_NeverAppearsInGetReplies()
    {
        // Steps of other tests in the collection share the fake clock: move past them so the
        // update list below (oldest first, one page) starts with this test's steps.
        App.Clock.Advance(TimeSpan.FromMinutes(2));
        var marker = Guid.NewGuid().ToString("N")[..8];
        var form = await FormAsync("06040");
        form["first_name"] = "Zhang" + marker;
        form["last_name"] = "San" + marker;
        form["phone"] = "139" + string.Concat(marker.Select(ch => (char)('0' + ch % 10)));
        form["email"] = $"zs{marker}@example.org";
        form["device_id"] = "dev" + marker;
        form["account_id"] = "acct" + marker;
        var number = await CreateAsync(form);
        await StepAsync("operator", number, new { action = "file" });
        var since = Uri.EscapeDataString(App.Clock.GetUtcNow().AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));

        foreach (var path in new[]
        {
            $"/requests/{number}.json?extensions=true", $"/requests/{number}.xml?extensions=true",
            "/requests.json?service_code=06040&extensions=true", "/requests.xml?service_code=06040",
            $"/servicerequestupdates.json?start_date={since}", $"/servicerequestupdates.xml?start_date={since}",
        })
        {
            var text = await (await App.CreateClient().GetAsync(Base + path, Ct)).Content.ReadAsStringAsync(Ct);
            Assert.Contains(number, text, StringComparison.Ordinal);
            Assert.DoesNotContain(marker, text, StringComparison.Ordinal);
            Assert.DoesNotContain(form["phone"], text, StringComparison.Ordinal);
            Assert.DoesNotContain("operator", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Extensions_AddAttributesGridCodesHistoryAndNotes()
    {
        var form = await FormAsync("01003");
        form["attribute[condition]"] = "displaced";
        var number = await CreateAsync(form);
        await StepAsync("operator", number, new { action = "file" });

        var plain = (await GetJsonAsync($"/requests/{number}.json"))[0];
        Assert.False(plain.TryGetProperty("extended_attributes", out _));

        var r = (await GetJsonAsync($"/requests/{number}.json?extensions=true"))[0];
        var attribute = Assert.Single(r.GetProperty("attributes").EnumerateArray());
        Assert.Equal("condition", attribute.GetProperty("code").GetString());
        Assert.Equal("displaced", attribute.GetProperty("value").GetString());
        Assert.Equal("移位或松动", attribute.GetProperty("name").GetString());
        var ext = r.GetProperty("extended_attributes");
        Assert.Equal("open311", ext.GetProperty("channel").GetString());
        Assert.Equal(App.District.GridCodes[0], ext.GetProperty("grid_code").GetString());
        Assert.Equal(TestDistrict.CommunityCode, ext.GetProperty("community_code").GetString());
        Assert.Equal(TestDistrict.StreetCode, ext.GetProperty("street_code").GetString());
        Assert.Equal("filed", ext.GetProperty("case_status").GetString());
        Assert.Equal(["report", "file"], ext.GetProperty("history_steps").EnumerateArray().Select(s => s.GetProperty("action").GetString()));
        Assert.Equal(["submitted", "file"], r.GetProperty("notes").EnumerateArray().Select(s => s.GetProperty("type").GetString()));

        var xml = await GetXmlAsync($"/requests/{number}.xml?extensions=true");
        var request = xml.Root!.Element("request")!;
        Assert.Equal(["attribute"], request.Element("attributes")!.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(2, request.Element("extended_attributes")!.Element("history_steps")!.Elements("history_step").Count());
        Assert.Equal(2, request.Element("notes")!.Elements("note").Count());
    }
}

[Collection(Open311SqliteCollection.Name)]
public sealed class Open311GetRequestsTestsOnSqlite(SqliteApp app) : Open311GetRequestsTests(app);

[Collection(Open311PostgresCollection.Name)]
public sealed class Open311GetRequestsTestsOnPostgres(PostgresApp app) : Open311GetRequestsTests(app);
