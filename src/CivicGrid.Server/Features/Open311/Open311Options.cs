namespace CivicGrid.Server.Features.Open311;

/// <summary>Open311 GeoReport v2 settings (section <c>Open311</c>).</summary>
public sealed class Open311Options
{
    public const string SectionName = "Open311";

    /// <summary>
    /// This endpoint's jurisdiction (by convention the city's web domain). Clients may omit
    /// <c>jurisdiction_id</c>; one that names another jurisdiction gets 404.
    /// </summary>
    public string JurisdictionId { get; set; } = "civicgrid.local";

    /// <summary>The discovery document's <c>contact</c>.</summary>
    public string Contact { get; set; } = "数字化城市管理监督指挥中心 / City supervision and command centre: 12345";

    /// <summary>The discovery document's <c>key_service</c>: how to get an api_key.</summary>
    public string KeyService { get; set; } = "API keys are issued by the platform administrator (POST /api/v1/api-clients).";

    /// <summary>The discovery document's and endpoint's <c>changeset</c>: when this API last changed.</summary>
    public string Changeset { get; set; } = "2026-03-01T00:00:00+08:00";

    /// <summary><c>production</c> or <c>test</c>, as discovery reports it.</summary>
    public string EndpointType { get; set; } = "production";

    /// <summary>
    /// The public base URL (scheme, host, path base) clients reach this server at, for absolute
    /// <c>media_url</c>s and discovery; null takes it from each request.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Whether a reporter who gave an <c>email</c> to an Open311 app is told of the case's progress
    /// by e-mail from the city (filed, dispatched, fixed, closed, rejected). Turn off when the
    /// connected apps tell their users themselves (they read <c>servicerequestupdates</c>).
    /// </summary>
    public bool NotifyReporters { get; set; } = true;
}

/// <summary>The language of names and notes: Chinese by default, English on request.</summary>
internal static class Open311Locale
{
    /// <summary>English when <c>locale</c> starts with "en", or, without it, when Accept-Language prefers English.</summary>
    public static bool IsEnglish(HttpRequest request)
    {
        var locale = request.Query["locale"].ToString();
        if (!string.IsNullOrWhiteSpace(locale))
        {
            return locale.Trim().StartsWith("en", StringComparison.OrdinalIgnoreCase);
        }

        var header = request.GetTypedHeaders().AcceptLanguage;
        var preferred = header.OrderByDescending(l => l.Quality ?? 1).FirstOrDefault();
        return preferred is not null && preferred.Value.Value?.StartsWith("en", StringComparison.OrdinalIgnoreCase) == true;
    }

    /// <summary>The base URL of the Open311 endpoint, e.g. <c>https://city.example/open311/v2</c>.</summary>
    public static string BaseUrl(HttpRequest request, Open311Options options)
    {
        var root = string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            ? $"{request.Scheme}://{request.Host}{request.PathBase}"
            : options.PublicBaseUrl.TrimEnd('/');
        return root + Open311Feature.BasePath;
    }
}
