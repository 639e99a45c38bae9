namespace CivicGrid.Server.Features.PersonalData;

/// <summary>Personal data settings (section <c>PersonalData</c>).</summary>
public sealed class PersonalDataOptions
{
    public const string SectionName = "PersonalData";

    /// <summary>Folder of the Data Protection key ring; shared storage when several nodes run. Empty: <c>keys/data-protection</c> in the data folder.</summary>
    public string? KeyRingPath { get; set; }

    /// <summary>Base64 HMAC key of the phone number blind index (≥ 32 bytes), shared by all nodes. Empty: <c>keys/blind-index.key</c> in the data folder.</summary>
    public string? BlindIndexKey { get; set; }

    /// <summary>How long a finished case keeps its reporter's personal data (3 years by default).</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(3 * 365);

    /// <summary>How often the retention job runs.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}
