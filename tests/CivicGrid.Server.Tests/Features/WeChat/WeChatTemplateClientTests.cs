using CivicGrid.Server.Features.WeChat;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CivicGrid.Server.Tests.Features.WeChat;

/// <summary>Template messages against a local fake of the WeChat API (real HTTP, the API's shapes and error codes).</summary>
public sealed class WeChatTemplateClientTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 8, 0, 0, TimeSpan.Zero));
    private FakeWeChatApi? _fake;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FakeWeChatApi Fake => _fake!;

    public async ValueTask InitializeAsync() => _fake = await FakeWeChatApi.StartAsync(Ct);

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
        Assert.Equal(1, Fake.TokensIssued);

        Fake.ValidToken = "rotated-elsewhere";
        Assert.True(await client.SendProgressAsync("o-citizen", progress, Ct) > 0);
        Assert.Equal(2, Fake.TokensIssued);

        Assert.Equal(3, Fake.Sent.Count);
        var body = Fake.Sent.First();
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
        Assert.Empty(Fake.Sent);
    }

    private WeChatTemplateClient Client(string secret = FakeWeChatApi.AppSecret, string? template = "tmpl-progress")
    {
        var options = new WeChatOptions { Token = "t", AppId = FakeWeChatApi.AppId, AppSecret = secret, ProgressTemplateId = template, ApiBaseUrl = Fake.BaseUrl };
#pragma warning disable CA2000 // The client lives as long as the test.
        var http = new HttpClient { BaseAddress = options.ApiBaseUrl };
#pragma warning restore CA2000
        return new WeChatTemplateClient(http, new WeChatAccessTokenCache(), Options.Create(options), _clock);
    }
}
