namespace CivicGrid.Server.Common;

/// <summary>Where the server keeps its files and whether it runs the demo district (root configuration keys).</summary>
public sealed class ServerOptions
{
    /// <summary>The data folder: SQLite file, attachments, keys. Key <c>DataDir</c>, default <c>./data</c>.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Seed Beijing Dongcheng and keep a live generator running. Key <c>Demo</c>.</summary>
    public bool Demo { get; set; }

    /// <summary>The data folder as an absolute path, created if missing.</summary>
    public string EnsureDataDir()
    {
        var full = Path.GetFullPath(DataDir);
        Directory.CreateDirectory(full);
        return full;
    }
}
