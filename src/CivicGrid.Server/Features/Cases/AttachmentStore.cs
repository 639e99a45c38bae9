using System.Security.Cryptography;
using CivicGrid.Server.Common;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Features.Cases;

/// <summary>Attachment limits (section <c>Attachments</c>).</summary>
public sealed class AttachmentOptions
{
    public const string SectionName = "Attachments";

    /// <summary>Largest accepted file, in bytes (default 10 MiB).</summary>
    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The request body limit of the upload endpoint: <see cref="MaxBytes"/> may not exceed it (multipart framing needs a little room).</summary>
    public const long MaxRequestBytes = 64 * 1024 * 1024;
}

/// <summary>
/// Keeps attachment bytes in the data folder under a generated key (never the uploaded name),
/// and tells file types by their first bytes, not by name or declared type.
/// </summary>
public sealed class AttachmentStore(IOptions<ServerOptions> server)
{
    private readonly string _root = Path.Combine(server.Value.EnsureDataDir(), "attachments");

    /// <summary>The types accepted, by magic number.</summary>
    public static string? DetectContentType(ReadOnlySpan<byte> head) => head switch
    {
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => "image/png",
        [0x47, 0x49, 0x46, 0x38, (byte)'7' or (byte)'9', (byte)'a', ..] => "image/gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        [(byte)'%', (byte)'P', (byte)'D', (byte)'F', (byte)'-', ..] => "application/pdf",
        _ => null,
    };

    /// <summary>Writes the bytes, returning the storage key and their SHA-256.</summary>
    public async Task<(string Key, string Sha256)> SaveAsync(Stream content, DateTimeOffset now, CancellationToken ct)
    {
        var key = Path.Combine(now.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture), now.ToString("MM", System.Globalization.CultureInfo.InvariantCulture), Guid.CreateVersion7(now).ToString("N"));
        var path = Path.Combine(_root, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var sha = SHA256.Create();
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        await using (var hashing = new CryptoStream(file, sha, CryptoStreamMode.Write))
        {
            await content.CopyToAsync(hashing, ct);
        }

        return (key.Replace('\\', '/'), Convert.ToHexStringLower(sha.Hash!));
    }

    /// <summary>Opens stored bytes for reading.</summary>
    public Stream Open(string key)
    {
        var full = Path.GetFullPath(Path.Combine(_root, key));
        if (!full.StartsWith(Path.GetFullPath(_root), StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Attachment key escapes the store.");
        }

        return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
    }

    /// <summary>Removes stored bytes (when the database write that references them failed).</summary>
    public void Delete(string key)
    {
        var full = Path.GetFullPath(Path.Combine(_root, key));
        if (full.StartsWith(Path.GetFullPath(_root), StringComparison.Ordinal) && File.Exists(full))
        {
            File.Delete(full);
        }
    }
}
