namespace CivicGrid.Server.Features.Open311;

/// <summary>Open311's log lines (intake range, 1100s). They name clients and case numbers, never submitters.</summary>
internal static partial class Open311Log
{
    public const string Category = "CivicGrid.Server.Features.Open311";

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Open311 request {Number} ({ServiceCode}) created by API client {ClientId} with {MediaCount} media file(s)")]
    public static partial void RequestCreated(ILogger logger, string number, string serviceCode, Guid clientId, int mediaCount);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Open311 update {UpdateId} ({Status}) on {Number} received from API client {ClientId}")]
    public static partial void UpdateReceived(ILogger logger, long updateId, string status, string number, Guid clientId);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Warning, Message = "Open311 POST refused: unknown or revoked api_key (prefix {KeyPrefix})")]
    public static partial void KeyRefused(ILogger logger, string keyPrefix);
}
