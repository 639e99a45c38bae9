using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Audit;
using CivicGrid.Server.Features.Security;

namespace CivicGrid.Server.Features.Audit;

/// <summary>操作留痕: the audit trail's attribution, checkpoints, search, export and verification.</summary>
public static class AuditFeature
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName)
            .Validate(o => o.CheckpointInterval >= TimeSpan.FromSeconds(1), "Audit:CheckpointInterval must be at least a second.")
            .ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<IAuditActorAccessor, HttpAuditActorAccessor>();
        builder.Services.AddSingleton<AuditCheckpointKey>();
        builder.Services.AddHostedService<CheckpointJob>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        // Only auditors read the trail (separation of duties: administrators change the system, auditors check it).
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit").RequirePermission(Permission.AuditRead);
        group.MapGet("/", SearchAudit.SearchAsync).WithName("SearchAudit")
            .WithSummary("Search the audit trail (who, action, record, time), newest first, paged.")
            .Produces<AuditPageDto>().ProducesValidationProblem();
        group.MapGet("/export", SearchAudit.ExportAsync).WithName("ExportAudit")
            .WithSummary("The matching entries as CSV (UTF-8), oldest first, with their hashes; the export itself is audited.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesValidationProblem();
        group.MapGet("/verify", SearchAudit.VerifyAsync).WithName("VerifyAudit")
            .WithSummary("Check the hash chain and the signed checkpoints; names the first broken entry.")
            .Produces<AuditVerification>();
        return app;
    }
}
