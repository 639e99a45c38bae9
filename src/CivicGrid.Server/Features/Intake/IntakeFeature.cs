using CivicGrid.Domain.Identity;
using CivicGrid.Server.Features.Intake.Pages;
using CivicGrid.Server.Features.Security;

namespace CivicGrid.Server.Features.Intake;

/// <summary>
/// 受理: every channel's way in. The shared <see cref="ReportIntake"/> service, the public
/// (anonymous) citizen API under <c>/api/v1/public</c>, and the citizen pages <c>/report</c>
/// and <c>/track/{code}</c>.
/// </summary>
public static class IntakeFeature
{
    public const string PublicApi = "/api/v1/public";

    public static IHostApplicationBuilder AddIntake(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.SectionName)
            .Validate(o => o.AutoFileThreshold >= 0 && double.IsFinite(o.AutoFileThreshold), "Intake:AutoFileThreshold must be a number ≥ 0 (above 1 turns automatic filing off).")
            .Validate(o => o.QueueSuggestions is >= 1 and <= 10, "Intake:QueueSuggestions must be between 1 and 10.")
            .Validate(o => o.Retrain.IsValid(), "Intake:Retrain: intervals positive, AfterCorrections ≥ 1, MinExamples ≥ 2, MaxExamples ≥ MinExamples, BusyAbove in (0, 1], MaxPostpone not negative.")
            .ValidateOnStart();
        builder.Services.AddScoped<ReportIntake>();
        builder.Services.AddScoped<IntakeQueue>();
        builder.Services.AddScoped<Classification.ClassifierRetraining>();
        builder.Services.AddHostedService<Classification.ClassifierRetrainJob>();
        builder.Services.AddScoped<DuplicateFinder>();
        builder.Services.AddScoped<PublicCases>();
        return builder;
    }

    public static IEndpointRouteBuilder MapIntake(this IEndpointRouteBuilder app)
    {
        // Anonymous: the per-IP limit on anonymous reads covers the group; what files or joins a case
        // also takes the stricter per-IP submission limit.
        var group = app.MapGroup(PublicApi).WithTags("Public").AllowAnonymous();
        group.MapPost("/suggest-category", PublicEndpoints.SuggestAsync).WithName("SuggestCategory")
            .WithSummary("Suggest categories for a description (the report classifier).")
            .Produces<SuggestCategoryReply>().ProducesValidationProblem();
        group.MapPost("/duplicates", PublicEndpoints.DuplicatesAsync).WithName("FindDuplicates")
            .WithSummary("Open cases nearby that may be the same problem (same or related category, distance, time, similar text).")
            .Produces<IReadOnlyList<DuplicateDto>>().ProducesValidationProblem();
        group.MapPost("/reports", PublicEndpoints.ReportAsync).WithName("SubmitPublicReport")
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimits.PublicSubmit)
            .WithRequestBodyLimit(Cases.AttachmentOptions.MaxRequestBytes)
            .Accepts<IFormFile>("multipart/form-data")
            .WithSummary("Report a problem without signing in (multipart form: description, categoryCode, longitude, latitude, coordinateSystem, address, phone, email, notifyBy, photos). Returns the tracking code and the secret for rating.")
            .Produces<ReportReceipt>(StatusCodes.Status201Created).ProducesValidationProblem();
        group.MapPost("/reports/{caseNumber}/me-too", PublicEndpoints.MeTooAsync).WithName("JoinPublicReport")
            .RequireRateLimiting(RateLimits.PublicSubmit)
            .WithSummary("\"Me too\": join an open case as one more reporter instead of filing a new one.")
            .Produces<ReportReceipt>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/cases/{trackingCode}", PublicEndpoints.TrackAsync).WithName("TrackCase")
            .WithSummary("A case by its tracking code: status, steps and times, without personal data.")
            .Produces<PublicCaseDto>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/cases/{trackingCode}/events", PublicEndpoints.EventsAsync).WithName("TrackCaseEvents")
            .WithSummary("Live status changes of one case (Server-Sent Events).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/cases/{trackingCode}/rating", PublicEndpoints.RateAsync).WithName("RateCase")
            .RequireRateLimiting(RateLimits.PublicSubmit)
            .WithSummary("The reporter rates the result of a closed case (secret from the receipt); 2 stars or fewer, or a dispute, asks for a return visit.")
            .Produces<PublicCaseDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        // The operator queue of reports the classifier was not sure of (受理员).
        var queue = app.MapGroup("/api/v1/intake").WithTags("Intake");
        queue.MapGet("/queue", IntakeQueue.ListHandlerAsync).WithName("ListIntakeQueue").RequirePermission(Permission.IntakeQueue)
            .WithSummary("Reports without a category that the classifier was not sure enough of, oldest first, with its top suggestions and probabilities.")
            .Produces<IntakeQueuePage>().ProducesValidationProblem();
        queue.MapPost("/queue/{caseId:guid}/confirm", IntakeQueue.ConfirmHandlerAsync).WithName("ConfirmIntakeCategory").RequirePermission(Permission.IntakeQueue)
            .WithSummary("File a queued report under a suggested or another category; it is then dispatched by the responsibility rules, and a different category is kept as a correction for retraining.")
            .Produces<Cases.CaseDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);

        app.MapGet("/report", CitizenPages.Report).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/track", CitizenPages.TrackForm).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/track/{trackingCode}", CitizenPages.TrackAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
