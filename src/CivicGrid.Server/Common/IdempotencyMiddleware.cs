using System.Security.Cryptography;
using CivicGrid.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Common;

/// <summary>
/// Makes POSTs under /api safe to retry: the first request with an <c>Idempotency-Key</c> claims
/// the key in the database before it runs; a retry with the same body gets the first answer
/// replayed, a retry with a different body gets 422, and one that arrives while the first is still
/// running gets 409. Works across server nodes because the claim is a primary-key insert.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string HeaderName = "Idempotency-Key";
    private const int MaxBufferedBody = 1 << 20;

    public async Task InvokeAsync(HttpContext http, CivicGridDbContext db, TimeProvider clock)
    {
        var key = http.Request.Headers[HeaderName].ToString();
        if (!HttpMethods.IsPost(http.Request.Method) || string.IsNullOrEmpty(key)
            || !http.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
            || http.GetEndpoint()?.Metadata.GetMetadata<NotReplayed>() is not null)
        {
            await next(http);
            return;
        }

        if (key.Length > 100)
        {
            await WriteProblemAsync(http, 400, "The Idempotency-Key header is longer than 100 characters.");
            return;
        }

        var ct = http.RequestAborted;
        http.Request.EnableBuffering(MaxBufferedBody);
        var hash = await HashRequestAsync(http.Request, ct);
        var caller = http.User.Identity?.IsAuthenticated == true ? http.User.ToActor().UserId.ToString("N") : "anonymous";
        var scopedKey = $"{caller}:{key}";

        var existing = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Key == scopedKey, ct);
        if (existing is not null)
        {
            await ReplayAsync(http, existing, hash);
            return;
        }

        var claim = new IdempotencyRecord { Key = scopedKey, RequestHash = hash, StatusCode = 0, ResponseBody = string.Empty, CreatedAt = clock.GetUtcNow() };
        db.IdempotencyRecords.Add(claim);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            existing = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Key == scopedKey, ct);
            if (existing is not null)
            {
                await ReplayAsync(http, existing, hash);
                return;
            }

            throw;
        }

        db.ChangeTracker.Clear();
        var originalBody = http.Response.Body;
        await using var captured = new MemoryStream();
        http.Response.Body = captured;
        try
        {
            await next(http);
        }
        finally
        {
            http.Response.Body = originalBody;
        }

        captured.Position = 0;
        var body = await new StreamReader(captured).ReadToEndAsync(ct);
        db.ChangeTracker.Clear();
        if (http.Response.StatusCode >= 500)
        {
            // A failure is not an answer to remember: release the key so a retry runs again.
            await db.IdempotencyRecords.Where(r => r.Key == scopedKey).ExecuteDeleteAsync(CancellationToken.None);
        }
        else
        {
            var location = http.Response.Headers.Location.ToString();
            await db.IdempotencyRecords.Where(r => r.Key == scopedKey).ExecuteDeleteAsync(CancellationToken.None);
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                Key = scopedKey,
                RequestHash = hash,
                StatusCode = http.Response.StatusCode,
                Location = string.IsNullOrEmpty(location) ? null : location,
                ResponseBody = body,
                CreatedAt = claim.CreatedAt,
            });
            await db.SaveChangesAsync(CancellationToken.None);
        }

        captured.Position = 0;
        await captured.CopyToAsync(originalBody, ct);
    }

    private static async Task ReplayAsync(HttpContext http, IdempotencyRecord existing, string hash)
    {
        if (!string.Equals(existing.RequestHash, hash, StringComparison.Ordinal))
        {
            await WriteProblemAsync(http, 422, "This Idempotency-Key was already used with a different request body.");
            return;
        }

        if (existing.StatusCode == 0)
        {
            await WriteProblemAsync(http, 409, "A request with this Idempotency-Key is still being processed.");
            return;
        }

        http.Response.StatusCode = existing.StatusCode;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (existing.Location is { } location)
        {
            http.Response.Headers.Location = location;
        }

        http.Response.ContentType = existing.StatusCode is >= 400 ? "application/problem+json" : "application/json; charset=utf-8";
        await http.Response.WriteAsync(existing.ResponseBody, http.RequestAborted);
    }

    private static async Task<string> HashRequestAsync(HttpRequest request, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            sha.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private static Task WriteProblemAsync(HttpContext http, int status, string detail)
    {
        var problem = ProblemDetailsExceptionHandler.Validation(HeaderName, detail);
        problem.Status = status;
        problem.Title = status switch { 409 => "Conflict", 422 => "Idempotency-Key reused", _ => "Invalid request" };
        return Results.Problem(problem).ExecuteAsync(http);
    }
}

/// <summary>
/// Marks a POST whose answer must not be stored for replay (it carries personal data in full);
/// such a POST changes nothing, so a retry simply runs again.
/// </summary>
internal sealed class NotReplayed
{
    public static readonly NotReplayed Instance = new();
}
