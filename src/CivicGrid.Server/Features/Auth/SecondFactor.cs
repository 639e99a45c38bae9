using System.Security.Cryptography;
using System.Text;
using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Auth;

/// <summary>
/// The optional TOTP second factor (RFC 6238, <see cref="Totp"/>): the shared secret is kept
/// encrypted with ASP.NET Core Data Protection; ten single-use recovery codes are shown once and
/// stored as SHA-256 hashes (they are random, 50 bits each, so a fast hash is enough).
/// </summary>
public sealed class SecondFactor(IDataProtectionProvider protection, IOptions<AuthOptions> options)
{
    public const int RecoveryCodeCount = 10;
    private readonly IDataProtector _protector = protection.CreateProtector("CivicGrid.Auth.Totp.v1");

    /// <summary>Starts enrolment: a new secret (not yet required at sign-in) and the URI for the app.</summary>
    public TotpEnrolment Enrol(User user)
    {
        if (user.TotpEnabled)
        {
            throw new Common.ConflictException("A second factor is already enabled; disable it first.");
        }

        var secret = Totp.NewSecret();
        user.TotpSecret = _protector.Protect(Convert.ToBase64String(secret));
        user.TotpLastStep = null;
        return new TotpEnrolment(Totp.ToBase32(secret), Totp.EnrolmentUri(options.Value.Issuer, user.UserName, secret));
    }

    /// <summary>Confirms enrolment with a code from the app; returns the recovery codes (shown once).</summary>
    public IReadOnlyList<string> Confirm(User user, string? code, DateTimeOffset now)
    {
        if (user.TotpSecret is null)
        {
            throw new Common.ConflictException("Start enrolment first (POST /api/v1/auth/totp/enrol).");
        }

        if (user.TotpEnabled)
        {
            throw new Common.ConflictException("The second factor is already enabled.");
        }

        if (!AcceptCode(user, code, now))
        {
            throw new DomainValidationException("code", "The code does not match; check the authenticator app's time and try the current code.");
        }

        user.TotpEnabled = true;
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToList();
        user.RecoveryCodeHashes = string.Join(' ', codes.Select(Hash));
        return codes;
    }

    /// <summary>Turns the second factor off, after a current code or a recovery code.</summary>
    public void Disable(User user, string? code, string? recoveryCode, DateTimeOffset now)
    {
        if (!user.TotpEnabled)
        {
            throw new Common.ConflictException("No second factor is enabled.");
        }

        var ok = !string.IsNullOrWhiteSpace(code) ? AcceptCode(user, code, now) : AcceptRecoveryCode(user, recoveryCode);
        if (!ok)
        {
            throw new DomainValidationException(string.IsNullOrWhiteSpace(code) ? "recoveryCode" : "code", "The code does not match.");
        }

        user.TotpEnabled = false;
        user.TotpSecret = null;
        user.TotpLastStep = null;
        user.RecoveryCodeHashes = null;
    }

    /// <summary>True when the code is right for now and was not used before (it is then used up).</summary>
    public bool AcceptCode(User user, string? code, DateTimeOffset now)
    {
        if (user.TotpSecret is null)
        {
            return false;
        }

        byte[] secret;
        try
        {
            secret = Convert.FromBase64String(_protector.Unprotect(user.TotpSecret));
        }
        catch (CryptographicException)
        {
            // The key ring that protected the secret is gone: the factor cannot be checked; an admin resets it.
            return false;
        }

        var step = Totp.Verify(secret, code, now, user.TotpLastStep);
        if (step is null)
        {
            return false;
        }

        user.TotpLastStep = step;
        return true;
    }

    /// <summary>True when the recovery code is one of the unused ones (it is then used up).</summary>
    public static bool AcceptRecoveryCode(User user, string? code)
    {
        if (string.IsNullOrWhiteSpace(code) || user.RecoveryCodeHashes is null || code.Length > 64)
        {
            return false;
        }

        var hash = Hash(code.Trim().Replace("-", string.Empty, StringComparison.Ordinal).ToLowerInvariant());
        var hashes = user.RecoveryCodeHashes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var match = hashes.FirstOrDefault(h => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(h), Encoding.ASCII.GetBytes(hash)));
        if (match is null)
        {
            return false;
        }

        hashes.Remove(match);
        user.RecoveryCodeHashes = string.Join(' ', hashes);
        return true;
    }

    private static string NewRecoveryCode()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return new string(chars, 0, 5) + "-" + new string(chars, 5, 5);
    }

    private static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Replace("-", string.Empty, StringComparison.Ordinal))));
}

/// <summary>A started enrolment: the secret for manual entry and the <c>otpauth://</c> URI for a QR code.</summary>
public sealed record TotpEnrolment(string Secret, string OtpauthUri);
