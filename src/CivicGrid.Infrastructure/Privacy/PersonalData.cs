using CivicGrid.Domain.Cases;
using CivicGrid.Infrastructure.Persistence;

namespace CivicGrid.Infrastructure.Privacy;

/// <summary>What a piece of personal data is, which decides how it is masked.</summary>
public enum PersonalDataKind
{
    /// <summary>A person's name: 张* .</summary>
    Name,
    /// <summary>A phone number: 138****1234.</summary>
    Phone,
    /// <summary>An e-mail address: z***@example.com.</summary>
    Email,
    /// <summary>An app's account or device id: first character and stars.</summary>
    Identifier,
}

/// <summary>One stored field that holds personal data.</summary>
/// <param name="Entity">The entity type.</param>
/// <param name="Property">The property name.</param>
/// <param name="Kind">How it is masked.</param>
public sealed record PersonalDataField(Type Entity, string Property, PersonalDataKind Kind);

/// <summary>
/// The one list of stored personal data: these fields are encrypted at rest, masked in the audit
/// trail and in ordinary reads, erased by the retention job and included in a citizen's export.
/// </summary>
public static class PersonalDataFields
{
    /// <summary>Column length of an encrypted field (the ciphertext is longer than the text).</summary>
    public const int StoredLength = 1000;

    /// <summary>The shadow property holding the blind index (HMAC) of a case's (and a case reporter's) phone number.</summary>
    public const string CasePhoneIndex = "ReporterPhoneIndex";

    /// <summary>The shadow property holding the blind index of an Open311 update's phone number.</summary>
    public const string UpdatePhoneIndex = "PhoneIndex";

    public static IReadOnlyList<PersonalDataField> All { get; } =
    [
        new(typeof(Case), nameof(Case.ReporterName), PersonalDataKind.Name),
        new(typeof(Case), nameof(Case.ReporterPhone), PersonalDataKind.Phone),
        new(typeof(CaseReporter), nameof(CaseReporter.ReporterName), PersonalDataKind.Name),
        new(typeof(CaseReporter), nameof(CaseReporter.ReporterPhone), PersonalDataKind.Phone),
        new(typeof(CaseReporter), nameof(CaseReporter.ReporterEmail), PersonalDataKind.Email),
        new(typeof(CaseReporter), nameof(CaseReporter.ReporterWeChatOpenId), PersonalDataKind.Identifier),
        new(typeof(Open311Submission), nameof(Open311Submission.Email), PersonalDataKind.Email),
        new(typeof(Open311Submission), nameof(Open311Submission.DeviceId), PersonalDataKind.Identifier),
        new(typeof(Open311Submission), nameof(Open311Submission.AccountId), PersonalDataKind.Identifier),
        new(typeof(Open311Update), nameof(Open311Update.Email), PersonalDataKind.Email),
        new(typeof(Open311Update), nameof(Open311Update.Phone), PersonalDataKind.Phone),
        new(typeof(Open311Update), nameof(Open311Update.FirstName), PersonalDataKind.Name),
        new(typeof(Open311Update), nameof(Open311Update.LastName), PersonalDataKind.Name),
    ];

    /// <summary>The kind of a field, or null when it is not personal data.</summary>
    public static PersonalDataKind? KindOf(Type entity, string property)
    {
        foreach (var f in All)
        {
            if (f.Entity == entity && f.Property == property)
            {
                return f.Kind;
            }
        }

        return null;
    }
}

/// <summary>Masks personal data for lists and ordinary reads: enough to recognise, not enough to contact.</summary>
public static class PersonalDataMask
{
    public static string? Mask(PersonalDataKind kind, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        var text = value.Trim();
        return kind switch
        {
            PersonalDataKind.Phone => MaskPhone(text),
            PersonalDataKind.Email => MaskEmail(text),
            _ => Head(text, 1) + "*",
        };
    }

    private static string MaskPhone(string phone)
    {
        var digits = NormalizePhone(phone);
        if (digits.Length >= 7)
        {
            return digits[..3] + "****" + digits[^4..];
        }

        return digits.Length > 0 ? digits[..1] + "****" : "****";
    }

    private static string MaskEmail(string email)
    {
        var at = email.LastIndexOf('@');
        return at <= 0 ? Head(email, 1) + "***" : Head(email, 1) + "***" + email[at..];
    }

    // The first text element, so that a surrogate pair is never cut in half.
    private static string Head(string text, int elements) =>
        System.Globalization.StringInfo.GetNextTextElementLength(text) is var n && n > 0 && elements > 0 ? text[..n] : string.Empty;

    /// <summary>
    /// A phone number reduced to what identifies it: digits only, without the +86/0086 country
    /// prefix, so that 138-0013-8000 and +86 13800138000 are the same person.
    /// </summary>
    public static string NormalizePhone(string phone)
    {
        var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
        if (digits.StartsWith("0086", StringComparison.Ordinal))
        {
            digits = digits[4..];
        }
        else if (digits.Length == 13 && digits.StartsWith("86", StringComparison.Ordinal))
        {
            digits = digits[2..];
        }

        return digits;
    }
}
