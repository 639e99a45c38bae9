namespace CivicGrid.Server.Features.WeChat;

/// <summary>The WeChat official account (微信公众号) the server answers for. Section <c>WeChat</c>.</summary>
public sealed class WeChatOptions
{
    public const string SectionName = "WeChat";

    /// <summary>The token configured in the account's server settings; the endpoint is off while it is empty.</summary>
    public string? Token { get; set; }

    /// <summary>The account's AppID (checked inside encrypted messages; needed for template messages).</summary>
    public string? AppId { get; set; }

    /// <summary>The account's AppSecret, for the access token of template messages.</summary>
    public string? AppSecret { get; set; }

    /// <summary>The 43-character EncodingAESKey; set it to accept and answer encrypted (安全模式) messages.</summary>
    public string? EncodingAesKey { get; set; }

    /// <summary>The WeChat API the template messages go to.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.weixin.qq.com/");

    /// <summary>The template id of the 办理进度 message; template messages are off while it is empty.</summary>
    public string? ProgressTemplateId { get; set; }

    /// <summary>The public address of the server, for the tracking link in replies (e.g. https://city.example.cn).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long an unfinished report in a chat is kept before it is forgotten.</summary>
    public TimeSpan DraftLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The categories offered as a numbered menu when the classifier cannot suggest one (event category codes).</summary>
    public IList<string> MenuCategories { get; } =
        ["06010", "06013", "01037", "01023", "09009", "09010", "09006", "07001", "06028"];

    /// <summary>Whether template messages can be sent: AppId, AppSecret and the template id are set.</summary>
    public bool CanSendTemplates =>
        !string.IsNullOrWhiteSpace(AppId) && !string.IsNullOrWhiteSpace(AppSecret) && !string.IsNullOrWhiteSpace(ProgressTemplateId);

    /// <summary>Whether the endpoint answers at all.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Token);
}
