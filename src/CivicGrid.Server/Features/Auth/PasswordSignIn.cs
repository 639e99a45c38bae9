using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Auth;

/// <summary>Credentials; <c>totpCode</c> or <c>recoveryCode</c> when the account has a second factor.</summary>
public sealed record LoginRequest(string? Username, string? Password, string? TotpCode = null, string? RecoveryCode = null);

/// <summary>How a sign-in attempt ended.</summary>
public enum SignInStatus
{
    Succeeded,
    Failed,
    LockedOut,
    SecondFactorRequired,
}

/// <summary>The outcome: the user when it succeeded, the lockout end when locked.</summary>
public sealed record SignInOutcome(SignInStatus Status, User? User = null, DateTimeOffset? LockedUntil = null);

/// <summary>
/// Checks a username, password and (when enrolled) TOTP code or recovery code. Counts failures per
/// account and locks it for <see cref="AuthOptions.LockoutDuration"/> after
/// <see cref="AuthOptions.LockoutThreshold"/> in a row; reports every failure to the risk monitor.
/// </summary>
public sealed class PasswordSignIn(CivicGridDbContext db, IPasswordHasher<User> hasher, SecondFactor secondFactor, IRiskSignals risk, IOptions<AuthOptions> options, TimeProvider clock)
{
    public async Task<SignInOutcome> CheckAsync(LoginRequest request, string? ipAddress, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            throw new DomainValidationException(string.IsNullOrWhiteSpace(request.Username) ? "username" : "password", "Username and password are required.");
        }

        var name = request.Username.Trim().ToLowerInvariant();
        var now = clock.GetUtcNow();
        var user = name.Length <= 64 ? await db.Users.FirstOrDefaultAsync(u => u.UserName == name, ct) : null;
        if (user is null || !user.IsActive)
        {
            // Same work as a real check, so timing does not reveal which usernames exist.
            hasher.VerifyHashedPassword(new User { UserName = name, DisplayName = name, Role = Role.Citizen, PasswordHash = string.Empty }, DummyHash, request.Password);
            risk.LoginFailed(name, ipAddress);
            await AuditFailureAsync(name, "unknown or inactive", ct);
            return new SignInOutcome(SignInStatus.Failed);
        }

        if (user.LockoutEndsAt is { } until && until > now)
        {
            risk.LoginFailed(name, ipAddress);
            await AuditFailureAsync(name, "locked out", ct);
            return new SignInOutcome(SignInStatus.LockedOut, LockedUntil: until);
        }

        var result = request.Password.Length > PasswordPolicy.MaxLength * 8
            ? PasswordVerificationResult.Failed
            : hasher.VerifyHashedPassword(user, user.PasswordHash, request.Password);
        if (result == PasswordVerificationResult.Failed)
        {
            return await FailAsync(user, ipAddress, now, ct);
        }

        if (user.TotpEnabled)
        {
            if (string.IsNullOrWhiteSpace(request.TotpCode) && string.IsNullOrWhiteSpace(request.RecoveryCode))
            {
                // The password was right: ask for the second factor without counting a failure.
                return new SignInOutcome(SignInStatus.SecondFactorRequired);
            }

            var passed = !string.IsNullOrWhiteSpace(request.TotpCode)
                ? secondFactor.AcceptCode(user, request.TotpCode, now)
                : SecondFactor.AcceptRecoveryCode(user, request.RecoveryCode);
            if (!passed)
            {
                return await FailAsync(user, ipAddress, now, ct);
            }
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, request.Password);
        }

        user.FailedLoginCount = 0;
        user.LockoutEndsAt = null;
        // Every sign-in is an audit entry, with the client's address (added by the audit interceptor).
        db.Record(AuditActions.SignIn, nameof(User), user.Id.ToString(), null, new AuditActor(user.Id, user.UserName, user.Role.ToString().ToLowerInvariant(), null, null, null));
        await db.SaveChangesAsync(ct);
        return new SignInOutcome(SignInStatus.Succeeded, user);
    }

    private async Task<SignInOutcome> FailAsync(User user, string? ipAddress, DateTimeOffset now, CancellationToken ct)
    {
        risk.LoginFailed(user.UserName, ipAddress);
        user.FailedLoginCount++;
        var locked = user.FailedLoginCount >= options.Value.LockoutThreshold;
        if (locked)
        {
            user.LockoutEndsAt = now + options.Value.LockoutDuration;
            user.FailedLoginCount = 0;
        }

        db.Record(AuditActions.SignInFailed, nameof(User), user.Id.ToString(), new { userName = user.UserName, reason = locked ? "wrong credentials; locked out" : "wrong credentials" });
        await db.SaveChangesAsync(ct);
        return locked ? new SignInOutcome(SignInStatus.LockedOut, LockedUntil: user.LockoutEndsAt) : new SignInOutcome(SignInStatus.Failed);
    }

    /// <summary>A failed attempt on an unknown, inactive or locked account: an audit entry of its own.</summary>
    private async Task AuditFailureAsync(string name, string reason, CancellationToken ct)
    {
        db.Record(AuditActions.SignInFailed, nameof(User), null, new { userName = name.Length > 100 ? name[..100] : name, reason });
        await db.SaveChangesAsync(ct);
    }

    private static readonly string DummyHash = new PasswordHasher<User>().HashPassword(
        new User { UserName = "x", DisplayName = "x", Role = Role.Citizen, PasswordHash = string.Empty }, Guid.NewGuid().ToString());
}
