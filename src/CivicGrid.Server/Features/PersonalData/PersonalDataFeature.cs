using CivicGrid.Domain.Identity;
using CivicGrid.Infrastructure.Privacy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.PersonalData;

/// <summary>
/// 个人信息保护: reporters' personal data encrypted at rest, masked in ordinary reads, revealed in
/// full only to <see cref="RevealRoles"/> through an audited call, erased after the retention
/// period, and exported for one citizen on request.
/// </summary>
public static class PersonalDataFeature
{
    /// <summary>The policy of the reveal and export endpoints.</summary>
    public const string RevealPolicy = "personal-data";

    /// <summary>
    /// The one rule: operators (who answer and call back reporters), supervisors (who handle
    /// complaints) and administrators may see reporters' personal data in full; nobody else.
    /// </summary>
    public static IReadOnlyList<Role> RevealRoles { get; } = [Role.Operator, Role.Supervisor, Role.Admin];

    public static bool MayReveal(Role role) => RevealRoles.Contains(role);

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
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(RevealPolicy, p => p.RequireAuthenticatedUser().RequireRole([.. RevealRoles.Select(r => r.ToString())]));
        return builder;
    }

    public static IEndpointRouteBuilder MapPersonalData(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/cases/{id}/reporter/reveal", RevealReporter.HandleAsync).WithName("RevealReporter")
            .RequireAuthorization(RevealPolicy).WithTags("Personal data").WithMetadata(Common.NotReplayed.Instance)
            .WithSummary("Show a case's reporter in full (operators, supervisors, admins); writes an audit entry.")
            .Produces<ReporterDto>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/api/v1/personal-data/export", ExportCitizenData.HandleAsync).WithName("ExportCitizenData")
            .RequireAuthorization(RevealPolicy).WithTags("Personal data").WithMetadata(Common.NotReplayed.Instance)
            .WithSummary("Everything stored about one citizen, found by phone number (a data subject's request); writes an audit entry.")
            .Produces<CitizenDataDto>().ProducesValidationProblem();
        return app;
    }
}
