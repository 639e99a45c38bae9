using System.Net;
using System.Net.Mail;
using CivicGrid.Domain.Cases;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Notifications;

/// <summary>One message to one reporter. <see cref="Id"/> is the same on every retry, so receivers de-duplicate by it.</summary>
public sealed record CitizenMessage(string Id, string Subject, string Body)
{
    /// <summary>The case's tracking code, for channels with structured messages (WeChat templates).</summary>
    public string? TrackingCode { get; init; }

    /// <summary>What happened, in a few words (已派遣, Fixed…).</summary>
    public string? Title { get; init; }

    /// <summary>The tracking page.</summary>
    public string? Url { get; init; }
}

/// <summary>
/// A way to reach a reporter (e-mail, SMS). Sending throws on failure; the dispatcher retries
/// later with the same message id.
/// </summary>
public interface INotificationChannel
{
    /// <summary>Which reporters this channel serves.</summary>
    NotifyBy Serves { get; }

    /// <summary>Whether the channel is configured on this node.</summary>
    bool IsConfigured { get; }

    Task SendAsync(CitizenMessage message, CaseReporter to, CancellationToken ct);
}

/// <summary>E-mail over SMTP (System.Net.Mail); the message id goes into the Message-ID header.</summary>
public sealed class EmailChannel(IOptions<NotificationOptions> options) : INotificationChannel
{
    public NotifyBy Serves => NotifyBy.Email;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Smtp.Host);

    public async Task SendAsync(CitizenMessage message, CaseReporter to, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl, DeliveryMethod = SmtpDeliveryMethod.Network };
        if (smtp.UserName is not null)
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }

        using var mail = new MailMessage(smtp.From, to.ReporterEmail ?? throw new InvalidOperationException("The reporter has no e-mail address."))
        {
            Subject = message.Subject,
            Body = message.Body,
            SubjectEncoding = System.Text.Encoding.UTF8,
            BodyEncoding = System.Text.Encoding.UTF8,
        };
        mail.Headers.Add("Message-ID", $"<{message.Id}@civicgrid>");
        await client.SendMailAsync(mail, ct);
    }
}

/// <summary>SMS through an HTTP gateway: POST <c>{"id","to","text"}</c>, with the id also as Idempotency-Key.</summary>
public sealed class SmsChannel(IHttpClientFactory http, IOptions<NotificationOptions> options) : INotificationChannel
{
    public const string HttpClientName = "sms-gateway";

    public NotifyBy Serves => NotifyBy.Sms;

    public bool IsConfigured => options.Value.Sms.Url is not null;

    public async Task SendAsync(CitizenMessage message, CaseReporter to, CancellationToken ct)
    {
        var sms = options.Value.Sms;
        using var request = new HttpRequestMessage(HttpMethod.Post, sms.Url)
        {
            Content = JsonContent.Create(new { id = message.Id, to = to.ReporterPhone, text = $"{message.Subject} {message.Body}" }),
        };
        request.Headers.Add("Idempotency-Key", message.Id);
        if (sms.ApiKey is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", sms.ApiKey);
        }

        using var response = await http.CreateClient(HttpClientName).SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
    }
}
