namespace CivicGrid.Server.Features.Notifications;

/// <summary>Citizen notifications: the dispatcher and its channels (section <c>Notifications</c>).</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Whether this node delivers notices (they are written to the outbox either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the outbox of notices is read.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The public address of the server, put before <c>/track/{code}</c> in messages (empty: the path alone).</summary>
    public string PublicBaseUrl { get; set; } = string.Empty;

    public SmtpSettings Smtp { get; set; } = new();

    public SmsSettings Sms { get; set; } = new();

    /// <summary>The SMTP server for e-mail; no host, no e-mail.</summary>
    public sealed class SmtpSettings
    {
        public string? Host { get; set; }

        public int Port { get; set; } = 25;

        public bool EnableSsl { get; set; }

        public string? UserName { get; set; }

        public string? Password { get; set; }

        public string From { get; set; } = "civicgrid@localhost";
    }

    /// <summary>The SMS gateway (an HTTP endpoint taking <c>{"id","to","text"}</c>); no URL, no SMS.</summary>
    public sealed class SmsSettings
    {
        public Uri? Url { get; set; }

        /// <summary>Sent as a bearer token when set.</summary>
        public string? ApiKey { get; set; }
    }
}
