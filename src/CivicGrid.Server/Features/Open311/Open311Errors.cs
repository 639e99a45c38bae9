using CivicGrid.Domain.Common;

namespace CivicGrid.Server.Features.Open311;

/// <summary>One entry of an Open311 error reply.</summary>
internal sealed record Open311Error(int Code, string Description);

/// <summary>
/// An expected failure of an Open311 call, answered in the spec's shape: 400 for a missing or invalid
/// parameter (named in the description), 403 for the api_key, 404 for an unknown service, request,
/// token or jurisdiction. Several errors may travel together.
/// </summary>
internal sealed class Open311Exception : Exception
{
    public Open311Exception(int status, string description)
        : this(status, [new Open311Error(status, description)])
    {
    }

    public Open311Exception(int status, IReadOnlyList<Open311Error> errors)
        : base(string.Join("; ", errors.Select(e => e.Description)))
    {
        Status = status;
        Errors = errors;
    }

    public Open311Exception()
        : this(400, "Bad request.")
    {
    }

    public Open311Exception(string message)
        : this(400, message)
    {
    }

    public Open311Exception(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = 400;
        Errors = [new Open311Error(400, message)];
    }

    public int Status { get; }

    public IReadOnlyList<Open311Error> Errors { get; }

    public static Open311Exception BadRequest(string description) => new(400, description);

    public static Open311Exception NotFound(string description) => new(404, description);

    public static Open311Exception Forbidden(string description) => new(403, description);
}

/// <summary>
/// Turns every expected failure inside the Open311 endpoints into an error reply in the format the
/// path asked for (XML when the extension is unknown, XML being the mandatory format).
/// </summary>
internal static partial class Open311ErrorFilter
{
    public static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var extension = http.Request.RouteValues["format"] as string;
        if (extension is not null && !Open311Writer.TryParse(extension, out _))
        {
            return ErrorResult(Open311Format.Xml, 404, [new Open311Error(404, $"Unknown format '.{extension}': use .xml or .json.")]);
        }

        var format = Open311Writer.Parse(extension);
        try
        {
            return await next(context);
        }
        catch (Open311Exception e)
        {
            return ErrorResult(format, e.Status, e.Errors);
        }
        catch (DomainValidationException e)
        {
            return ErrorResult(format, 400, [new Open311Error(400, $"{e.Field}: {e.Message}")]);
        }
        catch (NotFoundException e)
        {
            return ErrorResult(format, 404, [new Open311Error(404, e.Message)]);
        }
        catch (BadHttpRequestException e)
        {
            return ErrorResult(format, 400, [new Open311Error(400, "Malformed request: " + e.Message)]);
        }
        catch (InvalidDataException e)
        {
            // Thrown by the form reader for a multipart body over its limits or out of shape.
            return ErrorResult(format, 400, [new Open311Error(400, "Malformed request body: " + e.Message)]);
        }
    }

    public static Open311Result ErrorResult(Open311Format format, int status, IReadOnlyList<Open311Error> errors)
    {
        var items = errors.Select(e => (object?)new O311Object { { "code", e.Code }, { "description", e.Description } }).ToList();
        return new Open311Result(new O311Reply("errors", new O311List("error", items)), format, status);
    }
}
