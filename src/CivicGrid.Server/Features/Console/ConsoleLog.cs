namespace CivicGrid.Server.Features.WebConsole;

/// <summary>The console's log messages (event ids 6000–6099).</summary>
internal static partial class ConsoleLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Error, Message = "Console action {Action} on case {CaseId} failed unexpectedly")]
    public static partial void ActionFailed(ILogger logger, Exception exception, string action, string caseId);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "Console report failed unexpectedly")]
    public static partial void ReportFailed(ILogger logger, Exception exception);
}
