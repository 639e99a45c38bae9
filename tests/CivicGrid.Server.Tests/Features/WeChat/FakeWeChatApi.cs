using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Server.Tests.Features.WeChat;

/// <summary>
/// A local fake of the WeChat API over real HTTP: <c>cgi-bin/token</c> (client credentials for
/// AppID <c>wx-app</c> / secret <c>s3cret</c>) and <c>cgi-bin/message/template/send</c>, with
/// WeChat's error codes (40013 bad AppID, 42001 expired token, 43004 not subscribed).
/// </summary>
public sealed class FakeWeChatApi : IAsyncDisposable
{
    public const string AppId = "wx-app";
    public const string AppSecret = "s3cret";

    private readonly WebApplication _app;
    private int _tokensIssued;

    private FakeWeChatApi(WebApplication app) => _app = app;

    /// <summary>Template messages accepted, as posted.</summary>
    public ConcurrentQueue<JsonElement> Sent { get; } = new();

    public int TokensIssued => _tokensIssued;

    /// <summary>The token the fake accepts now; set it to expire the one a client holds.</summary>
    public string ValidToken { get; set; } = "none";

    public Uri BaseUrl => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    public static async Task<FakeWeChatApi> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var fake = new FakeWeChatApi(builder.Build());
        fake._app.MapGet("/cgi-bin/token", (HttpRequest r) =>
        {
            if (r.Query["grant_type"] != "client_credential" || r.Query["appid"] != AppId || r.Query["secret"] != AppSecret)
            {
                return Results.Json(new { errcode = 40013, errmsg = "invalid appid" });
            }

            fake.ValidToken = $"token-{Interlocked.Increment(ref fake._tokensIssued)}";
            return Results.Json(new { access_token = fake.ValidToken, expires_in = 7200 });
        });
        fake._app.MapPost("/cgi-bin/message/template/send", async (HttpRequest r) =>
        {
            if (r.Query["access_token"] != fake.ValidToken)
            {
                return Results.Json(new { errcode = 42001, errmsg = "access_token expired" });
            }

            var body = await JsonSerializer.DeserializeAsync<JsonElement>(r.Body);
            if (body.GetProperty("touser").GetString() == "o-blocked")
            {
                return Results.Json(new { errcode = 43004, errmsg = "require subscribe" });
            }

            fake.Sent.Enqueue(body);
            return Results.Json(new { errcode = 0, errmsg = "ok", msgid = 200228332L + fake.Sent.Count });
        });
        await fake._app.StartAsync(ct);
        return fake;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
