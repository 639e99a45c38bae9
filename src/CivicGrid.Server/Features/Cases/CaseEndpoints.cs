using CivicGrid.Server.Features.Auth;

namespace CivicGrid.Server.Features.Cases;

/// <summary>案卷: the closed loop over HTTP.</summary>
public static class CaseEndpoints
{
    public static IHostApplicationBuilder AddCases(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.SectionName)
            .Validate(o => o.MaxBytes > 0, "Attachments:MaxBytes must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AttachmentStore>();
        builder.Services.AddScoped<CaseCommands>();
        builder.Services.AddHostedService<DeadlineJob>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCases(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/cases").WithTags("Cases").RequireAuthorization(AuthFeature.StaffPolicy);
        group.MapPost("/", CreateCase.HandleAsync).WithName("CreateCase")
            .WithSummary("Report a problem (上报). The position resolves to grid, community and street.");
        group.MapGet("/", ListCases.HandleAsync).WithName("ListCases")
            .WithSummary("List cases with filters and paging.");
        group.MapGet("/{id}", GetCase.HandleAsync).WithName("GetCase")
            .WithSummary("A case by id or number, with history, stages, attachments and allowedActions.");
        group.MapPost("/{id}/transitions", TransitionCase.HandleAsync).WithName("TransitionCase")
            .WithSummary("Perform a workflow action; 409 with allowedActions when not allowed now.");
        group.MapPost("/{id}/attachments", CaseAttachments.UploadAsync).WithName("UploadAttachment")
            .DisableAntiforgery()
            .WithSummary("Attach a photo or document (JPEG, PNG, WebP, GIF, PDF; type checked by content).");
        group.MapGet("/{id}/attachments/{attachmentId:guid}", CaseAttachments.DownloadAsync).WithName("DownloadAttachment")
            .WithSummary("Download an attachment.");
        return app;
    }
}
