namespace CivicGrid.Infrastructure.Persistence;

/// <summary>
/// A session (bearer token or console cookie) ended before its expiry: logout or revocation. Kept
/// until the session would have expired anyway, then removed.
/// </summary>
public sealed class RevokedSession
{
    /// <summary>The session id (<c>jti</c> of a bearer token, <c>sid</c> of a cookie).</summary>
    public required string SessionId { get; init; }

    public required Guid UserId { get; init; }

    public required DateTimeOffset RevokedAt { get; init; }

    /// <summary>When the session would have expired; the row may be deleted after it.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>A risk warning (风险预警) raised by the detectors: login bursts, mass reads, mass transitions, report floods.</summary>
public sealed class SecurityAlert
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>The detector: <c>login-burst-account</c>, <c>login-burst-ip</c>, <c>personal-data-reads</c>, <c>mass-transitions</c>, <c>report-flood</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Who or what it is about: a user name or id, an IP address, a report source.</summary>
    public required string Subject { get; init; }

    /// <summary>The count seen within the window when the alert was raised.</summary>
    public required int Count { get; init; }

    /// <summary>The window the count was taken over.</summary>
    public required TimeSpan Window { get; init; }

    public required string Detail { get; init; }

    public required DateTimeOffset RaisedAt { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public Guid? AcknowledgedById { get; set; }
}
