using CivicGrid.Domain.Common;
using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Common;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Features.Security;

/// <summary>The risk warnings for supervisors, auditors and admins.</summary>
public static class SecurityAlertEndpoints
{
    public static IEndpointRouteBuilder MapSecurityAlerts(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/security/alerts").WithTags("Security");
        group.MapGet("/", ListAsync).RequirePermission(Permission.SecurityAlertsRead).WithName("ListSecurityAlerts")
            .WithSummary("Risk warnings, newest first: login bursts, mass reads of personal data, mass transitions, report floods.")
            .Produces<List<SecurityAlertDto>>().ProducesValidationProblem();
        group.MapPost("/{id:guid}/acknowledge", AcknowledgeAsync).RequirePermission(Permission.SecurityAlertsAct).WithName("AcknowledgeSecurityAlert")
            .WithSummary("Mark a risk warning as seen.")
            .Produces<SecurityAlertDto>().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ListAsync(string? kind, bool? open, int? limit, CivicGridDbContext db, CancellationToken ct)
    {
        var take = limit ?? 100;
        if (take is < 1 or > 1000)
        {
            throw new DomainValidationException("limit", "limit must be between 1 and 1000.");
        }

        var query = db.SecurityAlerts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(kind))
        {
            query = query.Where(a => a.Kind == kind);
        }

        if (open is { } o)
        {
            query = o ? query.Where(a => a.AcknowledgedAt == null) : query.Where(a => a.AcknowledgedAt != null);
        }

        var rows = await query.OrderByDescending(a => a.RaisedAt).ThenByDescending(a => a.Id).Take(take).ToListAsync(ct);
        return Results.Ok(rows.Select(SecurityAlertDto.From).ToList());
    }

    private static async Task<IResult> AcknowledgeAsync(Guid id, System.Security.Claims.ClaimsPrincipal user, CivicGridDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var alert = await db.SecurityAlerts.FirstOrDefaultAsync(a => a.Id == id, ct) ?? throw new NotFoundException("Security alert", id.ToString());
        if (alert.AcknowledgedAt is null)
        {
            alert.AcknowledgedAt = clock.GetUtcNow();
            alert.AcknowledgedById = user.ToActor().UserId;
            await db.SaveChangesAsync(ct);
        }

        return Results.Ok(SecurityAlertDto.From(alert));
    }
}
