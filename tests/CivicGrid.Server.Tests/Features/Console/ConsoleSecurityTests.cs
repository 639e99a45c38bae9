using System.Net;
using CivicGrid.Server.Features.WebConsole;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CivicGrid.Server.Tests.Features.Console;

/// <summary>The console's HTTP edges: redirects stay local, pages need a sign-in, the APIs keep answering 401.</summary>
[Collection(SqliteCollection.Name)]
public sealed class ConsoleSecurityTests(SqliteApp app)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/", true)]
    [InlineData("/cases?status=filed", true)]
    [InlineData("/cases/2026-000001", true)]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("cases", false)]
    [InlineData("//evil.example/", false)]
    [InlineData("/\\evil.example/", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("/\r\nSet-Cookie: x=1", false)]
    public void LocalUrl_AcceptsOnlyLocalPaths(string? url, bool local)
    {
        Assert.Equal(local, LocalUrl.IsLocal(url));
        Assert.Equal(local ? url : "/", LocalUrl.OrHome(url));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/cases")]
    [InlineData("/cases/new")]
    [InlineData("/intake-queue")]
    public async Task ConsolePage_SignedOut_RedirectsToTheSignInPage(string path)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/login?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task SignInPage_IsPublic_Chinese_AndCarriesAnAntiforgeryToken()
    {
        var client = app.CreateClient();

        var html = await client.GetStringAsync("/login", Ct);

        Assert.Contains("<html lang=\"zh-CN\"", html, StringComparison.Ordinal);
        Assert.Contains("监督指挥中心工作人员登录", html, StringComparison.Ordinal);
        Assert.Contains("__RequestVerificationToken", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_WithoutAntiforgeryToken_IsRefused()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.PostAsync("/logout", new FormUrlEncodedContent([]), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task LanguageSwitch_SetsTheCookie_AndNeverRedirectsAway()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/language?culture=en&returnUrl=%2F%2Fevil.example", Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(ConsoleFeature.LanguageCookie + "=c%3Den%7Cuic%3Den", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Api_SignedOut_StillAnswers401ProblemDetails_NotARedirect()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync("/api/v1/cases", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
