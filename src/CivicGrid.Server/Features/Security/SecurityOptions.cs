namespace CivicGrid.Server.Features.Security;

/// <summary>Transport, header, size and rate settings (section <c>Security</c>).</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Largest request body accepted, in bytes, unless an endpoint says otherwise (attachments do).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>HSTS max-age (sent on https responses outside Development).</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Sign-in (token and cookie login): requests per IP address per window.</summary>
    public RateLimit Login { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Open311 submissions (POST): requests per API client (or IP when none) per window.</summary>
    public RateLimit Open311Submit { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>The <c>public-submit</c> policy for anonymous citizen reports: requests per IP per window.</summary>
    public RateLimit PublicSubmit { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Every anonymous request (public pages and APIs): requests per IP per window.</summary>
    public RateLimit PublicRead { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Thresholds of the risk warnings.</summary>
    public RiskThresholds Risk { get; set; } = new();

    /// <summary>
    /// Reverse proxies or load balancers (addresses like <c>10.0.0.5</c> or networks like
    /// <c>10.0.0.0/8</c>) whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed:
    /// the client address of rate limits, risk warnings and the audit trail, and https for HSTS and
    /// secure cookies. Empty (the default): the headers are ignored, nobody can forge them.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    internal bool IsValid() =>
        MaxRequestBodyBytes > 0 && HstsMaxAge >= TimeSpan.Zero
        && TrustedProxies.All(p => System.Net.IPNetwork.TryParse(p, out _) || System.Net.IPAddress.TryParse(p, out _))
        && new[] { Login, Open311Submit, PublicSubmit, PublicRead }.All(r => r.IsValid())
        && Risk.IsValid();
}

/// <summary>A fixed-window limit.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }

    internal bool IsValid() => PermitLimit > 0 && Window > TimeSpan.Zero;
}

/// <summary>One detector: raise an alert when <see cref="Count"/> events fall within <see cref="Window"/>.</summary>
public sealed class RiskThreshold
{
    public int Count { get; set; }

    public TimeSpan Window { get; set; }

    internal bool IsValid() => Count > 0 && Window > TimeSpan.Zero;
}

/// <summary>The detectors' thresholds.</summary>
public sealed class RiskThresholds
{
    /// <summary>Failed sign-ins for one account.</summary>
    public RiskThreshold LoginFailuresPerAccount { get; set; } = new() { Count = 10, Window = TimeSpan.FromMinutes(10) };

    /// <summary>Failed sign-ins from one IP address (any accounts).</summary>
    public RiskThreshold LoginFailuresPerIp { get; set; } = new() { Count = 30, Window = TimeSpan.FromMinutes(10) };

    /// <summary>Reads of reporters' personal data by one user.</summary>
    public RiskThreshold PersonalDataReads { get; set; } = new() { Count = 50, Window = TimeSpan.FromMinutes(10) };

    /// <summary>Workflow transitions by one user.</summary>
    public RiskThreshold Transitions { get; set; } = new() { Count = 100, Window = TimeSpan.FromMinutes(10) };

    /// <summary>Reports from one source (a user, an API client, an IP address).</summary>
    public RiskThreshold Reports { get; set; } = new() { Count = 60, Window = TimeSpan.FromMinutes(10) };

    internal bool IsValid() =>
        new[] { LoginFailuresPerAccount, LoginFailuresPerIp, PersonalDataReads, Transitions, Reports }.All(t => t.IsValid());
}
