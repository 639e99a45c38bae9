namespace CivicGrid.Domain.Identity;

/// <summary>
/// What a password must be (NIST SP 800-63B style: length and a deny-list rather than
/// composition rules): 10–128 characters, not the username, not containing it, not one
/// character repeated, and not on the embedded list of common passwords.
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 10;
    public const int MaxLength = 128;

    private const string ResourceName = "CivicGrid.Domain.Identity.common-passwords.txt";
    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    /// <summary>Why the password is refused, or null when it is acceptable.</summary>
    public static string? Check(string? password, string? userName)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinLength)
        {
            return $"A password has at least {MinLength} characters.";
        }

        if (password.Length > MaxLength)
        {
            return $"A password has at most {MaxLength} characters.";
        }

        var name = userName?.Trim() ?? string.Empty;
        if (name.Length >= 3 && password.Contains(name, StringComparison.OrdinalIgnoreCase))
        {
            return "A password must not contain the username.";
        }

        if (password.All(ch => ch == password[0]))
        {
            return "A password must not be one character repeated.";
        }

        if (IsCommon(password))
        {
            return "This password is too common; choose another.";
        }

        return null;
    }

    /// <summary>True when the password is on the embedded deny-list.</summary>
    public static bool IsCommon(string password) => Common.Value.Contains(password);

    private static HashSet<string> LoadCommon()
    {
        using var stream = typeof(PasswordPolicy).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            line = line.Trim();
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                set.Add(line);
            }
        }

        return set;
    }
}
