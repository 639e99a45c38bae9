namespace CivicGrid.Server.Features.Auth;

/// <summary>Sign-in settings (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Lifetime of bearer tokens (absolute; a token is not renewed by use).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Idle lifetime of console cookies: a console left alone this long signs out (sliding).</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Absolute lifetime of a console session, however active: sign in again after it.</summary>
    public TimeSpan SessionAbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Wrong passwords (or second factors) in a row that lock an account.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The HMAC key that signs bearer tokens, base64, at least 32 bytes. Empty: a key is generated
    /// once and kept in <c>keys/token-signing.key</c> in the data folder, so every node that shares
    /// the folder (or this setting) accepts the same tokens.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Issuer and audience of the tokens; also the issuer shown in authenticator apps.</summary>
    public string Issuer { get; set; } = "civicgrid";

    internal bool IsValid() =>
        TokenLifetime > TimeSpan.Zero && CookieLifetime > TimeSpan.Zero && SessionAbsoluteLifetime >= CookieLifetime
        && LockoutThreshold > 0 && LockoutDuration > TimeSpan.Zero;
}
