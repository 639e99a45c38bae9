using System.Security.Cryptography;
using System.Text;
using CivicGrid.Infrastructure.Privacy;
using CivicGrid.Server.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.PersonalData;

/// <summary>
/// Personal data at rest: ASP.NET Core Data Protection (AES-256-CBC + HMAC-SHA256, keys rotated
/// every 90 days and kept in the key ring, so old values stay readable), and an HMAC-SHA256
/// blind index with a separate key for lookups by phone number.
/// </summary>
internal sealed class DataProtectionPersonalDataCipher : IPersonalDataCipher
{
    /// <summary>The Data Protection purpose: a different purpose cannot decrypt these values.</summary>
    public const string Purpose = "CivicGrid.PersonalData.v1";

    private readonly IDataProtector _protector;
    private readonly Lazy<byte[]> _indexKey;

    public DataProtectionPersonalDataCipher(IDataProtectionProvider provider, IOptions<PersonalDataOptions> options, IOptions<ServerOptions> server)
    {
        _protector = provider.CreateProtector(Purpose);
        _indexKey = new(() => DataFolderKey.Load(options.Value.BlindIndexKey, server.Value.EnsureDataDir(), "blind-index.key", "PersonalData:BlindIndexKey"));
    }

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    public string Unprotect(string ciphertext) => _protector.Unprotect(ciphertext);

    public string BlindIndex(string normalized) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_indexKey.Value, Encoding.UTF8.GetBytes(normalized)));
}
