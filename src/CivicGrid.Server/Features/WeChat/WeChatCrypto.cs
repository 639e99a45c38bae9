using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CivicGrid.Server.Features.WeChat;

/// <summary>
/// The WeChat official-account message protocol's cryptography: the SHA-1 signature over the
/// sorted token, timestamp, nonce (and, in safe mode, the encrypted message), and the optional
/// AES-256-CBC message encryption (key = the 43-character EncodingAESKey decoded from base64,
/// IV = its first 16 bytes; plaintext = 16 random bytes, the message length as a big-endian
/// 32-bit integer, the message, the AppId; PKCS#7 padding to 32-byte blocks).
/// </summary>
public static class WeChatCrypto
{
    private const int PadBlock = 32;

    /// <summary>Lower-case hex SHA-1 of the parts sorted ordinally and concatenated.</summary>
    public static string Signature(params string[] parts)
    {
        var sorted = parts.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
#pragma warning disable CA5350 // SHA-1 is what the WeChat protocol prescribes for this signature.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(string.Concat(sorted))));
#pragma warning restore CA5350
    }

    /// <summary>Compares a received signature with the expected one in constant time.</summary>
    public static bool SignatureMatches(string? received, string expected) =>
        received is { Length: 40 }
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(received.ToLowerInvariant()), Encoding.ASCII.GetBytes(expected));

    /// <summary>The AES key of an EncodingAESKey; false when it is not 43 base64 characters of 32 bytes.</summary>
    public static bool TryDecodeKey(string? encodingAesKey, out byte[] key)
    {
        key = [];
        if (encodingAesKey is not { Length: 43 })
        {
            return false;
        }

        try
        {
            key = Convert.FromBase64String(encodingAesKey + "=");
        }
        catch (FormatException)
        {
            return false;
        }

        return key.Length == 32;
    }

    /// <summary>Encrypts a message for the account <paramref name="appId"/> (base64 of the ciphertext).</summary>
    public static string Encrypt(string message, string appId, byte[] key)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var app = Encoding.UTF8.GetBytes(appId);
        var length = 16 + 4 + body.Length + app.Length;
        var pad = PadBlock - (length % PadBlock);
        var plain = new byte[length + pad];
        RandomNumberGenerator.Fill(plain.AsSpan(0, 16));
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(16, 4), body.Length);
        body.CopyTo(plain, 20);
        app.CopyTo(plain, 20 + body.Length);
        plain.AsSpan(length).Fill((byte)pad);
        using var aes = Aes.Create();
        aes.Key = key;
        return Convert.ToBase64String(aes.EncryptCbc(plain, key.AsSpan(0, 16), PaddingMode.None));
    }

    /// <summary>Decrypts a message; false when it is not valid base64, badly padded, or for another AppId.</summary>
    public static bool TryDecrypt(string encrypted, string appId, byte[] key, out string message)
    {
        message = string.Empty;
        byte[] cipher;
        try
        {
            cipher = Convert.FromBase64String(encrypted);
        }
        catch (FormatException)
        {
            return false;
        }

        if (cipher.Length == 0 || cipher.Length % 16 != 0)
        {
            return false;
        }

        using var aes = Aes.Create();
        aes.Key = key;
        var plain = aes.DecryptCbc(cipher, key.AsSpan(0, 16), PaddingMode.None);
        int pad = plain[^1];
        if (pad is < 1 or > PadBlock || pad > plain.Length - 20)
        {
            return false;
        }

        var content = plain.AsSpan(0, plain.Length - pad);
        var length = BinaryPrimitives.ReadInt32BigEndian(content.Slice(16, 4));
        if (length < 0 || 20 + length > content.Length)
        {
            return false;
        }

        var app = Encoding.UTF8.GetString(content[(20 + length)..]);
        if (!string.Equals(app, appId, StringComparison.Ordinal))
        {
            return false;
        }

        message = Encoding.UTF8.GetString(content.Slice(20, length));
        return true;
    }
}
