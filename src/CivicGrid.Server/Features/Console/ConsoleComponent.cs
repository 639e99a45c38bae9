using CivicGrid.Domain.Identity;
using CivicGrid.Server.Common;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CivicGrid.Server.Features.WebConsole;

/// <summary>Base of the console's pages and parts: the texts of the user's language and the signed-in actor.</summary>
public abstract class ConsoleComponent : ComponentBase
{
    /// <summary>Texts in the language of the request that started the circuit (the language cookie).</summary>
    protected ConsoleText T { get; } = ConsoleText.Current;

    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>The signed-in user as the workflow sees them (same claims as the API's).</summary>
    protected async Task<Actor> ActorAsync()
    {
        var state = await (AuthenticationState ?? throw new InvalidOperationException("No authentication state is available."));
        return state.User.ToActor();
    }

    /// <summary>The signed-in user's account name.</summary>
    protected async Task<string> UserNameAsync()
    {
        var state = await (AuthenticationState ?? throw new InvalidOperationException("No authentication state is available."));
        return state.User.Identity?.Name ?? string.Empty;
    }
}
