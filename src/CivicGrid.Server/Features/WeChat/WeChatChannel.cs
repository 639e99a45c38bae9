using CivicGrid.Domain.Cases;
using CivicGrid.Server.Features.Notifications;
using CivicGrid.Server.Features.WebConsole;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.WeChat;

/// <summary>
/// Tells a citizen who reported through the official account, with the 办理进度 template message:
/// first = the notice's subject, keyword1 = the tracking code, keyword2 = what happened,
/// keyword3 = when (Beijing time), remark = the notice's text, linked to the tracking page.
/// </summary>
public sealed class WeChatChannel(IServiceScopeFactory scopes, IOptions<WeChatOptions> options, TimeProvider clock) : INotificationChannel
{
    public NotifyBy Serves => NotifyBy.WeChat;

    public bool IsConfigured => options.Value.CanSendTemplates;

    public async Task SendAsync(CitizenMessage message, CaseReporter to, CancellationToken ct)
    {
        var openId = to.ReporterWeChatOpenId ?? throw new InvalidOperationException("The reporter has no WeChat OpenID.");
        await using var scope = scopes.CreateAsyncScope();
        var client = scope.ServiceProvider.GetRequiredService<WeChatTemplateClient>();
        var at = BeijingTime.Format(clock.GetUtcNow());
        await client.SendProgressAsync(openId, new WeChatProgress(message.Subject, message.TrackingCode ?? string.Empty, message.Title ?? string.Empty, at, message.Body, message.Url), ct);
    }
}
