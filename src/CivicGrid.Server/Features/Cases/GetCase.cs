using System.Security.Claims;
using CivicGrid.Server.Common;

namespace CivicGrid.Server.Features.Cases;

/// <summary>One case with history, stages, attachments and the caller's allowed actions; ETag = version.</summary>
public static class GetCase
{
    public static async Task<IResult> HandleAsync(string id, ClaimsPrincipal user, CaseCommands commands, HttpContext http, CancellationToken ct)
    {
        var actor = user.ToActor();
        var @case = await commands.LoadForAsync(id, actor, tracking: false, ct);
        http.Response.Headers.ETag = ETags.For(@case.Version);
        return Results.Ok(await commands.ToDtoAsync(@case, actor, ct));
    }
}
