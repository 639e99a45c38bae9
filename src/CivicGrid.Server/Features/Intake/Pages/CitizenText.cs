using System.Globalization;

namespace CivicGrid.Server.Features.Intake.Pages;

/// <summary>
/// The citizen pages' texts in Simplified Chinese (default) and English. The language comes from
/// <c>?lang=en</c>/<c>?lang=zh</c>, else the console's language cookie, else Chinese.
/// </summary>
public sealed class CitizenText
{
    public required string Lang { get; init; }
    public required string HtmlLang { get; init; }
    public required string OtherLang { get; init; }
    public required string OtherLangLabel { get; init; }
    public required string ReportTitle { get; init; }
    public required string ReportIntro { get; init; }
    public required string PlaceHeading { get; init; }
    public required string PlaceHint { get; init; }
    public required string UseMyPosition { get; init; }
    public required string PlaceChosen { get; init; }
    public required string PlaceMissing { get; init; }
    public required string PositionFailed { get; init; }
    public required string Address { get; init; }
    public required string Description { get; init; }
    public required string DescriptionHint { get; init; }
    public required string Category { get; init; }
    public required string CategoryAuto { get; init; }
    public required string Suggested { get; init; }
    public required string Photos { get; init; }
    public required string ContactHeading { get; init; }
    public required string ContactHint { get; init; }
    public required string Phone { get; init; }
    public required string Email { get; init; }
    public required string NotifyBy { get; init; }
    public required string NotifyNone { get; init; }
    public required string NotifyEmail { get; init; }
    public required string NotifySms { get; init; }
    public required string Submit { get; init; }
    public required string Submitting { get; init; }
    public required string DuplicatesHeading { get; init; }
    public required string DuplicatesHint { get; init; }
    public required string MeToo { get; init; }
    public required string MetresAway { get; init; }
    public required string ReceiptTitle { get; init; }
    public required string ReceiptCode { get; init; }
    public required string ReceiptSecret { get; init; }
    public required string ReceiptKeep { get; init; }
    public required string ReceiptFollow { get; init; }
    public required string ReceiptJoined { get; init; }
    public required string Failed { get; init; }
    public required string TrackTitle { get; init; }
    public required string TrackIntro { get; init; }
    public required string TrackCode { get; init; }
    public required string TrackGo { get; init; }
    public required string TrackNotFound { get; init; }
    public required string Status { get; init; }
    public required string CaseNumber { get; init; }
    public required string ReportedAt { get; init; }
    public required string Steps { get; init; }
    public required string Reason { get; init; }
    public required string ReturnVisitPending { get; init; }
    public required string RateHeading { get; init; }
    public required string RateSecret { get; init; }
    public required string RateStars { get; init; }
    public required string RateComment { get; init; }
    public required string RateDispute { get; init; }
    public required string RateSubmit { get; init; }
    public required string RateThanks { get; init; }
    public required string ReportAnother { get; init; }
    public required string TimesInBeijing { get; init; }

    public bool English => Lang == "en";

    public static CitizenText Zh { get; } = new()
    {
        Lang = "zh-CN", HtmlLang = "zh-CN", OtherLang = "en", OtherLangLabel = "English",
        ReportTitle = "我要反映城市问题", ReportIntro = "无需登录。选好位置、说明问题，提交后会得到查询码，凭它随时查看办理进度。",
        PlaceHeading = "问题在哪里", PlaceHint = "在地图上点选位置，或使用手机定位。", UseMyPosition = "使用我的位置",
        PlaceChosen = "已选位置", PlaceMissing = "请先在地图上选择位置。", PositionFailed = "无法获取位置，请在地图上点选。",
        Address = "地址或地标（可选）", Description = "问题描述", DescriptionHint = "例如：某路口井盖破损，有行人绊倒的危险",
        Category = "问题类别", CategoryAuto = "由系统根据描述推荐", Suggested = "推荐类别", Photos = "照片（可选，最多 5 张）",
        ContactHeading = "接收进度通知（可选）", ContactHint = "留下手机号或邮箱，办理进展会通知您；不留也可以匿名反映。",
        Phone = "手机号", Email = "电子邮箱", NotifyBy = "通知方式", NotifyNone = "不需要通知", NotifyEmail = "电子邮件", NotifySms = "短信",
        Submit = "提交", Submitting = "正在提交…",
        DuplicatesHeading = "附近已有这些反映，是同一个问题吗？", DuplicatesHint = "如果是，点“我也遇到”即可加入，无需重复提交。",
        MeToo = "我也遇到", MetresAway = "米",
        ReceiptTitle = "已收到您的反映", ReceiptCode = "查询码", ReceiptSecret = "评价密钥", ReceiptKeep = "请保存查询码和评价密钥，密钥只显示这一次，结案后凭它评价。",
        ReceiptFollow = "查看办理进度", ReceiptJoined = "已将您加入这个案件的反映人。", Failed = "提交未成功",
        TrackTitle = "办理进度查询", TrackIntro = "输入提交时得到的查询码。", TrackCode = "查询码", TrackGo = "查询", TrackNotFound = "没有找到这个查询码对应的案件。",
        Status = "当前状态", CaseNumber = "案件编号", ReportedAt = "反映时间", Steps = "办理过程", Reason = "原因",
        ReturnVisitPending = "您对处理结果有异议，我们将进行回访。",
        RateHeading = "评价处理结果", RateSecret = "评价密钥", RateStars = "满意度（1–5 星）", RateComment = "意见（可选）",
        RateDispute = "问题没有解决，我有异议", RateSubmit = "提交评价", RateThanks = "感谢您的评价。",
        ReportAnother = "再反映一个问题", TimesInBeijing = "时间为北京时间",
    };

