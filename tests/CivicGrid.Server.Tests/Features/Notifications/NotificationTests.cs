using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CivicGrid.Domain.Cases;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Intake;
using CivicGrid.Server.Features.Notifications;
using CivicGrid.Server.Tests.Features.WeChat;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.Notifications;

/// <summary>
/// Citizen notifications through the outbox: written with the change, delivered after a restart,
/// sent once per reporter and channel, retried when a channel fails, de-duplicable by id.
/// </summary>
public abstract class NotificationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract CivicGridApp NewApp();

    protected abstract CivicGridApp Reopen(CivicGridApp first);

    [Fact]
    public async Task Notices_WrittenWhileStopped_AreDeliveredAfterARestart_OncePerReporter()
    {
        await using var smtp = new FakeSmtpServer();
        await using var sms = new FakeSmsGateway();
        await using var first = NewApp();
        Configure(first, smtp, sms, enabled: false);
        await first.InitializeAsync();
        first.SkipIfUnavailable();

        var byMail = await ReportAsync(first, new() { ["email"] = "citizen@example.org" });
        var bySms = await ReportAsync(first, new() { ["phone"] = "13900139000", ["language"] = "en" });
        var operatorClient = await first.ClientForAsync("operator");
        foreach (var receipt in new[] { byMail, bySms })
        {
            var id = (await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{receipt.GetProperty("caseNumber").GetString()}", Ct)).GetProperty("id").GetString();
            var filed = await operatorClient.PostAsJsonAsync($"/api/v1/cases/{id}/transitions", new { action = "file" }, Ct);
            Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        }

        Assert.Equal(2, await PendingAsync(first));
        Assert.Empty(smtp.Messages);
        Assert.Empty(sms.Messages);
        await first.StopAsync();

        await using var second = Reopen(first);
        Configure(second, smtp, sms, enabled: true);
        await second.InitializeAsync();
        await WaitUntilAsync(() => !smtp.Messages.IsEmpty && !sms.Messages.IsEmpty);
        await WaitUntilAsync(async () => await PendingAsync(second) == 0);

        var (to, data) = Assert.Single(smtp.Messages);
        Assert.Equal(["citizen@example.org"], to);
        Assert.Contains($"Message-ID: <", data, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(byMail.GetProperty("trackingCode").GetString()!, Subject(data), StringComparison.Ordinal);
        var text = Assert.Single(sms.Messages);
        Assert.Equal("13900139000", text.To);
        Assert.Equal(text.Id, text.Key);
        Assert.Contains("filed", text.Text, StringComparison.Ordinal);
        Assert.Contains($"/track/{bySms.GetProperty("trackingCode").GetString()}?lang=en", text.Text, StringComparison.Ordinal);

        // Another pass sends nothing again.
        var dispatcher = second.Services.GetRequiredService<NotificationDispatcher>();
        Assert.Equal(0, await dispatcher.DeliverPendingAsync(Ct));
        Assert.Single(smtp.Messages);
        Assert.Single(sms.Messages);
    }

    [Fact]
    public async Task FailingGateway_IsRetriedLater_WithTheSameMessageId()
    {
        await using var smtp = new FakeSmtpServer();
        await using var sms = new FakeSmsGateway { FailNext = 1 };
        await using var app = NewApp();
        Configure(app, smtp, sms, enabled: false);
        await app.InitializeAsync();
        app.SkipIfUnavailable();
        var receipt = await ReportAsync(app, new() { ["phone"] = "13700137000" });
        var client = await app.ClientForAsync("operator");
        var id = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{receipt.GetProperty("caseNumber").GetString()}", Ct)).GetProperty("id").GetString();
        await client.PostAsJsonAsync($"/api/v1/cases/{id}/transitions", new { action = "reject", note = "不属于受理范围" }, Ct);
        var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();

        Assert.Equal(0, await dispatcher.DeliverPendingAsync(Ct));
        Assert.Equal(1, await PendingAsync(app));
        Assert.Equal(0, await dispatcher.DeliverPendingAsync(Ct));

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await dispatcher.DeliverPendingAsync(Ct));
        var text = Assert.Single(sms.Messages);
        Assert.Contains("不予立案。原因：不属于受理范围", text.Text, StringComparison.Ordinal);
        Assert.Equal(0, await PendingAsync(app));
    }

    [Fact]
    public async Task WeChatReporter_IsToldByTemplateMessage()
    {
        await using var smtp = new FakeSmtpServer();
        await using var sms = new FakeSmsGateway();
        await using var wechat = await FakeWeChatApi.StartAsync(Ct);
        await using var app = NewApp();
        Configure(app, smtp, sms, enabled: false);
        app.Settings["WeChat:AppId"] = FakeWeChatApi.AppId;
        app.Settings["WeChat:AppSecret"] = FakeWeChatApi.AppSecret;
        app.Settings["WeChat:ProgressTemplateId"] = "tmpl-progress";
        app.Settings["WeChat:ApiBaseUrl"] = wechat.BaseUrl.ToString();
        await app.InitializeAsync();
        app.SkipIfUnavailable();

        string number, trackingCode;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var intake = scope.ServiceProvider.GetRequiredService<ReportIntake>();
            var (lon, lat) = TestDistrict.Inside(2, 1);
            var place = await intake.LocateAsync(lon, lat, "wgs84", Ct);
            var report = new CaseReport
            {
                Description = "微信通知测试 " + Guid.NewGuid().ToString("N"),
                CategoryCode = "06010",
                Source = CaseSource.WeChat,
                Longitude = place.Longitude,
                Latitude = place.Latitude,
                GridCode = place.Location.GridCode,
                CommunityCode = place.Location.CommunityCode,
                StreetCode = place.Location.StreetCode,
            };
            var contact = new ReporterContact(null, null, null, NotifyBy.WeChat, "zh-CN", "o-wechat-citizen");
            var filed = await intake.ReportInTransactionAsync(report, ReportIntake.Citizen, contact, verdict: null, app.Clock.GetUtcNow(), await intake.SlaAsync(Ct), Ct);
            await intake.Db.SaveChangesAsync(Ct);
            (number, trackingCode) = (filed.Case.Number, filed.Case.TrackingCode);
        }

        var client = await app.ClientForAsync("operator");
        var id = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{number}", Ct)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/api/v1/cases/{id}/transitions", new { action = "file" }, Ct)).StatusCode);

        var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();
        Assert.Equal(1, await dispatcher.DeliverPendingAsync(Ct));
        var message = Assert.Single(wechat.Sent);
        Assert.Equal("o-wechat-citizen", message.GetProperty("touser").GetString());
        Assert.Equal("tmpl-progress", message.GetProperty("template_id").GetString());
        var data = message.GetProperty("data");
        Assert.Equal(trackingCode, data.GetProperty("keyword1").GetProperty("value").GetString());
        Assert.Contains(trackingCode, data.GetProperty("first").GetProperty("value").GetString(), StringComparison.Ordinal);
        Assert.EndsWith($"/track/{trackingCode}", message.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.Empty(smtp.Messages);
        Assert.Empty(sms.Messages);
        Assert.Equal(0, await dispatcher.DeliverPendingAsync(Ct));
        Assert.Single(wechat.Sent);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Open311Reporter_WithAnEmail_IsToldByEmail_UnlessTurnedOff(bool notify)
    {
        await using var smtp = new FakeSmtpServer();
        await using var sms = new FakeSmsGateway();
        await using var app = NewApp();
        Configure(app, smtp, sms, enabled: true);
        app.Settings["Open311:NotifyReporters"] = notify ? "true" : "false";
        await app.InitializeAsync();
        app.SkipIfUnavailable();

        var admin = await app.ClientForAsync("admin");
        var issued = await admin.PostAsJsonAsync("/api/v1/api-clients", new { name = "notify test" }, Ct);
        var key = (await issued.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("key").GetString()!;
        var (lon, lat) = TestDistrict.Inside(1, 0);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = key,
            ["service_code"] = "06010",
            ["lat"] = lat.ToString("R", CultureInfo.InvariantCulture),
            ["long"] = lon.ToString("R", CultureInfo.InvariantCulture),
            ["description"] = "Open311 通知测试 " + Guid.NewGuid().ToString("N"),
            ["email"] = "open311-citizen@example.org",
        });
        var posted = await app.CreateClient().PostAsync("/open311/v2/requests.json", form, Ct);
        var text = await posted.Content.ReadAsStringAsync(Ct);
        Assert.True(posted.StatusCode == HttpStatusCode.OK, text);
        var requestId = JsonDocument.Parse(text).RootElement[0].GetProperty("service_request_id").GetString()!;

        var operatorClient = await app.ClientForAsync("operator");
        var id = (await operatorClient.GetFromJsonAsync<JsonElement>($"/api/v1/cases/{requestId}", Ct)).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await operatorClient.PostAsJsonAsync($"/api/v1/cases/{id}/transitions", new { action = "file" }, Ct)).StatusCode);

        if (notify)
        {
            await WaitUntilAsync(() => !smtp.Messages.IsEmpty);
            var (to, _) = Assert.Single(smtp.Messages);
            Assert.Equal(["open311-citizen@example.org"], to);
        }
        else
        {
            var dispatcher = app.Services.GetRequiredService<NotificationDispatcher>();
            await dispatcher.DeliverPendingAsync(Ct);
            Assert.Empty(smtp.Messages);
        }
    }

    private static void Configure(CivicGridApp app, FakeSmtpServer smtp, FakeSmsGateway sms, bool enabled)
    {
        app.Settings["Notifications:Enabled"] = enabled ? "true" : "false";
        app.Settings["Notifications:PollInterval"] = "00:00:00.200";
        app.Settings["Notifications:Smtp:Host"] = "127.0.0.1";
        app.Settings["Notifications:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture);
        app.Settings["Notifications:Sms:Url"] = sms.Url.ToString();
    }

    private static async Task<JsonElement> ReportAsync(CivicGridApp app, Dictionary<string, string> extra)
    {
        var (lon, lat) = TestDistrict.Inside(1, 0);
        var content = new MultipartFormDataContent
        {
            { new StringContent("通知测试 " + Guid.NewGuid().ToString("N")), "description" },
            { new StringContent("06010"), "categoryCode" },
            { new StringContent(lon.ToString("R", CultureInfo.InvariantCulture)), "longitude" },
            { new StringContent(lat.ToString("R", CultureInfo.InvariantCulture)), "latitude" },
        };
        foreach (var (k, v) in extra)
        {
            content.Add(new StringContent(v), k);
        }

        var response = await app.CreateClient().PostAsync("/api/v1/public/reports", content, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<int> PendingAsync(CivicGridApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CivicGridDbContext>().CitizenNotices.CountAsync(n => n.DeliveredAt == null, Ct);
    }

    /// <summary>The decoded Subject header of a raw message (RFC 2047 base64 or plain).</summary>
    private static string Subject(string data)
    {
        var headers = data[..data.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Replace("\r\n ", " ", StringComparison.Ordinal).Replace("\r\n\t", " ", StringComparison.Ordinal);
        var line = headers.Split("\r\n").First(l => l.StartsWith("Subject:", StringComparison.OrdinalIgnoreCase))[8..].Trim();
        return string.Concat(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(part =>
            part.StartsWith("=?utf-8?B?", StringComparison.OrdinalIgnoreCase)
                ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(part[10..^2]))
                : part));
    }

    private static async Task WaitUntilAsync(Func<bool> condition) => await WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 600 && !await condition(); i++)
        {
            await Task.Delay(100, Ct);
        }

        Assert.True(await condition(), "The condition did not hold within 60 s.");
    }
}

public sealed class NotificationTestsOnSqlite : NotificationTests
{
    protected override CivicGridApp NewApp() => new SqliteApp();

    protected override CivicGridApp Reopen(CivicGridApp first) => ((SqliteApp)first).Reopen();
}

public sealed class NotificationTestsOnPostgres : NotificationTests
{
    protected override CivicGridApp NewApp() => new PostgresApp();

    protected override CivicGridApp Reopen(CivicGridApp first) => ((PostgresApp)first).Reopen();
}
