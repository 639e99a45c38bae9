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

    /// <summary>The actor this user acts as.</summary>
    public Actor ToActor() => new(Id, DisplayName, Role, DepartmentId);
}
