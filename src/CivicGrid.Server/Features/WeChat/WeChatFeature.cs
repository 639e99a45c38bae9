using System.Globalization;
using System.Security.Cryptography;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using CivicGrid.Server.Features.Notifications;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.WeChat;

/// <summary>
/// 微信公众号: the endpoint WeChat pushes the account's messages to (<c>/wechat</c>), implementing the
/// message push protocol — the server check (GET with echostr), the SHA-1 signature, XML text,
/// image, location and event messages, passive XML replies, and the optional AES encryption of
/// 安全模式 — and the template-message client that tells citizens of their case's progress.
/// </summary>
public static partial class WeChatFeature
{
    public const string Path = "/wechat";

    /// <summary>WeChat posts small XML documents; anything larger is refused before it is read.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>How far a request's timestamp may be from the server's clock (replays of old captures are refused).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public static IHostApplicationBuilder AddWeChat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WeChatOptions>().BindConfiguration(WeChatOptions.SectionName)
            .Validate(o => string.IsNullOrEmpty(o.EncodingAesKey) || WeChatCrypto.TryDecodeKey(o.EncodingAesKey, out _), "WeChat:EncodingAesKey must be the account's 43-character key.")
            .Validate(o => string.IsNullOrEmpty(o.EncodingAesKey) || !string.IsNullOrWhiteSpace(o.AppId), "WeChat:AppId is needed with WeChat:EncodingAesKey.")
            .Validate(o => o.PublicBaseUrl is null || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _), "WeChat:PublicBaseUrl must be an absolute URL.")
            .ValidateOnStart();
        builder.Services.AddScoped<WeChatDialog>();
        builder.Services.AddSingleton<WeChatAccessTokenCache>();
        builder.Services.AddSingleton<INotificationChannel, WeChatChannel>();
        builder.Services.AddHttpClient<WeChatTemplateClient>((sp, http) =>
        {
            http.BaseAddress = sp.GetRequiredService<IOptions<WeChatOptions>>().Value.ApiBaseUrl;
            http.Timeout = TimeSpan.FromSeconds(10);
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapWeChat(this IEndpointRouteBuilder app)
    {
        // WeChat's servers call these without credentials: the signature over the shared token is the check.
        var wechat = app.MapGroup(Path).AllowAnonymous().ExcludeFromDescription();
        wechat.MapGet("/", Verify);
        wechat.MapPost("/", ReceiveAsync).DisableAntiforgery();
        return app;
    }

    /// <summary>The server check WeChat makes when the URL is configured: echo <c>echostr</c> if the signature holds.</summary>
    private static IResult Verify(HttpRequest request, IOptions<WeChatOptions> options, TimeProvider clock)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return Results.NotFound();
        }

        var q = request.Query;
        if (Refusal(o, q["signature"], q["timestamp"], q["nonce"], clock) is { } refused)
        {
            return refused;
        }

        return Results.Text(q["echostr"].ToString(), "text/plain");
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, CivicGridDbContext db, WeChatDialog dialog, IOptions<WeChatOptions> options, TimeProvider clock, ILogger<WeChatDialog> logger, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            return Results.NotFound();
        }

        var q = http.Request.Query;
        string timestamp = q["timestamp"].ToString(), nonce = q["nonce"].ToString();
        if (Refusal(o, q["signature"], timestamp, nonce, clock) is { } refused)
        {
            return refused;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return Problem(413, "body", $"A WeChat message is at most {MaxBodyBytes / 1024} KB.");
        }

        string body;
        using (var reader = new StreamReader(http.Request.Body))
        {
            body = await reader.ReadToEndAsync(ct);
        }

        var encrypted = string.Equals(q["encrypt_type"], "aes", StringComparison.OrdinalIgnoreCase);
        byte[] key = [];
        if (encrypted)
        {
            if (!WeChatCrypto.TryDecodeKey(o.EncodingAesKey, out key))
            {
                return Problem(400, "encrypt_type", "This account does not accept encrypted messages (no EncodingAESKey is configured).");
            }

            var envelope = WeChatMessage.LoadRoot(body)?.Element("Encrypt")?.Value;
            if (string.IsNullOrEmpty(envelope))
            {
                return Problem(400, "body", "An encrypted message carries an <Encrypt> element.");
            }

            if (!WeChatCrypto.SignatureMatches(q["msg_signature"], WeChatCrypto.Signature(o.Token!, timestamp, nonce, envelope)))
            {
                return Problem(403, "msg_signature", "The message signature does not match the account's token.");
            }

            if (!WeChatCrypto.TryDecrypt(envelope, o.AppId!, key, out body))
            {
                return Problem(400, "body", "The message cannot be decrypted with this account's key.");
            }
        }

        var message = WeChatMessage.Parse(body);
        if (message is null)
        {
            return Problem(400, "body", "Not a WeChat message (XML with ToUserName, FromUserName, CreateTime and MsgType).");
        }

        var answer = await AnswerOnceAsync(message, db, dialog, clock, ct);
        LogMessage(logger, message.MsgType, message.DeliveryKey);
        if (answer.Length == 0)
        {
            // "success" tells WeChat there is nothing to say, without an error shown to the citizen.
            return Results.Text("success", "text/plain");
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var reply = WeChatMessage.TextReply(message.FromUserName, message.ToUserName, now, answer);
        if (encrypted)
        {
            var sealedReply = WeChatCrypto.Encrypt(reply, o.AppId!, key);
            var replyNonce = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
            var replyTime = now.ToString(CultureInfo.InvariantCulture);
            reply = WeChatMessage.EncryptedReply(sealedReply, WeChatCrypto.Signature(o.Token!, replyTime, replyNonce, sealedReply), now, replyNonce);
        }

        return Results.Text(reply, "application/xml; charset=utf-8");
    }

    /// <summary>
    /// Answers a delivery once: a retry of the same message (WeChat resends after five silent seconds)
    /// gets the first answer back and files nothing more, also when two copies race.
    /// </summary>
    private static async Task<string> AnswerOnceAsync(WeChatMessage message, CivicGridDbContext db, WeChatDialog dialog, TimeProvider clock, CancellationToken ct)
    {
        var key = message.DeliveryKey.Length <= 128 ? message.DeliveryKey : message.DeliveryKey[..128];
        var earlier = await db.WeChatInboundMessages.AsNoTracking().FirstOrDefaultAsync(m => m.DeliveryKey == key, ct);
        if (earlier is not null)
        {
            return earlier.ReplyContent;
        }

        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var answer = await dialog.AnswerAsync(message, ct);
            db.WeChatInboundMessages.Add(new WeChatInboundMessage
            {
                DeliveryKey = key,
                OpenId = message.FromUserName,
                ReceivedAt = clock.GetUtcNow(),
                ReplyContent = answer,
            });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return answer;
        }
        catch (Exception e) when (DbErrors.IsConflict(e))
        {
            db.ChangeTracker.Clear();
            var first = await db.WeChatInboundMessages.AsNoTracking().FirstOrDefaultAsync(m => m.DeliveryKey == key, ct);
            return first?.ReplyContent ?? throw new ConflictException("The message is being answered; WeChat will retry.");
        }
    }

    /// <summary>A 403 when the signature or the timestamp does not hold; null when the request is WeChat's.</summary>
    private static IResult? Refusal(WeChatOptions o, string? signature, string? timestamp, string? nonce, TimeProvider clock)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || string.IsNullOrEmpty(nonce))
        {
            return Problem(400, string.IsNullOrEmpty(nonce) ? "nonce" : "timestamp", "WeChat signs every request with timestamp and nonce.");
        }

        if (!WeChatCrypto.SignatureMatches(signature, WeChatCrypto.Signature(o.Token!, timestamp!, nonce)))
        {
            return Problem(403, "signature", "The signature does not match the account's token.");
        }

        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds, 0, 253402300799));
        return age.Duration() > MaxClockSkew
            ? Problem(403, "timestamp", "The request is too old or from the future (a replay?).")
            : null;
    }

    private static IResult Problem(int status, string field, string message)
    {
        var problem = ProblemDetailsExceptionHandler.Validation(field, message);
        problem.Status = status;
        problem.Title = status switch { 403 => "Forbidden", 413 => "Request too large", _ => "Invalid request" };
        return Results.Problem(problem);
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "WeChat {MsgType} message {DeliveryKey} answered")]
    private static partial void LogMessage(ILogger logger, string msgType, string deliveryKey);
}
