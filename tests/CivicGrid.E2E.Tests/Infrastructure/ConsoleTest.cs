using Microsoft.Playwright;

namespace CivicGrid.E2E.Tests.Infrastructure;

/// <summary>Helpers shared by the browser tests: contexts, sign-in, waiting for the console.</summary>
[Collection(ConsoleCollection.Name)]
public abstract class ConsoleTest : IAsyncDisposable
{
    private readonly List<IBrowserContext> _contexts = [];

    protected ConsoleTest(ConsoleApp app)
    {
        App = app;
        E2EPrerequisites.SkipIfMissing(app.Unavailable);
    }

    protected ConsoleApp App { get; }

    protected E2EDistrict District => App.District;

    /// <summary>A new page in its own browser context (nobody signed in).</summary>
    protected async Task<IPage> NewPageAsync()
    {
        var context = await App.NewContextAsync();
        _contexts.Add(context);
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in on the sign-in page and waits for the console to show.</summary>
    protected static async Task SignInAsync(IPage page, string userName, string returnUrl = "/")
    {
        await page.GotoAsync($"/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.Locator("#username").FillAsync(userName);
        await page.Locator("#password").FillAsync(E2EDistrict.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        await ConsoleReadyAsync(page);
    }

    /// <summary>A new page signed in as the user.</summary>
    protected async Task<IPage> SignedInAsync(string userName, string returnUrl = "/")
    {
        var page = await NewPageAsync();
        await SignInAsync(page, userName, returnUrl);
        return page;
    }

    /// <summary>Signs out with the top bar's button.</summary>
    protected static async Task SignOutAsync(IPage page)
    {
        await page.GetByTestId("logout").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
    }

    /// <summary>Waits until the interactive console rendered its page heading (the circuit is up).</summary>
    protected static Task ConsoleReadyAsync(IPage page) =>
        page.Locator("h1").First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

    /// <summary>Opens a case's page and waits for it.</summary>
    protected static async Task OpenCaseAsync(IPage page, Server.Features.Cases.CaseDto c)
    {
        await page.GotoAsync($"/cases/{c.Id}");
        await page.GetByTestId("case-status").WaitForAsync();
    }

    /// <summary>Clicks an action button, fills nothing, confirms; waits for the form to close.</summary>
    protected static async Task PerformAsync(IPage page, string action, Func<ILocator, Task>? fill = null)
    {
        await page.Locator($"[data-testid=case-actions] [data-action={action}]").ClickAsync();
        var form = page.GetByTestId("action-form");
        await form.WaitForAsync();
        if (fill is not null)
        {
            await fill(form);
        }

        await page.GetByTestId("action-confirm").ClickAsync();
        await form.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
