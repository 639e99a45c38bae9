using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using CivicGrid.Server.Features.WebConsole.Components;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
using MudBlazor.Services;
using CivicGrid.Server.Features.Security;
using CivicGrid.Domain.Identity;

// The folder is Features/Console, but a namespace named Console would hide System.Console from
// every other Features.* namespace, so the console's namespace is WebConsole.
namespace CivicGrid.Server.Features.WebConsole;

/// <summary>
/// The web console for centre staff: a Blazor Web App (static server rendering for the sign-in
/// page, interactive server rendering for the console) with MudBlazor and Leaflet, served by
/// the same host as the APIs and calling the same use cases.
/// </summary>
public static class ConsoleFeature
{
    /// <summary>The cookie that keeps the chosen UI language.</summary>
    public const string LanguageCookie = "civicgrid.lang";

    public const string LoginPath = "/login";
    public const string LogoutPath = "/logout";
    public const string AccessDeniedPath = "/access-denied";
    public const string LanguagePath = "/language";

    private const string DisableRuntimeAssetFallback = "DisableStaticAssetNotFoundRuntimeFallback";

    public static IHostApplicationBuilder AddConsole(this IHostApplicationBuilder builder)
    {
        // Serve static web assets (MudBlazor, Blazor's script, wwwroot) from the build output in
        // every environment, not only in Development; a published app has them in wwwroot.
        if (builder is WebApplicationBuilder web)
        {
            web.WebHost.UseStaticWebAssets();
        }

        // Every console asset is in the build manifest; in Development, ASP.NET Core would also add a
        // catch-all endpoint serving any other file of wwwroot, which no one needs (and no policy guards).
        if (builder.Configuration[DisableRuntimeAssetFallback] is null)
        {
            builder.Configuration.AddInMemoryCollection([new KeyValuePair<string, string?>(DisableRuntimeAssetFallback, "true")]);
        }

        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.SectionName)
            .Validate(o => o.HasValidTileUrl(), "Console:TileUrl must be empty or an absolute http(s) URL template.")
            .Validate(o => o.MaxMapCases is >= 0 and <= 20000, "Console:MaxMapCases must be between 0 and 20000.")
            .ValidateOnStart();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // Chinese pages as characters, not numeric entities (markup characters are still encoded).
        builder.Services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<ConsoleData>();
        builder.Services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o => o.AccessDeniedPath = AccessDeniedPath);
        return builder;
    }

    /// <summary>
    /// The console's middleware, after authentication and authorization: the UI language from
    /// its cookie (not for the APIs, whose texts stay as they are) and antiforgery for its forms.
    /// </summary>
    public static IApplicationBuilder UseConsole(this IApplicationBuilder app)
    {
        var localization = new RequestLocalizationOptions()
            .SetDefaultCulture(ConsoleText.Cultures[0])
            .AddSupportedCultures([.. ConsoleText.Cultures])
            .AddSupportedUICultures([.. ConsoleText.Cultures]);
        localization.RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = LanguageCookie }];
        app.UseWhen(http => !http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal), branch => branch.UseRequestLocalization(localization));
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets().AllowAnonymous();

        // Every console page needs a staff member; the sign-in and error pages say [AllowAnonymous].
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequirePermission(Permission.ConsoleUse);

        app.MapPost(LogoutPath, async (HttpContext http) =>
        {
            // The middleware checks the token (the metadata below asks it to); refuse when it failed.
            if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
            {
                return Results.Problem(statusCode: 400, title: "Invalid request", detail: "The form's antiforgery token is missing or invalid; reload the page.");
            }

            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect(LoginPath);
        }).AllowAnonymous().WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();

        app.MapGet(LanguagePath, (string? culture, string? returnUrl, HttpContext http) =>
        {
            var chosen = ConsoleText.Cultures.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase)) ?? ConsoleText.Cultures[0];
            http.Response.Cookies.Append(
                LanguageCookie,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(CultureInfo.GetCultureInfo(chosen))),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/" });
            return Results.LocalRedirect(LocalUrl.OrHome(returnUrl));
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}

/// <summary>Redirect targets are local paths only (no open redirects).</summary>
public static class LocalUrl
{
    /// <summary>True for <c>/path?query</c>; false for absolute URLs, <c>//host</c>, <c>/\host</c> and control characters.</summary>
    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);

    /// <summary>The URL when it is local, otherwise the overview.</summary>
    public static string OrHome(string? url) => IsLocal(url) ? url! : "/";
}
