namespace CivicGrid.Infrastructure.Audit;

/// <summary>Who acts, and from where: what every audit entry records about its origin.</summary>
/// <param name="UserId">The user; null for the system.</param>
/// <param name="Name">The user name (login), or the job's name.</param>
/// <param name="Role">The role the user acts in, or <c>system</c>.</param>
/// <param name="ClientAddress">The client's IP address, for requests.</param>
/// <param name="CorrelationId">The caller's correlation id or the request id.</param>
/// <param name="TraceId">The W3C trace id.</param>
public sealed record AuditActor(Guid? UserId, string Name, string Role, string? ClientAddress, string? CorrelationId, string? TraceId)
{
    public const string SystemRole = "system";

    /// <summary>The platform itself, outside any request or named job.</summary>
    public static AuditActor System { get; } = new(null, "system", SystemRole, null, null, null);
}

/// <summary>Tells the audit trail who is acting now (the server reads the request or the running job).</summary>
public interface IAuditActorAccessor
{
    AuditActor Current { get; }
}

/// <summary>Without a host: everything is done by the system.</summary>
internal sealed class SystemAuditActorAccessor : IAuditActorAccessor
{
    public AuditActor Current => AuditActor.System;
}
