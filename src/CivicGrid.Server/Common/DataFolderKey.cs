using System.Security.Cryptography;

namespace CivicGrid.Server.Common;

/// <summary>A secret key from configuration (base64) or, failing that, a file in the data folder's <c>keys</c> folder, created on first use.</summary>
internal static class DataFolderKey
{
    /// <param name="configured">The configured base64 key, if any.</param>
    /// <param name="dataDir">The data folder.</param>
    /// <param name="fileName">The key file's name under <c>keys/</c>.</param>
    /// <param name="setting">The configuration key, for the error message.</param>
    public static byte[] Load(string? configured, string dataDir, string fileName, string setting)
    {
        byte[] bytes;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            try
            {
                bytes = Convert.FromBase64String(configured);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException($"{setting} is not base64.");
            }
        }
        else
        {
            var dir = Path.Combine(dataDir, "keys");
            Directory.CreateDirectory(dir);
            var file = Path.Combine(dir, fileName);
            if (!File.Exists(file))
            {
                try
                {
                    using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
                    using var writer = new StreamWriter(stream);
                    writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
                }
                catch (IOException) when (File.Exists(file))
                {
                    // Another process created it first: use theirs.
                }

                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }

            bytes = Convert.FromBase64String(File.ReadAllText(file).Trim());
        }

        if (bytes.Length < 32)
        {
            throw new InvalidOperationException($"{setting} must be at least 32 bytes (base64).");
        }

        return bytes;
    }
}
