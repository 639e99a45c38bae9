namespace CivicGrid.Infrastructure.Persistence;

/// <summary>
/// A report being put together in a WeChat chat: what the citizen has sent so far (text, photos,
/// a location), until it is complete and filed. One row per OpenID; removed once filed or expired.
/// </summary>
public sealed class WeChatConversation
{
    /// <summary>The citizen's OpenID for this account.</summary>
    public required string OpenId { get; init; }

    public string? Description { get; set; }

    /// <summary>WGS-84, converted from the GCJ-02 position WeChat sends.</summary>
    public double? Longitude { get; set; }

    public double? Latitude { get; set; }

    /// <summary>The place's label as WeChat gives it.</summary>
    public string? Address { get; set; }

    /// <summary>Picture URLs on WeChat's servers, one per line.</summary>
    public string? PictureUrls { get; set; }

    /// <summary>True once the citizen was shown the category menu and a number is expected.</summary>
    public bool AwaitingCategory { get; set; }

    /// <summary>The reply language: zh-CN or en.</summary>
    public string Language { get; set; } = "zh-CN";

    public required DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A message WeChat delivered, kept so that its retries (WeChat resends a message it got no answer
/// to within five seconds, up to three times) get the same answer and change nothing.
/// </summary>
public sealed class WeChatInboundMessage
{
    /// <summary>The MsgId, or sender, time and event for events without one.</summary>
    public required string DeliveryKey { get; init; }

    public required string OpenId { get; init; }

    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The text answered, replayed to a retry.</summary>
    public required string ReplyContent { get; set; }
}
