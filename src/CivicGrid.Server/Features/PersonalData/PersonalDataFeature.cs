using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Privacy;
using CivicGrid.Server.Features.Security;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.PersonalData;

/// <summary>
/// 个人信息保护: reporters' personal data encrypted at rest, masked in ordinary reads, revealed in
/// full only to holders of the personaldata.reveal permission through an audited call, erased after the retention
/// period, and exported for one citizen on request.
/// </summary>
public static class PersonalDataFeature
{
    // The one rule of who may see reporters' personal data in full is the permission
    // personaldata.reveal of the matrix (operators, who call reporters back; supervisors, who
    // handle complaints; administrators).

    public static IHostApplicationBuilder AddPersonalData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PersonalDataOptions>().BindConfiguration(PersonalDataOptions.SectionName)
            .Validate(o => o.RetentionPeriod > TimeSpan.Zero, "PersonalData:RetentionPeriod must be positive.")
            .Validate(o => o.RetentionInterval >= TimeSpan.FromSeconds(1), "PersonalData:RetentionInterval must be at least a second.")
            .ValidateOnStart();

        // One key ring for everything Data Protection guards (personal data, the console's cookies),
        // kept with the data rather than in the user profile, so a restart or a second node reads it.
        builder.Services.AddDataProtection().SetApplicationName("CivicGrid");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IOptions<PersonalDataOptions>, IOptions<Common.ServerOptions>>((o, personal, server) =>
            {
                var path = string.IsNullOrWhiteSpace(personal.Value.KeyRingPath)
                    ? Path.Combine(server.Value.EnsureDataDir(), "keys", "data-protection")
                    : personal.Value.KeyRingPath;
                o.XmlRepository = new Microsoft.AspNetCore.DataProtection.Repositories.FileSystemXmlRepository(
                    Directory.CreateDirectory(path), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            });
        builder.Services.AddSingleton<IPersonalDataCipher, DataProtectionPersonalDataCipher>();
        builder.Services.AddSingleton<IPersonalDataReadObserver, RiskSignalingPersonalDataReadObserver>();
        builder.Services.AddHostedService<RetentionJob>();
        return builder;
    }

    public static IEndpointRouteBuilder MapPersonalData(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/cases/{id}/reporter/reveal", RevealReporter.HandleAsync).WithName("RevealReporter")
            .RequirePermission(Permission.PersonalDataReveal).WithTags("Personal data").WithMetadata(Common.NotReplayed.Instance)
            .WithSummary("Show a case's reporter in full (operators, supervisors, admins); writes an audit entry.")
            .Produces<ReporterDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/api/v1/personal-data/export", ExportCitizenData.HandleAsync).WithName("ExportCitizenData")
            .RequirePermission(Permission.PersonalDataReveal).WithTags("Personal data").WithMetadata(Common.NotReplayed.Instance)
            .WithSummary("Everything stored about one citizen, found by phone number (a data subject's request); writes an audit entry.")
            .Produces<CitizenDataDto>().ProducesValidationProblem();
        return app;
    }
}
