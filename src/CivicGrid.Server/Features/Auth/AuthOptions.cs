namespace CivicGrid.Server.Features.Auth;

/// <summary>Sign-in settings (section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>Lifetime of bearer tokens.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Idle lifetime of console cookies (sliding).</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// The HMAC key that signs bearer tokens, base64, at least 32 bytes. Empty: a key is generated
    /// once and kept in <c>keys/token-signing.key</c> in the data folder, so every node that shares
    /// the folder (or this setting) accepts the same tokens.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Issuer and audience of the tokens.</summary>
    public string Issuer { get; set; } = "civicgrid";
}
