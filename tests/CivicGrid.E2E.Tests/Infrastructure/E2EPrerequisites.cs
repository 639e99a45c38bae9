namespace CivicGrid.E2E.Tests.Infrastructure;

/// <summary>
/// What the browser tests need on the machine: Debian's Chromium (never Playwright's download)
/// and a CJK font. scripts/test.sh installs both (apt-get) when it runs as root.
/// </summary>
public static class E2EPrerequisites
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The arguments Chromium needs here: no sandbox (root, containers), no GPU, nothing phoning home.</summary>
    public static IReadOnlyList<string> ChromiumArgs { get; } =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    /// <summary>Why the browser tests cannot run here, or null when they can.</summary>
    public static string? Missing() =>
        File.Exists(ChromiumPath)
            ? null
            : $"Chromium is not installed at {ChromiumPath}: run ./scripts/test.sh as root (it installs chromium and fonts-noto-cjk with apt-get), or apt-get install chromium fonts-noto-cjk.";

    /// <summary>Skips the test loudly when the browser is missing; fails instead under CI, which must run it.</summary>
    public static void SkipIfMissing(string? reason)
    {
        if (reason is null)
        {
            return;
        }

        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            throw new InvalidOperationException($"CI is set and the browser tests cannot run: {reason}");
        }

        Assert.Skip($"Browser tests skipped: {reason}");
    }
}
