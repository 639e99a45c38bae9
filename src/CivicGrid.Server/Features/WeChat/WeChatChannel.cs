using System.Globalization;
using CivicGrid.Domain.Cases;
using CivicGrid.Server.Features.Notifications;

namespace CivicGrid.Server.Features.WeChat;

/// <summary>
/// Tells a citizen who reported through the official account, with the 办理进度 template message:
/// first = the notice's subject, keyword1 = the tracking code, keyword2 = what happened,
/// keyword3 = when (Beijing time), remark = the notice's text, linked to the tracking page.
/// </summary>
public sealed class WeChatChannel(IServiceScopeFactory scopes, TimeProvider clock) : INotificationChannel
{
    private static readonly TimeZoneInfo Beijing = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public NotifyBy Serves => NotifyBy.WeChat;

    public bool IsConfigured
    {
        get
        {
            using var scope = scopes.CreateScope();
            return scope.ServiceProvider.GetRequiredService<WeChatTemplateClient>().IsConfigured;
        }
    }

    public async Task SendAsync(CitizenMessage message, CaseReporter to, CancellationToken ct)
    {
        var openId = to.ReporterWeChatOpenId ?? throw new InvalidOperationException("The reporter has no WeChat OpenID.");
        await using var scope = scopes.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<WeChatTemplateClient>();
        var at = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Beijing).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        await client.SendProgressAsync(openId, new WeChatProgress(message.Subject, message.TrackingCode ?? string.Empty, message.Title ?? string.Empty, at, message.Body, message.Url), ct);
    }
}