    public static CitizenText En { get; } = new()
    {
        Lang = "en", HtmlLang = "en", OtherLang = "zh", OtherLangLabel = "中文",
        ReportTitle = "Report a problem in the city", ReportIntro = "No sign-in needed. Pick the place, describe the problem, and you get a tracking code to follow it.",
        PlaceHeading = "Where is it?", PlaceHint = "Tap the map, or use your phone's position.", UseMyPosition = "Use my position",
        PlaceChosen = "Place chosen", PlaceMissing = "Pick the place on the map first.", PositionFailed = "Your position is not available; tap the map instead.",
        Address = "Address or landmark (optional)", Description = "What is the problem?", DescriptionHint = "e.g. a broken manhole cover at the crossing, people may trip",
        Category = "Category", CategoryAuto = "Suggested from the description", Suggested = "Suggested", Photos = "Photos (optional, up to 5)",
        ContactHeading = "Updates (optional)", ContactHint = "Leave a phone number or an e-mail address to be told of progress, or report anonymously.",
        Phone = "Phone", Email = "E-mail", NotifyBy = "Tell me by", NotifyNone = "No messages", NotifyEmail = "E-mail", NotifySms = "SMS",
        Submit = "Submit", Submitting = "Submitting…",
        DuplicatesHeading = "Already reported nearby — is it one of these?", DuplicatesHint = "If so, tap \"Me too\" to join it instead of filing a new report.",
        MeToo = "Me too", MetresAway = "m",
        ReceiptTitle = "Thank you, we received your report", ReceiptCode = "Tracking code", ReceiptSecret = "Rating secret", ReceiptKeep = "Keep the tracking code and the rating secret; the secret is shown only now and lets you rate the result.",
        ReceiptFollow = "Follow the case", ReceiptJoined = "You were added to the reporters of this case.", Failed = "The report was not accepted",
        TrackTitle = "Follow a report", TrackIntro = "Enter the tracking code you received.", TrackCode = "Tracking code", TrackGo = "Look up", TrackNotFound = "No case has this tracking code.",
        Status = "Status", CaseNumber = "Case number", ReportedAt = "Reported", Steps = "Progress", Reason = "Reason",
        ReturnVisitPending = "You disputed the result; the centre will follow up with a return visit.",
        RateHeading = "Rate the result", RateSecret = "Rating secret", RateStars = "Satisfaction (1–5 stars)", RateComment = "Comment (optional)",
        RateDispute = "The problem is not solved; I dispute the result", RateSubmit = "Send rating", RateThanks = "Thank you for your rating.",
        ReportAnother = "Report another problem", TimesInBeijing = "Times are Beijing time",
    };

    /// <summary>The text for a request: <c>?lang=</c>, else the UI culture (language cookie), else Chinese.</summary>
    public static CitizenText For(HttpContext http)
    {
        var lang = http.Request.Query["lang"].ToString();
        if (lang.StartsWith("en", StringComparison.OrdinalIgnoreCase))
        {
            return En;
        }

        if (lang.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
        {
            return Zh;
        }

        return string.Equals(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, "en", StringComparison.Ordinal) ? En : Zh;
    }
}
