namespace CivicGrid.Server.Features.Intake;

/// <summary>Intake log lines (event ids 1000–1099; Open311 has 1100s). No personal data.</summary>
internal static partial class IntakeLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Public report filed as case {CaseNumber} ({CategoryCode}, {PhotoCount} photos)")]
    public static partial void PublicReportFiled(ILogger logger, string caseNumber, string categoryCode, int photoCount);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "A reporter joined case {CaseNumber} (me too)")]
    public static partial void ReporterJoined(ILogger logger, string caseNumber);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Case {CaseNumber} rated {Stars} stars; return visit asked: {Disputed}")]
    public static partial void CaseRated(ILogger logger, string caseNumber, int stars, bool disputed);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Inspector report filed as case {CaseNumber} ({CategoryCode}, component {ComponentId}, {PhotoCount} photos)")]
    public static partial void InspectorReportFiled(ILogger logger, string caseNumber, string categoryCode, string? componentId, int photoCount);
}
