using CivicGrid.Server.Features.Security;
using CivicGrid.Infrastructure.Persistence;
using CivicGrid.Server.Features.Cases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Open311;

/// <summary>
/// Open311 GeoReport v2 under <c>/open311/v2</c>, in XML and JSON by extension, with the
/// extensions real clients use (FixMyStreet's servicerequestupdates, extensions=true, paging,
/// updated_after/before), and the admin endpoints that issue API keys.
/// </summary>
public static class Open311Feature
{
    public const string BasePath = "/open311/v2";

    public static IHostApplicationBuilder AddOpen311(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<Open311Options>().BindConfiguration(Open311Options.SectionName)
            .Validate(o => !string.IsNullOrWhiteSpace(o.JurisdictionId), "Open311:JurisdictionId must not be empty.")
            .Validate(o => o.EndpointType is "production" or "test", "Open311:EndpointType is production or test.")
            .Validate(o => o.PublicBaseUrl is null || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out _), "Open311:PublicBaseUrl must be an absolute URL.")
            .ValidateOnStart();
        builder.Services.AddScoped<DemoApiClient>();
        builder.Services.AddHostedService<DemoApiClientStartup>();
        return builder;
    }

    public static IEndpointRouteBuilder MapOpen311(this IEndpointRouteBuilder app)
    {
        app.MapApiClients();

        // Public GETs, api_key-checked POSTs: anonymous to ASP.NET Core, the key is checked by the handlers.
        var v2 = app.MapGroup(BasePath).AllowAnonymous().ExcludeFromDescription().AddEndpointFilter(Open311ErrorFilter.InvokeAsync);
        v2.MapGet("/discovery.{format}", Discovery);
        v2.MapGet("/services.{format}", ServicesAsync);
        v2.MapGet("/services/{code}.{format}", DefinitionAsync);
        v2.MapPost("/requests.{format}", PostRequest.HandleAsync).DisableAntiforgery().RequireRateLimiting(Security.RateLimits.Open311Submit)
            .WithRequestBodyLimit(Cases.AttachmentOptions.MaxRequestBytes);
        v2.MapGet("/requests.{format}", GetRequests.ListAsync);
        v2.MapGet("/requests/{id}.{format}", GetRequests.OneAsync);
        v2.MapGet("/tokens/{token}.{format}", TokenAsync);
        v2.MapGet("/servicerequestupdates.{format}", ServiceRequestUpdates.ListAsync);
        v2.MapPost("/servicerequestupdates.{format}", ServiceRequestUpdates.PostAsync).DisableAntiforgery().RequireRateLimiting(Security.RateLimits.Open311Submit);
        v2.MapGet("/media/{id}", MediaAsync);
        return app;
    }

    /// <summary>This endpoint serves one jurisdiction: jurisdiction_id may be omitted; another one is 404.</summary>
    internal static void CheckJurisdiction(Open311Parameters p, Open311Options options)
    {
        var given = p.Get("jurisdiction_id");
        if (given is not null && !string.Equals(given, options.JurisdictionId, StringComparison.OrdinalIgnoreCase))
        {
            throw Open311Exception.NotFound($"jurisdiction_id '{given}' is not served here (this endpoint serves '{options.JurisdictionId}').");
        }
    }

    private static Open311Result Discovery(string format, HttpContext http, IOptions<Open311Options> options)
    {
        var fmt = Open311Writer.Parse(format);
        var o = options.Value;
        return new Open311Result(new O311Reply("discovery", new O311Object
        {
            { "changeset", o.Changeset },
            { "contact", o.Contact },
            { "key_service", o.KeyService },
            {
                "endpoints", new O311List("endpoint",
                [
                    new O311Object
                    {
                        { "specification", "http://wiki.open311.org/GeoReport_v2" },
                        { "url", Open311Locale.BaseUrl(http.Request, o) },
                        { "changeset", o.Changeset },
                        { "type", o.EndpointType },
                        { "formats", new O311List("format", ["text/xml", "application/json"]) },
                    },
                ])
            },
        }), fmt);
    }

    private static async Task<IResult> ServicesAsync(string format, HttpContext http, CivicGridDbContext db, IOptions<Open311Options> options, CancellationToken ct)
    {
        var fmt = Open311Writer.Parse(format);
        CheckJurisdiction(await Open311Parameters.ReadAsync(http.Request, withBody: false, ct), options.Value);
        var services = await ServiceCatalog.ServicesAsync(db, ct);
        return new Open311Result(ServiceCatalog.ServiceList(services, Open311Locale.IsEnglish(http.Request)), fmt);
    }

    private static async Task<IResult> DefinitionAsync(string format, string code, HttpContext http, CivicGridDbContext db, IOptions<Open311Options> options, CancellationToken ct)
    {
        var fmt = Open311Writer.Parse(format);
        CheckJurisdiction(await Open311Parameters.ReadAsync(http.Request, withBody: false, ct), options.Value);
        var category = await ServiceCatalog.ServiceAsync(db, code, ct);
        return new Open311Result(ServiceCatalog.Definition(category, Open311Locale.IsEnglish(http.Request)), fmt);
    }

    /// <summary>
    /// Every service is realtime: POST requests creates the case at once and answers with its
    /// service_request_id, so no token is ever issued and every token is unknown (404, as the spec
    /// says for an unknown token).
    /// </summary>
    private static async Task<IResult> TokenAsync(string format, string token, HttpContext http, IOptions<Open311Options> options, CancellationToken ct)
    {
        CheckJurisdiction(await Open311Parameters.ReadAsync(http.Request, withBody: false, ct), options.Value);
        throw Open311Exception.NotFound($"Token '{token}' was not found: this endpoint's services are realtime and POST requests answers with service_request_id, so no tokens are issued.");
    }

    /// <summary>A photo uploaded through Open311 (with a request or an update); nothing else is served here.</summary>
    private static async Task<IResult> MediaAsync(string id, HttpContext http, CivicGridDbContext db, AttachmentStore store, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var attachmentId)
            || !(await db.Set<Open311Submission>().AnyAsync(s => s.MediaAttachmentId == attachmentId, ct)
                 || await db.Set<Open311Update>().AnyAsync(u => u.MediaAttachmentId == attachmentId, ct)))
        {
            throw Open311Exception.NotFound($"Media '{id}' was not found.");
        }

        var attachment = await db.CaseAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId, ct)
            ?? throw Open311Exception.NotFound($"Media '{id}' was not found.");
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "public, max-age=86400";
        return Results.Stream(store.Open(attachment.StorageKey), attachment.ContentType, attachment.FileName);
    }
}
