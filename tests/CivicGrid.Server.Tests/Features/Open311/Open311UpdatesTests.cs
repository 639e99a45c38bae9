using System.Globalization;
using System.Net;
using System.Text.Json;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Open311;

/// <summary>FixMyStreet's servicerequestupdates: GET the steps of cases, POST a citizen's update.</summary>
public abstract class Open311UpdatesTests(CivicGridApp app) : Open311Test(app)
{
    private static string W3c(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));

    [Fact]
    public async Task Get_ListsCaseStepsAsUpdatesWithFixMyStreetStatuses()
    {
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        var since = App.Clock.GetUtcNow();
        var number = await CreateAsync(await FormAsync("06043"));
        await StepAsync("operator", number, new { action = "file" });
        await StepAsync("dispatcher", number, new { action = "dispatch", departmentId = App.District.SanitationId });
        var rejected = await CreateAsync(await FormAsync("06043"));
        await StepAsync("operator", rejected, new { action = "reject", note = "非本辖区问题" });

        // Background jobs of the shared server (the deadline job's overdue marks) add steps at the
        // same instants: read every page, not only the first.
        var all = new List<JsonElement>();
        for (var page = 1; ; page++)
        {
            var batch = (await GetJsonAsync($"/servicerequestupdates.json?start_date={W3c(since)}&end_date={W3c(since.AddHours(1))}&page_size=500&page={page}")).EnumerateArray().ToList();
            all.AddRange(batch);
            if (batch.Count < 500)
            {
                break;
            }
        }

        var mine = all.Where(u => u.GetProperty("service_request_id").GetString() == number).ToList();

        Assert.Equal(["open", "action_scheduled", "action_scheduled"], mine.Select(u => u.GetProperty("status").GetString()));
        Assert.Equal([$"{number}-1", $"{number}-2", $"{number}-3"], mine.Select(u => u.GetProperty("update_id").GetString()));
        Assert.Equal("派遣", mine[2].GetProperty("description").GetString());
        var refusal = all.Last(u => u.GetProperty("service_request_id").GetString() == rejected);
        Assert.Equal("no_further_action", refusal.GetProperty("status").GetString());
        Assert.Contains("非本辖区问题", refusal.GetProperty("description").GetString(), StringComparison.Ordinal);

        var xml = await GetXmlAsync($"/servicerequestupdates.xml?start_date={W3c(since)}&end_date={W3c(since.AddHours(1))}&api_key=ignored");
        Assert.Equal("service_request_updates", xml.Root!.Name.LocalName);
        Assert.All(xml.Root.Elements(), u =>
        {
            Assert.Equal("request_update", u.Name.LocalName);
            foreach (var required in new[] { "update_id", "service_request_id", "status", "updated_datetime", "description", "media_url" })
            {
                Assert.NotNull(u.Element(required));
            }
        });

        var before = await GetXmlAsync($"/servicerequestupdates.xml?start_date={W3c(since.AddDays(-30))}&end_date={W3c(since.AddSeconds(-1))}");
        Assert.DoesNotContain(before.Root!.Elements(), u => u.Element("service_request_id")!.Value == number);
    }

    [Fact]
    public async Task Post_StoresTheUpdateOnce_AndAnswersAsFixMyStreetExpects()
    {
        var number = await CreateAsync(await FormAsync("06044"));
        var form = new Dictionary<string, string>
        {
            ["api_key"] = await KeyAsync(),
            ["service_request_id"] = number,
            ["update_id"] = "248",
            ["status"] = "OPEN",
            ["updated_datetime"] = "2026-03-02T10:00:00+08:00",
            ["description"] = "问题还在，请尽快处理",
            ["first_name"] = "Li",
            ["last_name"] = "Si",
            ["email"] = "lisi@example.org",
            ["public_anonymity_required"] = "FALSE",
        };

        var doc = await XmlAsync(await PostFormAsync("/servicerequestupdates.xml", form), HttpStatusCode.OK);
        Assert.Equal("service_request_updates", doc.Root!.Name.LocalName);
        var update = Assert.Single(doc.Root.Elements("request_update"));
        Assert.Equal(["update_id"], Names(update));
        var updateId = update.Element("update_id")!.Value;
        Assert.Matches("^[0-9]+$", updateId);

        var again = await XmlAsync(await PostFormAsync("/servicerequestupdates.xml", form), HttpStatusCode.OK);
        Assert.Equal(updateId, again.Root!.Element("request_update")!.Element("update_id")!.Value);

        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var stored = await db.Set<Open311Update>().AsNoTracking().Where(u => u.ExternalId == "248").ToListAsync(Ct);
        var single = Assert.Single(stored);
        Assert.Equal("问题还在，请尽快处理", single.Description);
        Assert.Equal("lisi@example.org", single.Email);
        Assert.True(await db.Outbox.AnyAsync(m => m.Type == "Open311UpdateReceived" && m.Payload.Contains(number), Ct));

        var r = (await GetJsonAsync($"/requests/{number}.json?extensions=true"))[0];
        var comment = r.GetProperty("notes").EnumerateArray().Single(n => n.GetProperty("type").GetString() == "comment");
        Assert.Equal("问题还在，请尽快处理", comment.GetProperty("description").GetString());
        Assert.DoesNotContain("lisi", r.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Multipart_WithPhoto_Json()
    {
        var number = await CreateAsync(await FormAsync("06045"));
        var form = new Dictionary<string, string>
        {
            ["api_key"] = await KeyAsync(),
            ["service_request_id"] = number,
            ["update_id"] = Guid.NewGuid().ToString("N"),
            ["status"] = "in progress",
            ["updated_datetime"] = "2026-03-02T02:00:00Z",
            ["description"] = "补充照片",
        };
        using var content = Multipart(form, ("photo1", "p.png", Png, "image/png"));

        var response = await App.CreateClient().PostAsync(Base + "/servicerequestupdates.json", content, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var item = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        Assert.Equal(JsonValueKind.String, item.GetProperty("update_id").ValueKind);
        using var scope = App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var update = await db.Set<Open311Update>().AsNoTracking().SingleAsync(u => u.ExternalId == form["update_id"], Ct);
        Assert.Equal("IN_PROGRESS", update.Status);
        Assert.NotNull(update.MediaAttachmentId);
        var media = await App.CreateClient().GetAsync($"{Base}/media/{update.MediaAttachmentId:N}", Ct);
        Assert.Equal(HttpStatusCode.OK, media.StatusCode);
    }

    [Fact]
    public async Task Post_BadInput_AnswersInSpecShape()
    {
        var number = await CreateAsync(await FormAsync("06046"));
        var form = new Dictionary<string, string>
        {
            ["api_key"] = await KeyAsync(),
            ["service_request_id"] = number,
            ["update_id"] = Guid.NewGuid().ToString("N"),
            ["status"] = "OPEN",
            ["updated_datetime"] = "2026-03-02T10:00:00+08:00",
            ["description"] = "x",
        };

        var noKey = new Dictionary<string, string>(form) { ["api_key"] = "nope" };
        await XmlErrorsAsync(await PostFormAsync("/servicerequestupdates.xml", noKey), HttpStatusCode.Forbidden);

        var unknown = new Dictionary<string, string>(form) { ["service_request_id"] = "1999-999999" };
        await XmlErrorsAsync(await PostFormAsync("/servicerequestupdates.xml", unknown), HttpStatusCode.NotFound);

        var missing = new Dictionary<string, string>(form);
        missing.Remove("description");
        missing.Remove("update_id");
        var errors = await XmlErrorsAsync(await PostFormAsync("/servicerequestupdates.xml", missing), HttpStatusCode.BadRequest);
        Assert.Equal(["update_id", "description"], errors.Select(e => e.Description.Split(':')[0]));

        var badStatus = new Dictionary<string, string>(form) { ["status"] = "SOLVED" };
        Assert.StartsWith("status", (await JsonErrorsAsync(await PostFormAsync("/servicerequestupdates.json", badStatus), HttpStatusCode.BadRequest))[0].Description, StringComparison.Ordinal);

        var badDate = new Dictionary<string, string>(form) { ["updated_datetime"] = "2026-03-02 10:00" };
        Assert.StartsWith("updated_datetime", (await JsonErrorsAsync(await PostFormAsync("/servicerequestupdates.json", badDate), HttpStatusCode.BadRequest))[0].Description, StringComparison.Ordinal);
    }
}

[Collection(Open311SqliteCollection.Name)]
public sealed class Open311UpdatesTestsOnSqlite(SqliteApp app) : Open311UpdatesTests(app);

[Collection(Open311PostgresCollection.Name)]
public sealed class Open311UpdatesTestsOnPostgres(PostgresApp app) : Open311UpdatesTests(app);
