using System.Diagnostics;
using System.Security.Claims;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Server.Common;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Audit;

/// <summary>
/// Who acts, for the audit trail: the signed-in user of the current request (with the client's
/// address and the correlation id), else the background job running in an <see cref="AuditJob"/>
/// scope, else the system.
/// </summary>
internal sealed class HttpAuditActorAccessor(IHttpContextAccessor http) : IAuditActorAccessor
{
    public const string CorrelationHeader = "X-Correlation-Id";

    public AuditActor Current
    {
        get
        {
            var trace = Activity.Current?.TraceId.ToHexString();
            var context = http.HttpContext;
            if (context is null)
            {
                return new AuditActor(null, AuditJob.Current ?? AuditActor.System.Name, AuditActor.SystemRole, null, null, trace);
            }

            var user = context.User;
            var address = context.Connection.RemoteIpAddress?.ToString();
            var correlation = Correlation(context);
            if (user.Identity?.IsAuthenticated != true)
            {
                return context.Items[AuditAttribution.ItemKey] is AuditActor caller
                    ? caller with { ClientAddress = address, CorrelationId = correlation, TraceId = trace }
                    : new AuditActor(null, "anonymous", "anonymous", address, correlation, trace);
            }

            var id = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var g) ? g : (Guid?)null;
            var name = user.Identity.Name ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
            var role = user.FindFirstValue(ClaimTypes.Role)?.ToLowerInvariant() ?? "unknown";
            return new AuditActor(id, name, role, address, correlation, trace);
        }
    }

    /// <summary>The caller's correlation id when it is a sane token, else the request's own id.</summary>
    private static string Correlation(HttpContext context)
    {
        var given = context.Request.Headers[CorrelationHeader].ToString();
        return given.Length is > 0 and <= 100 && given.All(c => c is > ' ' and < '\u007f') ? given : context.TraceIdentifier;
    }
}

/// <summary>Names the background job that acts, for the entries its saves write.</summary>
public static class AuditJob
{
    private static readonly AsyncLocal<string?> Name = new();

    /// <summary>The job acting in this flow of execution, if any.</summary>
    public static string? Current => Name.Value;

    /// <summary>Attributes what happens until the scope is disposed to the job <paramref name="name"/>.</summary>
    public static IDisposable Begin(string name)
    {
        var outer = Name.Value;
        Name.Value = name;
        return new Scope(outer);
    }

    private sealed class Scope(string? outer) : IDisposable
    {
        public void Dispose() => Name.Value = outer;
    }
}

/// <summary>The key that signs checkpoints: configured, or a file in the data folder that the database never sees.</summary>
internal sealed class AuditCheckpointKey(IOptions<AuditOptions> options, IOptions<ServerOptions> server)
{
    private readonly Lazy<byte[]> _key = new(() =>
        DataFolderKey.Load(options.Value.CheckpointKey, server.Value.EnsureDataDir(), "audit-checkpoint.key", "Audit:CheckpointKey"));

    public byte[] Bytes => _key.Value;
}

/// <summary>Names the caller of a request that authenticates outside ASP.NET Core's schemes (an Open311 <c>api_key</c>).</summary>
public static class AuditAttribution
{
    internal const string ItemKey = "civicgrid.audit.actor";

    /// <summary>What this request changes from now on is attributed to <paramref name="name"/> in <paramref name="role"/>.</summary>
    public static void ActAs(HttpContext http, Guid? id, string name, string role) =>
        http.Items[ItemKey] = new AuditActor(id, name, role, null, null, null);
}
