using System.Text.RegularExpressions;
using CivicGrid.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CivicGrid.E2E.Tests.Features.Console;

/// <summary>Password sign-in to the console (cookie), sign-out, and who may see the console.</summary>
public sealed partial class SignInTests(ConsoleApp app) : ConsoleTest(app)
{
    [Fact]
    public async Task SignIn_WrongPassword_ShowsTheError_AndStaysSignedOut()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/login");

        await page.Locator("#username").FillAsync("operator");
        await page.Locator("#password").FillAsync("not-the-password");
        await page.GetByTestId("login-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("login-error")).ToHaveTextAsync("用户名或密码错误。");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await page.Locator("#password").InputValueAsync());
        var cookies = await page.Context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Name == "civicgrid.auth");
    }

    [Fact]
    public async Task ConsolePage_SignedOut_RedirectsToSignIn_AndBackAfterwards()
    {
        var page = await NewPageAsync();

        await page.GotoAsync("/cases");

        Assert.Matches(LoginWithReturnUrl(), page.Url);
        await page.Locator("#username").FillAsync("dispatcher");
        await page.Locator("#password").FillAsync(E2EDistrict.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/cases", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("案卷列表");
        await Assertions.Expect(page.GetByTestId("current-user")).ToContainTextAsync("派遣员 李强");
        await Assertions.Expect(page.GetByTestId("current-user")).ToContainTextAsync("派遣员");
    }

    [Fact]
    public async Task SignIn_WithForeignReturnUrl_LandsOnTheOverview()
    {
        var page = await NewPageAsync();

        await SignInAsync(page, "operator", "https://example.org/phish");

        Assert.Equal(App.BaseUrl + "/", page.Url);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("城市运行总览");
    }

    [Fact]
    public async Task SignOut_EndsTheSession()
    {
        var page = await SignedInAsync("supervisor");

        await SignOutAsync(page);
        await page.GotoAsync("/");

        Assert.Matches(LoginWithReturnUrl(), page.Url);
    }

    [Fact]
    public async Task SignIn_AsCitizen_IsRefused()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/login");

        await page.Locator("#username").FillAsync("citizen");
        await page.Locator("#password").FillAsync(E2EDistrict.Password);
        await page.GetByTestId("login-submit").ClickAsync();

        await Assertions.Expect(page.GetByTestId("login-error")).ToContainTextAsync("不是指挥中心工作人员账号");
    }

    [Fact]
    public async Task Api_WithoutSignIn_StillAnswers401ProblemDetails()
    {
        var page = await NewPageAsync();

        var response = await page.APIRequest.GetAsync("/api/v1/cases");

        Assert.Equal(401, response.Status);
        Assert.StartsWith("application/problem+json", response.Headers["content-type"], StringComparison.Ordinal);
    }

    [GeneratedRegex(@"/login\?ReturnUrl=%2F")]
    private static partial Regex LoginWithReturnUrl();
}
