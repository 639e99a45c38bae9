using System.Collections.Concurrent;
using System.Text.Json;
using CivicGrid.Server.Features.WeChat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CivicGrid.Server.Tests.Features.WeChat;

/// <summary>Template messages against a local fake of the WeChat API (real HTTP, the API's shapes and error codes).</summary>
public sealed class WeChatTemplateClientTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<JsonElement> _sent = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));
    private WebApplication? _fake;
    private int _tokensIssued;
    private string _validToken = "token-1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _fake = builder.Build();
        _fake.MapGet("/cgi-bin/token", (HttpRequest r) =>
        {
            if (r.Query["grant_type"] != "client_credential" || r.Query["appid"] != "wx-app" || r.Query["secret"] != "s3cret")
            {
                return Results.Json(new { errcode = 40013, errmsg = "invalid appid" });
            }

            var n = Interlocked.Increment(ref _tokensIssued);
            _validToken = $"token-{n}";
            return Results.Json(new { access_token = _validToken, expires_in = 7200 });
        });
        _fake.MapPost("/cgi-bin/message/template/send", async (HttpRequest r) =>
        {
            if (r.Query["access_token"] != _validToken)
            {
                return Results.Json(new { errcode = 42001, errmsg = "access_token expired" });
            }

            var body = await JsonSerializer.DeserializeAsync<JsonElement>(r.Body);
            if (body.GetProperty("touser").GetString() == "o-blocked")
            {
                return Results.Json(new { errcode = 43004, errmsg = "require subscribe" });
            }

            _sent.Enqueue(body);
            return Results.Json(new { errcode = 0, errmsg = "ok", msgid = 200228332L + _sent.Count });
        });
        await _fake.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_fake is not null)
        {
            await _fake.DisposeAsync();
        }
    }

    [Fact]
    public async Task Send_FetchesATokenOnce_RenewsItWhenWeChatSaysItExpired_AndPostsTheTemplate()
    {
        var client = Client();
        var progress = new WeChatProgress("您反映的问题已派遣处置", "2026-000123", "已派遣", "2026-12-04 16:00", "感谢您的参与", "https://city.example.cn/track/ABC");
        Assert.True(await client.SendProgressAsync("o-citizen", progress, Ct) > 0);
        Assert.True(await client.SendProgressAsync("o-citizen", progress, Ct) > 0);
        Assert.Equal(1, _tokensIssued);

        _validToken = "rotated-elsewhere";
        Assert.True(await client.SendProgressAsync("o-citizen", progress, Ct) > 0);
        Assert.Equal(2, _tokensIssued);

        Assert.Equal(3, _sent.Count);
        var body = _sent.First();
        Assert.Equal("o-citizen", body.GetProperty("touser").GetString());
        Assert.Equal("tmpl-progress", body.GetProperty("template_id").GetString());
        Assert.Equal("https://city.example.cn/track/ABC", body.GetProperty("url").GetString());
        Assert.Equal("2026-000123", body.GetProperty("data").GetProperty("keyword1").GetProperty("value").GetString());
        Assert.Equal("已派遣", body.GetProperty("data").GetProperty("keyword2").GetProperty("value").GetString());
    }

    [Fact]
    public async Task Refusals_AreRaisedWithWeChatsErrorCode()
    {
        var progress = new WeChatProgress("t", "n", "s", "a", "r", null);
        var refused = await Assert.ThrowsAsync<WeChatApiException>(() => Client().SendProgressAsync("o-blocked", progress, Ct));
        Assert.Equal(43004, refused.ErrorCode);

        var badSecret = await Assert.ThrowsAsync<WeChatApiException>(() => Client(secret: "wrong").SendProgressAsync("o-citizen", progress, Ct));
        Assert.Equal(40013, badSecret.ErrorCode);

        var unconfigured = Client(template: null);
        Assert.False(unconfigured.IsConfigured);
        await Assert.ThrowsAsync<WeChatApiException>(() => unconfigured.SendProgressAsync("o-citizen", progress, Ct));
        Assert.Empty(_sent);
    }

    private WeChatTemplateClient Client(string secret = "s3cret", string? template = "tmpl-progress")
    {
        var address = _fake!.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var options = new WeChatOptions { Token = "t", AppId = "wx-app", AppSecret = secret, ProgressTemplateId = template, ApiBaseUrl = new Uri(address + "/") };
#pragma warning disable CA2000 // The client lives as long as the test.
        var http = new HttpClient { BaseAddress = options.ApiBaseUrl };
#pragma warning restore CA2000
        return new WeChatTemplateClient(http, new WeChatAccessTokenCache(), Options.Create(options), _clock);
    }
}
