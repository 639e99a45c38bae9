using System.Globalization;
using System.Net;
using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Geography;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Open311;

/// <summary>POST requests.{fmt}: urlencoded and multipart, attributes, api_key, locations, bad input.</summary>
public abstract class Open311PostRequestTests(CivicGridApp app) : Open311Test(app)
{
    [Fact]
    public async Task Post_Urlencoded_Xml_CreatesAnOpen311CaseAndAnswersInSpecShape()
    {
        var form = await FormAsync("01001");
        form["attribute[condition]"] = "missing";
        form["attribute[component_id]"] = "11010101001000001";
        form["attribute[hazard]"] = "yes";
        form["attribute[fixmystreet_id]"] = "42";
        form["jurisdiction_id"] = "civicgrid.local";
        form["first_name"] = "John";
        form["last_name"] = "Smith";
        form["phone"] = "13800000000";
        form["email"] = "john@example.org";
        form["device_id"] = "tt222111";
        form["account_id"] = "123456";
        form["address_string"] = "东直门内大街 5 号";

        var doc = await XmlAsync(await PostFormAsync("/requests.xml", form), HttpStatusCode.OK);

        Assert.Equal("service_requests", doc.Root!.Name.LocalName);
        var request = Assert.Single(doc.Root.Elements("request"));
        Assert.Equal(["service_request_id", "service_notice", "account_id"], Names(request));
        Assert.Equal(string.Empty, request.Element("account_id")!.Value);
        var number = request.Element("service_request_id")!.Value;
        Assert.Matches(@"^\d{4}-\d{6}$", number);
        Assert.Contains(number, request.Element("service_notice")!.Value, StringComparison.Ordinal);

        var (c, submission) = await LoadAsync(number);
        Assert.Equal(CaseSource.Open311, c.Source);
        Assert.Equal(CaseStatus.Reported, c.Status);
        Assert.Equal("01001", c.CategoryCode);
        Assert.Equal("11010101001000001", c.ComponentId);
        Assert.Equal(CivicGrid.Domain.Sla.Urgency.Urgent, c.Urgency);
        Assert.Equal(App.District.GridCodes[0], c.GridCode);
        Assert.Equal("东直门内大街 5 号", c.Address);
        Assert.Equal("John Smith", c.ReporterName);
        Assert.Equal("13800000000", c.ReporterPhone);
        Assert.Equal(form["description"], c.Description);
        Assert.Equal("john@example.org", submission.Email);
        Assert.Equal("tt222111", submission.DeviceId);
        Assert.Equal("123456", submission.AccountId);
        Assert.Equal("civicgrid.local", submission.JurisdictionId);
        var answers = JsonSerializer.Deserialize<Dictionary<string, string[]>>(submission.AttributesJson!)!;
        Assert.Equal(["missing"], answers["condition"]);
        Assert.False(answers.ContainsKey("fixmystreet_id"));
    }

