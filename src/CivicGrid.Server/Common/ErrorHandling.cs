using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using CivicGrid.Infrastructure.Persistence;

namespace CivicGrid.Server.Common;

/// <summary>The ETag sent with a request does not match the resource any more (412).</summary>
internal sealed class PreconditionFailedException(string message) : Exception(message);

/// <summary>A conflict that is not a workflow transition: a duplicate key, an Idempotency-Key in flight (409).</summary>
internal sealed class ConflictException(string message) : Exception(message);

/// <summary>
/// The one place that turns exceptions into RFC 9457 ProblemDetails: expected failures get a 4xx
/// that names the problem; only the unexpected is a 500.
/// </summary>
internal sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = exception switch
        {
            DomainValidationException v => Validation(v.Field, v.Message),
            BadHttpRequestException b => BadRequest(b),
            NotFoundException n => new ProblemDetails { Status = 404, Title = "Not found", Detail = n.Message },
            InvalidCaseTransitionException t => Transition(t),
            CaseActionForbiddenException f => new ProblemDetails { Status = 403, Title = "Forbidden", Detail = f.Message },
            PreconditionFailedException p => new ProblemDetails { Status = 412, Title = "Precondition failed", Detail = p.Message },
            _ when DbErrors.IsConflict(exception) => new ProblemDetails { Status = 409, Title = "Conflict", Detail = "The resource was changed by someone else; reload it and try again." },
            ConflictException c => new ProblemDetails { Status = 409, Title = "Conflict", Detail = c.Message },
            _ => new ProblemDetails { Status = 500, Title = "Internal error", Detail = "An unexpected error occurred; it has been logged." },
        };
        if (problem.Status == 500)
        {
            LogUnexpected(logger, exception, http.Request.Path);
        }

        http.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>A 400 that names the field, in the shape of ValidationProblemDetails.</summary>
    public static HttpValidationProblemDetails Validation(string field, string message) =>
        new(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] })
        {
            Status = 400,
            Title = "Invalid request",
            Detail = message,
        };

    private static HttpValidationProblemDetails BadRequest(BadHttpRequestException b)
    {
        var inner = b.InnerException?.Message;
        var field = b.InnerException is System.Text.Json.JsonException j ? JsonField(j.Path)
            : BindingFailure().Match(b.Message) is { Success: true } m ? m.Groups["name"].Value
            : "body";
        var problem = Validation(field, inner ?? b.Message);
        problem.Status = b.StatusCode;
        problem.Title = b.StatusCode == 413 ? "Request too large" : "Malformed request";
        return problem;
    }

    /// <summary>ASP.NET Core's message for a query or route value that does not parse: <c>Failed to bind parameter "double? lon" from "abc".</c></summary>
    [System.Text.RegularExpressions.GeneratedRegex("""^(?:Failed to bind|Required) parameter "[^"]* (?<name>[A-Za-z_][A-Za-z0-9_]*)" """, System.Text.RegularExpressions.RegexOptions.CultureInvariant, 100)]
    private static partial System.Text.RegularExpressions.Regex BindingFailure();

    private static string JsonField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');

    private static ProblemDetails Transition(InvalidCaseTransitionException t)
    {
        var problem = new ProblemDetails { Status = 409, Title = "Action not allowed now", Detail = t.Message };
        problem.Extensions["caseStatus"] = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(t.Status.ToString());
        problem.Extensions["allowedActions"] = t.Allowed.Select(CaseActions.ToApiName).ToArray();
        return problem;
    }

    [LoggerMessage(EventId = 900, Level = LogLevel.Error, Message = "Unhandled error on {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string path);
}
