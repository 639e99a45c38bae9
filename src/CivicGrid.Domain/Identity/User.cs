namespace CivicGrid.Domain.Identity;

/// <summary>A person who signs in: centre staff, a department's handler, an inspector, an admin.</summary>
public sealed class User
{
    public Guid Id { get; init; } = Guid.CreateVersion7();

    /// <summary>Login name, unique, lower case.</summary>
    public required string UserName { get; init; }

    public required string DisplayName { get; set; }

    public required Role Role { get; set; }

    /// <summary>The department of a handler.</summary>
    public Guid? DepartmentId { get; set; }

    public required string PasswordHash { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// A random value that changes whenever existing sessions must end (password change,
    /// deactivation, "sign out everywhere", role change): tokens and cookies carry the stamp they were
    /// issued with and are refused once it differs.
    /// </summary>
    public string SecurityStamp { get; set; } = NewStamp();

    /// <summary>Wrong passwords since the last successful sign-in.</summary>
    public int FailedLoginCount { get; set; }

    /// <summary>While in the future, sign-in is refused even with the right password.</summary>
    public DateTimeOffset? LockoutEndsAt { get; set; }

    /// <summary>The TOTP shared secret, encrypted by the server (never stored in clear); null when none is enrolled.</summary>
    public string? TotpSecret { get; set; }

    /// <summary>True once an enrolled TOTP secret was confirmed: sign-in then asks for a code.</summary>
    public bool TotpEnabled { get; set; }

    /// <summary>The last TOTP time step accepted, so that a code cannot be used twice.</summary>
    public long? TotpLastStep { get; set; }

    /// <summary>SHA-256 hashes (hex, space separated) of the unused recovery codes.</summary>
    public string? RecoveryCodeHashes { get; set; }

    /// <summary>
    /// When set (a 6-digit administrative division code), the user's data scope is this district:
    /// they see and act only on cases whose street lies in it (a district admin or supervisor).
    /// </summary>
    public string? DistrictCode { get; set; }

    /// <summary>A new random security stamp.</summary>
    public static string NewStamp() => Guid.NewGuid().ToString("N");

    /// <summary>The actor this user acts as.</summary>
    public Actor ToActor() => new(Id, DisplayName, Role, DepartmentId);
}
