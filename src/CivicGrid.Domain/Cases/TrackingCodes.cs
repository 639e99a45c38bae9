using System.Security.Cryptography;

namespace CivicGrid.Domain.Cases;

/// <summary>
/// 查询码: the public handle of a case for the people who reported it. Twelve characters of
/// Crockford base32 (60 bits) drawn from a CSPRNG, so a code cannot be guessed or derived from
/// the case number; letters that read alike (I, L, O, U) are left out, and typed codes are
/// normalised (case, spaces, dashes, and the look-alikes mapped back).
/// </summary>
public static class TrackingCodes
{
    /// <summary>The characters of a code.</summary>
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>The length of a code.</summary>
    public const int Length = 12;

    /// <summary>A fresh random code.</summary>
    public static string New()
    {
        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>
    /// The code as stored, from what a person typed: upper case, separators dropped, O→0 and
    /// I/L→1. The result is returned whatever it looks like, so that a lookup of a malformed code
    /// takes the same path (and time) as one of an unknown code.
    /// </summary>
    public static string Normalize(string? typed)
    {
        if (string.IsNullOrEmpty(typed))
        {
            return string.Empty;
        }

        var buffer = new System.Text.StringBuilder(Math.Min(typed.Length, 64));
        foreach (var ch in typed)
        {
            if (buffer.Length == 64)
            {
                break;
            }

            var up = char.ToUpperInvariant(ch);
            switch (up)
            {
                case ' ' or '-' or '_':
                    continue;
                case 'O':
                    buffer.Append('0');
                    break;
                case 'I' or 'L':
                    buffer.Append('1');
                    break;
                default:
                    buffer.Append(up);
                    break;
            }
        }

        return buffer.ToString();
    }

    /// <summary>True when the text is a code in its stored form.</summary>
    public static bool IsWellFormed(string? code) =>
        code is { Length: Length } && code.All(ch => Alphabet.Contains(ch, StringComparison.Ordinal));
}
