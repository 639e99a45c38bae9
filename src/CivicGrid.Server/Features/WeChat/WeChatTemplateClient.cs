using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.WeChat;

/// <summary>The WeChat API refused a call (its errcode and errmsg), or the account is not set up for it.</summary>
public sealed class WeChatApiException(int errorCode, string message) : Exception(message)
{
    public int ErrorCode { get; } = errorCode;
}

/// <summary>The account's access token, shared by all calls until shortly before it expires.</summary>
public sealed class WeChatAccessTokenCache
{
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    internal string? Token { get; set; }

    internal DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// Sends template messages (模板消息) through the WeChat API: the client-credential access token
/// (cached, renewed when WeChat says it expired), then <c>cgi-bin/message/template/send</c>.
/// </summary>
public sealed class WeChatTemplateClient(HttpClient http, WeChatAccessTokenCache cache, IOptions<WeChatOptions> options, TimeProvider clock)
{
    private const int InvalidToken = 40001;
    private const int ExpiredToken = 42001;

    /// <summary>Whether the account is configured to send template messages.</summary>
    public bool IsConfigured => options.Value.CanSendTemplates;

    /// <summary>Tells a citizen of a step of their case; returns WeChat's message id.</summary>
    /// <exception cref="WeChatApiException">WeChat refused the message, or the account is not configured.</exception>
    public async Task<long> SendProgressAsync(string openId, WeChatProgress progress, CancellationToken ct)
    {
        if (!IsConfigured)
        {
            throw new WeChatApiException(-1, "WeChat:AppId, WeChat:AppSecret and WeChat:ProgressTemplateId must be set to send template messages.");
        }

        var body = new TemplateMessage(openId, options.Value.ProgressTemplateId!, progress.Url, new Dictionary<string, TemplateValue>(StringComparer.Ordinal)
        {
            ["first"] = new(progress.Title),
            ["keyword1"] = new(progress.CaseNumber),
            ["keyword2"] = new(progress.Status),
            ["keyword3"] = new(progress.At),
            ["remark"] = new(progress.Remark),
        });
        for (var attempt = 0; ; attempt++)
        {
            var token = await AccessTokenAsync(renew: attempt > 0, ct);
            using var response = await http.PostAsJsonAsync($"cgi-bin/message/template/send?access_token={Uri.EscapeDataString(token)}", body, ct);
            response.EnsureSuccessStatusCode();
            var reply = await response.Content.ReadFromJsonAsync<ApiReply>(ct) ?? throw new WeChatApiException(-1, "WeChat answered with an empty body.");
            if (reply.ErrorCode is InvalidToken or ExpiredToken && attempt == 0)
            {
                continue;
            }

            return reply.ErrorCode == 0 ? reply.MessageId : throw new WeChatApiException(reply.ErrorCode, reply.ErrorMessage ?? "template message refused");
        }
    }

    private async Task<string> AccessTokenAsync(bool renew, CancellationToken ct)
    {
        await cache.Gate.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (!renew && cache.Token is not null && now < cache.ExpiresAt)
            {
                return cache.Token;
            }

            var o = options.Value;
            var url = $"cgi-bin/token?grant_type=client_credential&appid={Uri.EscapeDataString(o.AppId!)}&secret={Uri.EscapeDataString(o.AppSecret!)}";
            var reply = await http.GetFromJsonAsync<ApiReply>(url, ct) ?? throw new WeChatApiException(-1, "WeChat answered with an empty body.");
            if (reply.ErrorCode != 0 || string.IsNullOrEmpty(reply.AccessToken))
            {
                throw new WeChatApiException(reply.ErrorCode, reply.ErrorMessage ?? "no access token");
            }

            // Renewed five minutes early: a token must not expire between the check and the call.
            cache.Token = reply.AccessToken;
            cache.ExpiresAt = now.AddSeconds(Math.Max(60, reply.ExpiresIn - 300));
            return cache.Token;
        }
        finally
        {
            cache.Gate.Release();
        }
    }

    private sealed record TemplateValue([property: JsonPropertyName("value")] string Value);

    private sealed record TemplateMessage(
        [property: JsonPropertyName("touser")] string ToUser,
        [property: JsonPropertyName("template_id")] string TemplateId,
        [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
        [property: JsonPropertyName("data")] IReadOnlyDictionary<string, TemplateValue> Data);

    private sealed record ApiReply(
        [property: JsonPropertyName("errcode")] int ErrorCode,
        [property: JsonPropertyName("errmsg")] string? ErrorMessage,
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("msgid")] long MessageId);
}

/// <summary>What a progress message says: a title, the case number, its status, when, a remark and a link.</summary>
public sealed record WeChatProgress(string Title, string CaseNumber, string Status, string At, string Remark, string? Url);
