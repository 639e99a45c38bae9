using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Infrastructure.Privacy;

/// <summary>Encrypts personal data at rest and computes blind indexes for lookups (the server uses ASP.NET Core Data Protection).</summary>
public interface IPersonalDataCipher
{
    string Protect(string plaintext);

    string Unprotect(string ciphertext);

    /// <summary>A keyed hash (HMAC-SHA256, hex) of a normalised value: equal values, equal index; the value cannot be recovered from it.</summary>
    string BlindIndex(string normalized);
}

/// <summary>The cipher of contexts made without one (design time, tools): touching personal data is an error, never plaintext.</summary>
internal sealed class MissingPersonalDataCipher : IPersonalDataCipher
{
    public static readonly MissingPersonalDataCipher Instance = new();

    public string Protect(string plaintext) => throw Missing();

    public string Unprotect(string ciphertext) => throw Missing();

    public string BlindIndex(string normalized) => throw Missing();

    private static InvalidOperationException Missing() =>
        new("This database context has no personal data cipher: personal data can be read and written only through the server's services.");
}

/// <summary>The EF Core value converter of encrypted fields: the rest of the code sees plain strings.</summary>
internal sealed class EncryptedStringConverter(IPersonalDataCipher cipher) : ValueConverter<string, string>(
    v => cipher.Protect(v),
    v => cipher.Unprotect(v));

/// <summary>Carries the cipher into the context's options; it changes no EF Core service, only the model (see <see cref="CivicGridModelCacheKeyFactory"/>).</summary>
internal sealed class PersonalDataOptionsExtension(IPersonalDataCipher cipher) : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public IPersonalDataCipher Cipher => cipher;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "PersonalDataCipher ";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["CivicGrid:PersonalDataCipher"] = "1";
    }
}

/// <summary>One model per cipher: the converters of encrypted fields hold the cipher they were built with.</summary>
internal sealed class CivicGridModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) =>
        (context.GetType(), designTime, CipherOf(context));

    public static IPersonalDataCipher CipherOf(DbContext context) =>
        context.GetService<IDbContextOptions>().FindExtension<PersonalDataOptionsExtension>()?.Cipher ?? MissingPersonalDataCipher.Instance;
}
