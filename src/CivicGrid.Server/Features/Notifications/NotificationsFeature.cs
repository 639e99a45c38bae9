namespace CivicGrid.Server.Features.Notifications;

/// <summary>Citizen notifications (issue #3 item 10): e-mail and SMS channels and the outbox dispatcher.</summary>
public static class NotificationsFeature
{
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName)
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Notifications:PollInterval must be positive.")
            .Validate(o => o.Sms.Url is null || o.Sms.Url.IsAbsoluteUri, "Notifications:Sms:Url must be an absolute URL.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(SmsChannel.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(15));
        builder.Services.AddSingleton<INotificationChannel, EmailChannel>();
        builder.Services.AddSingleton<INotificationChannel, SmsChannel>();
        builder.Services.AddSingleton<NotificationDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NotificationDispatcher>());
        return builder;
    }
}