    [Fact]
    public async Task Post_Json_RepliesWithAnArrayAndNullAccountId()
    {
        var response = await PostFormAsync("/requests.json", await FormAsync());
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var item = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        Assert.Equal(["service_request_id", "service_notice", "account_id"], item.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, item.GetProperty("service_request_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, item.GetProperty("account_id").ValueKind);
    }

    [Fact]
    public async Task Post_Multipart_WithMedia_StoresThePhotoAndPublishesItsUrl()
    {
        var form = await FormAsync("06042");
        form["attribute[bin_number]"] = "DC-0042";
        using var content = Multipart(form, ("media", "bin.png", Png, "image/png"));

        var response = await App.CreateClient().PostAsync(Base + "/requests.json", content, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var number = JsonDocument.Parse(text).RootElement[0].GetProperty("service_request_id").GetString()!;

        var request = (await GetJsonAsync($"/requests/{number}.json"))[0];
        var mediaUrl = request.GetProperty("media_url").GetString()!;
        Assert.StartsWith("http", mediaUrl, StringComparison.Ordinal);
        var media = await App.CreateClient().GetAsync(new Uri(mediaUrl).PathAndQuery, Ct);
        Assert.Equal(HttpStatusCode.OK, media.StatusCode);
        Assert.Equal("image/png", media.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await media.Content.ReadAsByteArrayAsync(Ct));

        var (c, submission) = await LoadAsync(number);
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var attachment = await db.CaseAttachments.SingleAsync(a => a.CaseId == c.Id, Ct);
        Assert.Equal(submission.MediaAttachmentId, attachment.Id);
        Assert.Equal("bin.png", attachment.FileName);
        Assert.Equal(1, attachment.HistorySequence);
    }

    [Fact]
    public async Task Post_MediaUrl_IsPublishedAsGiven()
    {
        var form = await FormAsync();
        form["media_url"] = "https://photos.example.org/a.jpg";
        var number = await CreateAsync(form);

        var request = (await GetJsonAsync($"/requests/{number}.json"))[0];
        Assert.Equal("https://photos.example.org/a.jpg", request.GetProperty("media_url").GetString());
    }

    [Fact]
    public async Task Post_ApiKeyInTheQueryString_IsAccepted()
    {
        var form = await FormAsync();
        var key = form["api_key"];
        form.Remove("api_key");

        var response = await App.CreateClient().PostAsync($"{Base}/requests.json?api_key={key}", new FormUrlEncodedContent(form), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cg311_wrongwrongwrongwrongwrongwrong")]
    public async Task Post_MissingOrBadApiKey_Returns403AndWritesNothing(string? key)
    {
        var form = await FormAsync();
        form.Remove("api_key");
        if (key is not null)
        {
            form["api_key"] = key;
        }

        var before = await CountAsync();
        var xml = await XmlErrorsAsync(await PostFormAsync("/requests.xml", form), HttpStatusCode.Forbidden);
        var json = await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.Forbidden);

        Assert.Equal(403, xml.Single().Code);
        Assert.Equal(403, json.Single().Code);
        Assert.Contains("api_key", json[0].Description, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Post_RevokedKey_Returns403()
    {
        var key = await IssueKeyAsync("to revoke");
        var admin = await AsAsync("admin");
        var list = await (await admin.GetAsync("/api/v1/api-clients", Ct)).Content.ReadAsStringAsync(Ct);
        var id = JsonDocument.Parse(list).RootElement.EnumerateArray().Last(c => c.GetProperty("name").GetString() == "to revoke").GetProperty("id").GetString();
        var form = await FormAsync();
        form["api_key"] = key;
        Assert.Equal(HttpStatusCode.OK, (await PostFormAsync("/requests.json", form)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/api-clients/{id}/revoke", null, Ct)).StatusCode);

        await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Post_MissingServiceCode_Returns400NamingIt()
    {
        var form = await FormAsync();
        form.Remove("service_code");

        var errors = await XmlErrorsAsync(await PostFormAsync("/requests.xml", form), HttpStatusCode.BadRequest);

        Assert.Equal(400, errors[0].Code);
        Assert.StartsWith("service_code", errors[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownService_Returns404()
    {
        var errors = await JsonErrorsAsync(await PostFormAsync("/requests.json", await FormAsync("99999")), HttpStatusCode.NotFound);
        Assert.Contains("99999", errors[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownJurisdiction_Returns404()
    {
        var form = await FormAsync();
        form["jurisdiction_id"] = "sfgov.org";
        await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Post_NoLocation_Returns400AndWritesNothing()
    {
        var form = await FormAsync();
        form.Remove("lat");
        form.Remove("long");
        var before = await CountAsync();

        var errors = await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.BadRequest);

        Assert.Contains(errors, e => e.Description.Contains("lat/long", StringComparison.Ordinal) && e.Description.Contains("address_string", StringComparison.Ordinal));
        Assert.Equal(before, await CountAsync());
    }

    [Theory]
    [InlineData("31.23", "121.47", "outside the district")]
    [InlineData("39.9", null, "long")]
    [InlineData("95", "116.4", "lat")]
    [InlineData("north", "116.4", "lat")]
    public async Task Post_BadPosition_Returns400NamingIt(string lat, string? lon, string expected)
    {
        var form = await FormAsync();
        form["lat"] = lat;
        form.Remove("long");
        if (lon is not null)
        {
            form["long"] = lon;
        }

        var errors = await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.BadRequest);

        Assert.Contains(errors, e => e.Description.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_AddressStringOnly_ResolvedOrRefused()
    {
        var form = await FormAsync();
        form.Remove("lat");
        form.Remove("long");
        form["address_string"] = "测试社区 3 号楼前";
        var number = await CreateAsync(form);
        var (c, _) = await LoadAsync(number);
        Assert.Equal(TestDistrict.CommunityCode, c.CommunityCode);
        Assert.Equal("测试社区 3 号楼前", c.Address);

        form["address_string"] = "Main Street 1, Springfield";
        var before = await CountAsync();
        var errors = await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.BadRequest);
        Assert.StartsWith("address_string", errors[0].Description, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Post_AddressId_GridCodeOrComponentId()
    {
        var form = await FormAsync();
        form.Remove("lat");
        form.Remove("long");
        form["address_id"] = App.District.GridCodes[5];
        var (byGrid, _) = await LoadAsync(await CreateAsync(form));
        Assert.Equal(App.District.GridCodes[5], byGrid.GridCode);

        form["address_id"] = "11010101001000001";
        var (byComponent, _) = await LoadAsync(await CreateAsync(form));
        Assert.Equal(App.District.GridCodes[0], byComponent.GridCode);

        form["address_id"] = "nowhere";
        var errors = await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.BadRequest);
        Assert.StartsWith("address_id", errors[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Gcj02Position_IsConvertedToWgs84()
    {
        var (lon, lat) = TestDistrict.Inside(2, 2);
        var gcj = CoordinateSystems.Wgs84ToGcj02(new LonLat(lon, lat));
        var form = await FormAsync();
        form["lat"] = gcj.Latitude.ToString("R", CultureInfo.InvariantCulture);
        form["long"] = gcj.Longitude.ToString("R", CultureInfo.InvariantCulture);
        form["coordinate_system"] = "gcj02";

        var (c, submission) = await LoadAsync(await CreateAsync(form));

        Assert.Equal(App.District.GridCodes[8], c.GridCode);
        Assert.Equal(lon, c.Longitude, 6);
        Assert.Equal(lat, c.Latitude, 6);
        Assert.Equal("gcj02", submission.CoordinateSystem);

        form["coordinate_system"] = "mars";
        var errors = await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.BadRequest);
        Assert.StartsWith("coordinate_system", errors[0].Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "attribute[condition]")]
    [InlineData("exploded", "attribute[condition]")]
    public async Task Post_RequiredOrBadListAttribute_Returns400NamingIt(string? condition, string expected)
    {
        var form = await FormAsync("01002");
        if (condition is not null)
        {
            form["attribute[condition]"] = condition;
        }

        var errors = await XmlErrorsAsync(await PostFormAsync("/requests.xml", form), HttpStatusCode.BadRequest);

        Assert.Contains(errors, e => e.Description.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_UnknownComponent_Returns400()
    {
        var form = await FormAsync("01001");
        form["attribute[condition]"] = "damaged";
        form["attribute[component_id]"] = "11010101001999999";

        var errors = await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.BadRequest);

        Assert.Contains(errors, e => e.Description.StartsWith("attribute[component_id]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_SeveralProblems_AreAllReported()
    {
        var form = await FormAsync("01001");
        form.Remove("lat");
        form.Remove("long");
        form["description"] = "<script>alert(1)</script>";

        var errors = await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.BadRequest);

        Assert.Contains(errors, e => e.Description.StartsWith("lat/long", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Description.StartsWith("description", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Description.StartsWith("attribute[condition]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<b>bold</b> text", "description")]
    [InlineData("javascript:alert(1)", "description")]
    public async Task Post_MarkupInDescription_Returns400(string description, string field)
    {
        var form = await FormAsync();
        form["description"] = description;

        var errors = await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.BadRequest);

        Assert.StartsWith(field, errors[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_TooLongDescription_Returns400()
    {
        var form = await FormAsync();
        form["description"] = new string('长', 4001);
        var errors = await JsonErrorsAsync(await PostFormAsync("/requests.json", form), HttpStatusCode.BadRequest);
        Assert.Contains("4000", errors[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NoDescription_UsesTheServiceName()
    {
        var form = await FormAsync("06010");
        form["description"] = "";
        var (c, _) = await LoadAsync(await CreateAsync(form));
        Assert.Contains("Open311", c.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_MediaThatIsNotAnImage_Returns400AndWritesNothing()
    {
        var before = await CountAsync();
        using var content = Multipart(await FormAsync(), ("media", "x.png", "MZ not an image"u8.ToArray(), "image/png"));

        var errors = await JsonErrorsAsync(await App.CreateClient().PostAsync(Base + "/requests.json", content, Ct), HttpStatusCode.BadRequest);

        Assert.StartsWith("media", errors[0].Description, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Post_MediaOverTheLimit_Returns400()
    {
        var big = new byte[10 * 1024 * 1024 + 1];
        Png.CopyTo(big, 0);
        using var content = Multipart(await FormAsync(), ("media", "big.png", big, "image/png"));

        var errors = await JsonErrorsAsync(await App.CreateClient().PostAsync(Base + "/requests.json", content, Ct), HttpStatusCode.BadRequest);

        Assert.Contains("limit", errors[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_JsonBody_Returns400()
    {
        var response = await App.CreateClient().PostAsync(Base + "/requests.json", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Ct);
        var errors = await JsonErrorsAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("x-www-form-urlencoded", errors[0].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_RetryWithSameIdempotencyKey_ReturnsTheSameRequest()
    {
        var form = await FormAsync();
        var key = Guid.NewGuid().ToString();
        async Task<string> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Base + "/requests.json") { Content = new FormUrlEncodedContent(form) };
            request.Headers.Add("Idempotency-Key", key);
            var response = await App.CreateClient().SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement[0].GetProperty("service_request_id").GetString()!;
        }

        var first = await PostAsync();
        var before = await CountAsync();
        var second = await PostAsync();

        Assert.Equal(first, second);
        Assert.Equal(before, await CountAsync());
    }

    private async Task<(Case Case, Open311Submission Submission)> LoadAsync(string number)
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var c = await db.Cases.AsNoTracking().SingleAsync(x => x.Number == number, Ct);
        var s = await db.Set<Open311Submission>().AsNoTracking().SingleAsync(x => x.CaseId == c.Id, Ct);
        return (c, s);
    }

    private async Task<int> CountAsync()
    {
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        return await db.Cases.CountAsync(Ct) + await db.CaseAttachments.CountAsync(Ct) + await db.Set<Open311Submission>().CountAsync(Ct);
    }
}

[Collection(Open311SqliteCollection.Name)]
public sealed class Open311PostRequestTestsOnSqlite(SqliteApp app) : Open311PostRequestTests(app);

[Collection(Open311PostgresCollection.Name)]
public sealed class Open311PostRequestTestsOnPostgres(PostgresApp app) : Open311PostRequestTests(app);
