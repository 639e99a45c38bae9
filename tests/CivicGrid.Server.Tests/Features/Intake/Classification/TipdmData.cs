namespace CivicGrid.Server.Tests.Features.Intake.Classification;

/// <summary>
/// The TipDM 2020 labelled citizen messages in <c>shared/data/</c>, which sits beside the repository.
/// Missing data skips the test loudly, and fails it under CI.
/// </summary>
internal static class TipdmData
{
    public const string Folder = "shared/data/tipdm2020-gov-messages";
    public const string FileName = "tipdm2020_messages_labelled.csv";

    public static string CsvPathOrSkip()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, Folder, FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        var reason = $"{Folder}/{FileName} was not found in any folder above {AppContext.BaseDirectory}: the classifier's real-data test did not run.";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Assert.Fail(reason + " CI must run it.");
        }

        Assert.Skip(reason);
        return string.Empty;
    }
}
