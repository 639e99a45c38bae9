using CivicGrid.Server.Features.Security;
using CivicGrid.Domain.Identity;

namespace CivicGrid.Server.Features.Cases;

/// <summary>案卷: the closed loop over HTTP.</summary>
public static class CaseEndpoints
{
    public static IHostApplicationBuilder AddCases(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.SectionName)
            .Validate(o => o.MaxBytes > 0 && o.MaxBytes < AttachmentOptions.MaxRequestBytes - 65536, "Attachments:MaxBytes must be positive and below 64 MiB.")
            .ValidateOnStart();
        builder.Services.AddSingleton<AttachmentStore>();
        builder.Services.AddScoped<CaseCommands>();
        builder.Services.AddScoped<AutoDispatch>();
        builder.Services.AddHostedService<DeadlineJob>();
        return builder;
    }

    public static IEndpointRouteBuilder MapCases(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/cases").WithTags("Cases");
        group.MapPost("/", CreateCase.HandleAsync).WithName("CreateCase").RequirePermission(Permission.CasesCreate)
            .WithSummary("Report a problem (上报). The position resolves to grid, community and street.")
            .Produces<CaseDto>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListCases.HandleAsync).WithName("ListCases").RequirePermission(Permission.CasesRead)
            .WithSummary("List cases with filters and paging.")
            .Produces<CasePageDto>().ProducesValidationProblem();
        group.MapGet("/{id}", GetCase.HandleAsync).WithName("GetCase").RequirePermission(Permission.CasesRead)
            .WithSummary("A case by id or number, with history, stages, attachments and allowedActions.")
            .Produces<CaseDto>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/transitions", TransitionCase.HandleAsync).WithName("TransitionCase").RequirePermission(Permission.CasesTransition)
            .WithSummary("Perform a workflow action; 409 with allowedActions when not allowed now.")
            .Produces<CaseDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        group.MapGet("/{id}/dispatch-suggestion", GetDispatchSuggestion.HandleAsync).WithName("GetDispatchSuggestion").RequirePermission(Permission.CasesDispatch)
            .WithSummary("智能派遣: the department (主办), supporting departments (协办) and least-loaded handler the rules suggest, and why.")
            .Produces<DispatchSuggestionDto>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/attachments", CaseAttachments.UploadAsync).WithName("UploadAttachment").RequirePermission(Permission.CasesAttach)
            .WithRequestBodyLimit(AttachmentOptions.MaxRequestBytes)
            .DisableAntiforgery()
            .WithSummary("Attach a photo or document (JPEG, PNG, WebP, GIF, PDF; type checked by content).")
            .Produces<AttachmentDto>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/{id}/attachments/{attachmentId:guid}", CaseAttachments.DownloadAsync).WithName("DownloadAttachment").RequirePermission(Permission.CasesRead)
            .WithSummary("Download an attachment.");
        return app;
    }
}
