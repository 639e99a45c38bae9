using System.Globalization;
using System.Net;
using System.Text;
using System.Xml.Linq;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Geography;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.WeChat;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.WeChat;

/// <summary>The WeChat message push protocol, driven the way WeChat's servers call it: signed, XML, retried.</summary>
public abstract class WeChatTests(CivicGridApp app) : ApiTest(app)
{
    private const string Account = "gh_civicgrid";
    private long _msgId = 7_000_000_000_000_000_000 + Random.Shared.NextInt64(1_000_000_000);

    [Fact]
    public async Task ServerCheck_EchoesEchostr_OnlyWhenSignedAndFresh()
    {
        var (timestamp, nonce) = Stamp();
        var signature = WeChatCrypto.Signature(CivicGridApp.WeChatToken, timestamp, nonce);
        var ok = await App.CreateClient().GetAsync($"/wechat?signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr=hello123", Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("hello123", await ok.Content.ReadAsStringAsync(Ct));

        var forged = await App.CreateClient().GetAsync($"/wechat?signature={new string('0', 40)}&timestamp={timestamp}&nonce={nonce}&echostr=x", Ct);
        await AssertProblemAsync(forged, HttpStatusCode.Forbidden, "signature");

        var old = App.Clock.GetUtcNow().AddHours(-1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var replayed = await App.CreateClient().GetAsync($"/wechat?signature={WeChatCrypto.Signature(CivicGridApp.WeChatToken, old, nonce)}&timestamp={old}&nonce={nonce}&echostr=x", Ct);
        await AssertProblemAsync(replayed, HttpStatusCode.Forbidden, "timestamp");
    }

    [Fact]
    public async Task Chat_DescriptionPhotoPlaceAndCategory_FilesAWeChatCaseAndAnswersWithTheTrackingCode()
    {
        var user = NewUser();
        var marker = Guid.NewGuid().ToString("N")[..8];
        Assert.Contains("位置", await SendAsync(Text(user, $"路边垃圾堆了好几天没人清理 {marker}")), StringComparison.Ordinal);
        Assert.Contains("已收到照片（共 1 张）", await SendAsync(Image(user, "https://mmbiz.qpic.cn/photo-1.jpg")), StringComparison.Ordinal);

        var (lon, lat) = TestDistrict.Inside(1, 1);
        var gcj = CoordinateSystems.FromWgs84(new LonLat(lon, lat), CoordinateSystem.Gcj02);
        var menu = await SendAsync(Location(user, gcj.Latitude, gcj.Longitude, "东城区某街道"));
        // No trained classifier in the test server: the citizen picks from the menu.
        Assert.Contains("请回复序号选择问题类型", menu, StringComparison.Ordinal);
        Assert.Contains("1. 暴露垃圾", menu, StringComparison.Ordinal);

        var filed = await SendAsync(Text(user, "1"));
        Assert.Contains("已受理，案件编号", filed, StringComparison.Ordinal);

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var @case = await db.Cases.AsNoTracking().SingleAsync(c => c.Description.Contains(marker), Ct);
        Assert.Equal(CaseSource.WeChat, @case.Source);
        Assert.Equal("06010", @case.CategoryCode);
        Assert.Equal("东城区某街道", @case.Address);
        Assert.Contains("https://mmbiz.qpic.cn/photo-1.jpg", @case.Description, StringComparison.Ordinal);
        // WeChat's GCJ-02 position is stored as WGS-84 (the conversion round-trips to well under a metre).
        Assert.Equal(lon, @case.Longitude, 5);
        Assert.Equal(lat, @case.Latitude, 5);
        Assert.Contains(@case.Number, filed, StringComparison.Ordinal);
        Assert.Contains(@case.TrackingCode, filed, StringComparison.Ordinal);
        Assert.Contains($"https://city.example.cn/track/{@case.TrackingCode}", filed, StringComparison.Ordinal);
        var reporter = await db.CaseReporters.AsNoTracking().SingleAsync(r => r.CaseId == @case.Id, Ct);
        Assert.Equal(NotifyBy.WeChat, reporter.NotifyBy);
        Assert.Equal(user, reporter.ReporterWeChatOpenId);
        Assert.False(await db.WeChatConversations.AnyAsync(c => c.OpenId == user, Ct));

        // Following it in the chat: by the tracking code, without personal data.
        var progress = await SendAsync(Text(user, $"查询 {@case.TrackingCode}"));
        Assert.Contains($"案件 {@case.Number}（暴露垃圾）当前状态：待受理", progress, StringComparison.Ordinal);
        Assert.Equal("未找到该查询码对应的案件，请核对后再试。", await SendAsync(Text(user, "查询 ZZZZZZZZZZZZ")));
    }

    [Fact]
    public async Task Retries_OfOneMessage_GetTheSameAnswerAndFileOnce()
    {
        var user = NewUser();
        var marker = Guid.NewGuid().ToString("N")[..8];
        var (lon, lat) = TestDistrict.Inside(2, 2);
        var gcj = CoordinateSystems.FromWgs84(new LonLat(lon, lat), CoordinateSystem.Gcj02);
        await SendAsync(Location(user, gcj.Latitude, gcj.Longitude, null));
        await SendAsync(Text(user, $"井盖缺失 {marker}"));
        var pick = Text(user, "3");

        var first = await SendAsync(pick);
        var retries = await Task.WhenAll(SendAsync(pick), SendAsync(pick), SendAsync(pick));
        Assert.All(retries, r => Assert.Equal(first, r));

        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        Assert.Equal(1, await db.Cases.CountAsync(c => c.Description.Contains(marker), Ct));
    }

    [Fact]
    public async Task SafeMode_DecryptsTheMessageAndEncryptsTheReply()
    {
        Assert.True(WeChatCrypto.TryDecodeKey(CivicGridApp.WeChatAesKey, out var key));
        var user = NewUser();
        var inner = Text(user, "help");
        var envelope = WeChatCrypto.Encrypt(inner, CivicGridApp.WeChatAppId, key);
        var (timestamp, nonce) = Stamp();
        var body = new XElement("xml", new XElement("ToUserName", Account), new XElement("Encrypt", envelope)).ToString();
        var signature = WeChatCrypto.Signature(CivicGridApp.WeChatToken, timestamp, nonce);
        var msgSignature = WeChatCrypto.Signature(CivicGridApp.WeChatToken, timestamp, nonce, envelope);

        var response = await PostAsync($"/wechat?signature={signature}&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes&msg_signature={msgSignature}", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = XElement.Parse(await response.Content.ReadAsStringAsync(Ct));
        var sealedReply = reply.Element("Encrypt")!.Value;
        Assert.Equal(
            WeChatCrypto.Signature(CivicGridApp.WeChatToken, reply.Element("TimeStamp")!.Value, reply.Element("Nonce")!.Value, sealedReply),
            reply.Element("MsgSignature")!.Value);
        Assert.True(WeChatCrypto.TryDecrypt(sealedReply, CivicGridApp.WeChatAppId, key, out var plain));
        var text = XElement.Parse(plain);
        Assert.Equal(user, text.Element("ToUserName")!.Value);
        Assert.Contains("tap + then Location", text.Element("Content")!.Value, StringComparison.Ordinal);

        var tampered = await PostAsync($"/wechat?signature={signature}&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes&msg_signature={new string('a', 40)}", body);
        await AssertProblemAsync(tampered, HttpStatusCode.Forbidden, "msg_signature");
        var otherApp = WeChatCrypto.Encrypt(inner, "wx-another-account", key);
        var wrongApp = new XElement("xml", new XElement("Encrypt", otherApp)).ToString();
        var wrongAppResponse = await PostAsync(
            $"/wechat?signature={signature}&timestamp={timestamp}&nonce={nonce}&encrypt_type=aes&msg_signature={WeChatCrypto.Signature(CivicGridApp.WeChatToken, timestamp, nonce, otherApp)}", wrongApp);
        await AssertProblemAsync(wrongAppResponse, HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task BadRequests_AreRefusedAndFileNothing()
    {
        var user = NewUser();
        var (timestamp, nonce) = Stamp();
        var signature = WeChatCrypto.Signature(CivicGridApp.WeChatToken, timestamp, nonce);
        var signed = $"/wechat?signature={signature}&timestamp={timestamp}&nonce={nonce}";

        await AssertProblemAsync(await PostAsync($"/wechat?signature={new string('1', 40)}&timestamp={timestamp}&nonce={nonce}", Text(user, "x")), HttpStatusCode.Forbidden, "signature");
        await AssertProblemAsync(await PostAsync($"/wechat?timestamp={timestamp}", Text(user, "x")), HttpStatusCode.BadRequest, "nonce");
        await AssertProblemAsync(await PostAsync(signed, "<xml><ToUserName>a</ToUserName>"), HttpStatusCode.BadRequest, "body");
        await AssertProblemAsync(await PostAsync(signed, "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><ToUserName>&e;</ToUserName></xml>"), HttpStatusCode.BadRequest, "body");
        await AssertProblemAsync(await PostAsync(signed, "<xml>" + new string('x', 70_000) + "</xml>"), HttpStatusCode.RequestEntityTooLarge, "body");

        // A place outside the district is refused in the chat; nothing is filed.
        var marker = Guid.NewGuid().ToString("N")[..8];
        await SendAsync(Text(user, $"树倒了 {marker}"));
        Assert.Equal("该位置不在本区管辖范围内，请重新发送问题地点。", await SendAsync(Location(user, 31.23, 121.47, "上海")));
        Assert.Equal("暂不支持此类消息，请发送文字、照片或位置。", await SendAsync(Voice(user)));
        Assert.Equal("已取消本次上报。", await SendAsync(Text(user, "取消")));
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        Assert.False(await db.Cases.AnyAsync(c => c.Description.Contains(marker), Ct));
    }

    [Fact]
    public async Task ScriptInTheDescription_IsStoredAsTextAndRepliedInsideCdata()
    {
        var user = NewUser();
        var reply = await SendRawAsync(Text(user, "<script>alert(1)</script>]]><x/>"));
        var xml = XElement.Parse(reply);
        Assert.Equal("text", xml.Element("MsgType")!.Value);
        Assert.Equal(user, xml.Element("ToUserName")!.Value);
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CivicGridDbContext>();
        var draft = await db.WeChatConversations.AsNoTracking().SingleAsync(c => c.OpenId == user, Ct);
        Assert.Equal("<script>alert(1)</script>]]><x/>", draft.Description);
    }

    private static string NewUser() => "o" + Guid.NewGuid().ToString("N")[..27];

    private (string Timestamp, string Nonce) Stamp() =>
        (App.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture));

    private string Message(string user, string type, params XElement[] content) =>
        new XElement("xml",
            new XElement("ToUserName", new XCData(Account)),
            new XElement("FromUserName", new XCData(user)),
            new XElement("CreateTime", App.Clock.GetUtcNow().ToUnixTimeSeconds()),
            new XElement("MsgType", new XCData(type)),
            content,
            new XElement("MsgId", Interlocked.Increment(ref _msgId))).ToString();

    private string Text(string user, string content) => Message(user, "text", new XElement("Content", new XCData(content)));

    private string Image(string user, string url) => Message(user, "image", new XElement("PicUrl", new XCData(url)), new XElement("MediaId", new XCData("media-1")));

    private string Voice(string user) => Message(user, "voice", new XElement("MediaId", new XCData("media-2")), new XElement("Format", new XCData("amr")));

    private string Location(string user, double lat, double lon, string? label) => Message(user, "location",
        new XElement("Location_X", lat.ToString("R", CultureInfo.InvariantCulture)),
        new XElement("Location_Y", lon.ToString("R", CultureInfo.InvariantCulture)),
        new XElement("Scale", 15),
        new XElement("Label", new XCData(label ?? string.Empty)));

    /// <summary>Posts a message as WeChat does and returns the text the account answered.</summary>
    private async Task<string> SendAsync(string message)
    {
        var reply = XElement.Parse(await SendRawAsync(message));
        return reply.Element("Content")!.Value;
    }

    private async Task<string> SendRawAsync(string message)
    {
        var (timestamp, nonce) = Stamp();
        var response = await PostAsync($"/wechat?signature={WeChatCrypto.Signature(CivicGridApp.WeChatToken, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}&openid=x", message);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body;
    }

    private async Task<HttpResponseMessage> PostAsync(string url, string xml) =>
        await App.CreateClient().PostAsync(url, new StringContent(xml, Encoding.UTF8, "text/xml"), Ct);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Contains($"\"{field}\"", body, StringComparison.Ordinal);
    }
}

[Collection(SqliteCollection.Name)]
public sealed class WeChatTestsOnSqlite(SqliteApp app) : WeChatTests(app);

[Collection(PostgresCollection.Name)]
public sealed class WeChatTestsOnPostgres(PostgresApp app) : WeChatTests(app);
