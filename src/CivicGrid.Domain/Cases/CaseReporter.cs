namespace CivicGrid.Domain.Cases;

/// <summary>How a reporter wants to hear about their case.</summary>
public enum NotifyBy
{
    /// <summary>No messages; the reporter follows the tracking page.</summary>
    None,
    /// <summary>E-mail to <see cref="CaseReporter.ReporterEmail"/>.</summary>
    Email,
    /// <summary>SMS to <see cref="CaseReporter.ReporterPhone"/>.</summary>
    Sms,
    /// <summary>A WeChat template message to <see cref="CaseReporter.ReporterWeChatOpenId"/>.</summary>
    WeChat,
}

/// <summary>
/// 报告人: one person who reported a case, the first one or one who joined it later ("me too",
/// or a merged duplicate). Contact details stay on this row (one property each, so that they can
/// be encrypted by value converters) and never leave through a public API. The secret that lets
/// the reporter rate the result is kept as a SHA-256 hash only.
/// </summary>
public sealed class CaseReporter
{
    private CaseReporter()
    {
        SecretHash = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid CaseId { get; private set; }

    /// <summary>The channel the reporter used.</summary>
    public CaseSource Channel { get; private set; }

    /// <summary>True for the person who filed the case; false for one who joined it.</summary>
    public bool IsOriginal { get; private set; }

    public string? ReporterName { get; private set; }

    public string? ReporterPhone { get; private set; }

    public string? ReporterEmail { get; private set; }

    /// <summary>The reporter's OpenID with the city's WeChat official account.</summary>
    public string? ReporterWeChatOpenId { get; private set; }

    public NotifyBy NotifyBy { get; private set; }

    /// <summary>The language of messages to the reporter: <c>zh-CN</c> or <c>en</c>.</summary>
    public string Language { get; private set; } = "zh-CN";

    /// <summary>Lower-case hex SHA-256 of the reporter's secret (shown once, at submission).</summary>
    public string SecretHash { get; private set; }

    public DateTimeOffset JoinedAt { get; private set; }

    /// <summary>The reporter's rating of the result, 1–5, once given.</summary>
    public int? Rating { get; private set; }

    public string? RatingComment { get; private set; }

    public DateTimeOffset? RatedAt { get; private set; }

    /// <summary>Links a reporter to a case; checks the contact details against the chosen channel.</summary>
    public static CaseReporter Create(Guid id, Guid caseId, CaseSource channel, bool isOriginal, ReporterContact contact, string secretHash, DateTimeOffset now)
    {
        if (contact.NotifyBy == NotifyBy.Email && string.IsNullOrWhiteSpace(contact.Email))
        {
            throw new Common.DomainValidationException("email", "Give an e-mail address to be told by e-mail.");
        }

        if (contact.NotifyBy == NotifyBy.Sms && string.IsNullOrWhiteSpace(contact.Phone))
        {
            throw new Common.DomainValidationException("phone", "Give a phone number to be told by SMS.");
        }

        if (contact.NotifyBy == NotifyBy.WeChat && string.IsNullOrWhiteSpace(contact.WeChatOpenId))
        {
            throw new Common.DomainValidationException("weChatOpenId", "A WeChat OpenID is needed to be told on WeChat.");
        }

        return new CaseReporter
        {
            Id = id,
            CaseId = caseId,
            Channel = channel,
            IsOriginal = isOriginal,
            ReporterName = Trimmed(contact.Name),
            ReporterPhone = Trimmed(contact.Phone),
            ReporterEmail = Trimmed(contact.Email),
            ReporterWeChatOpenId = Trimmed(contact.WeChatOpenId),
            NotifyBy = contact.NotifyBy,
            Language = contact.Language is "en" ? "en" : "zh-CN",
            SecretHash = secretHash,
            JoinedAt = now,
        };
    }

    /// <summary>
    /// The same person linked to the case a duplicate was merged into: same contact, channel and
    /// secret, so they are told of that case's steps and may rate it; the row on the duplicate stays
    /// (it tells them of the merge).
    /// </summary>
    public CaseReporter LinkTo(Guid id, Guid caseId, DateTimeOffset now) => new()
    {
        Id = id,
        CaseId = caseId,
        Channel = Channel,
        IsOriginal = false,
        ReporterName = ReporterName,
        ReporterPhone = ReporterPhone,
        ReporterEmail = ReporterEmail,
        ReporterWeChatOpenId = ReporterWeChatOpenId,
        NotifyBy = NotifyBy,
        Language = Language,
        SecretHash = SecretHash,
        JoinedAt = now,
    };

    /// <summary>Records the reporter's rating; a reporter rates a case once.</summary>
    public void Rate(int stars, string? comment, DateTimeOffset now)
    {
        if (Rating is not null)
        {
            throw new Common.DomainValidationException("stars", "This report has already been rated.");
        }

        Rating = stars;
        RatingComment = Trimmed(comment);
        RatedAt = now;
    }

    /// <summary>Retention: the contact details go, the link and the rating stay; nobody is told any more.</summary>
    public void ErasePersonalData()
    {
        ReporterName = null;
        ReporterPhone = null;
        ReporterEmail = null;
        ReporterWeChatOpenId = null;
        NotifyBy = NotifyBy.None;
    }

    private static string? Trimmed(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>How to reach a reporter, and whether they want to be told.</summary>
public sealed record ReporterContact(string? Name, string? Phone, string? Email, NotifyBy NotifyBy, string? Language = null, string? WeChatOpenId = null)
{
    /// <summary>Nobody to tell.</summary>
    public static ReporterContact Anonymous { get; } = new(null, null, null, NotifyBy.None);
}
