namespace CivicGrid.Domain.Common;

/// <summary>A rule of the domain was broken by the input; maps to 400 with the field named.</summary>
public sealed class DomainValidationException : Exception
{
    public DomainValidationException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    public DomainValidationException()
        : this("request", "Invalid request.")
    {
    }

    public DomainValidationException(string message)
        : this("request", message)
    {
    }

    public DomainValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "request";
    }

    /// <summary>The request field at fault, in camelCase as the API names it.</summary>
    public string Field { get; } = "request";
}

/// <summary>A referenced thing does not exist; maps to 404 (or 400 when it is a field of the body).</summary>
public sealed class NotFoundException : Exception
{
    public NotFoundException(string what, string key)
        : base($"{what} '{key}' was not found.")
    {
        What = what;
        Key = key;
    }

    public NotFoundException()
        : this("resource", string.Empty)
    {
    }

    public NotFoundException(string message)
        : base(message)
    {
    }

    public NotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string What { get; } = "resource";

    public string Key { get; } = string.Empty;
}
