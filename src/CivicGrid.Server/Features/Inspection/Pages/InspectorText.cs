using System.Globalization;

namespace CivicGrid.Server.Features.Inspection.Pages;

/// <summary>
/// The patrol page's texts in Simplified Chinese (default) and English. The language comes from
/// <c>?lang=</c>, else the console's language cookie (the switch at <c>/language</c>), else Chinese.
/// </summary>
public sealed class InspectorText
{
    public required string Lang { get; init; }
    public required string Culture { get; init; }
    public required string OtherCulture { get; init; }
    public required string OtherLangLabel { get; init; }
    public required string Brand { get; init; }
    public required string Title { get; init; }
    public required string TabReport { get; init; }
    public required string TabTasks { get; init; }
    public required string Locating { get; init; }
    public required string Accuracy { get; init; }
    public required string ManualPlace { get; init; }
    public required string PositionFailed { get; init; }
    public required string LocateAgain { get; init; }
    public required string Photo { get; init; }
    public required string PhotoTaken { get; init; }
    public required string PhotoFailed { get; init; }
    public required string NearbyHeading { get; init; }
    public required string NearbyNone { get; init; }
    public required string NearbyWaiting { get; init; }
    public required string CategoryHeading { get; init; }
    public required string AllCategories { get; init; }
    public required string Description { get; init; }
    public required string Submit { get; init; }
    public required string Submitting { get; init; }
    public required string Retry { get; init; }
    public required string Offline { get; init; }
    public required string Restored { get; init; }
    public required string Failed { get; init; }
    public required string PlaceMissing { get; init; }
    public required string CategoryMissing { get; init; }
    public required string ReceiptTitle { get; init; }
    public required string CaseNumber { get; init; }
    public required string ReportAnother { get; init; }
    public required string TasksNone { get; init; }
    public required string TasksWaiting { get; init; }
    public required string Refresh { get; init; }
    public required string VerifyTask { get; init; }
    public required string CheckTask { get; init; }
    public required string Metres { get; init; }
    public required string Back { get; init; }
    public required string VerifyQuestion { get; init; }
    public required string VerifyTrue { get; init; }
    public required string VerifyFalse { get; init; }
    public required string CheckQuestion { get; init; }
    public required string CheckPassed { get; init; }
    public required string CheckFailed { get; init; }
    public required string Note { get; init; }
    public required string TaskPhoto { get; init; }
    public required string Send { get; init; }
    public required string Sent { get; init; }
    public required string ChooseAnswer { get; init; }
    public required string ReportedAt { get; init; }
    public required string DueAt { get; init; }

    public bool English => Lang == "en";

    /// <summary>The texts the page's script shows (set as text, never as HTML).</summary>
    public IReadOnlyDictionary<string, string> ForScript() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["locating"] = Locating, ["accuracy"] = Accuracy, ["manualPlace"] = ManualPlace, ["positionFailed"] = PositionFailed,
        ["photoTaken"] = PhotoTaken, ["photoFailed"] = PhotoFailed, ["nearbyNone"] = NearbyNone, ["nearbyWaiting"] = NearbyWaiting,
        ["submit"] = Submit, ["submitting"] = Submitting, ["offline"] = Offline, ["restored"] = Restored, ["failed"] = Failed,
        ["placeMissing"] = PlaceMissing, ["categoryMissing"] = CategoryMissing, ["tasksNone"] = TasksNone, ["tasksWaiting"] = TasksWaiting,
        ["verify"] = VerifyTask, ["check"] = CheckTask, ["metres"] = Metres,
        ["verifyQuestion"] = VerifyQuestion, ["verifyTrue"] = VerifyTrue, ["verifyFalse"] = VerifyFalse,
        ["checkQuestion"] = CheckQuestion, ["checkPassed"] = CheckPassed, ["checkFailed"] = CheckFailed,
        ["send"] = Send, ["sent"] = Sent, ["chooseAnswer"] = ChooseAnswer, ["reportedAt"] = ReportedAt, ["dueAt"] = DueAt,
    };

    public static InspectorText Zh { get; } = new()
    {
        Lang = "zh-CN", Culture = "zh-CN", OtherCulture = "en", OtherLangLabel = "English",
        Brand = "CivicGrid · 监督员", Title = "巡查", TabReport = "上报", TabTasks = "核实核查",
        Locating = "正在定位…", Accuracy = "定位精度 ±{0} 米", ManualPlace = "已在地图上选点", PositionFailed = "无法获取位置，请在地图上点选。",
        LocateAgain = "重新定位", Photo = "拍照", PhotoTaken = "已拍照", PhotoFailed = "这张照片无法读取，请重拍。",
        NearbyHeading = "附近部件", NearbyNone = "附近没有登记的部件", NearbyWaiting = "定位后显示附近部件",
        CategoryHeading = "问题类别", AllCategories = "全部类别…", Description = "补充说明（可选）",
        Submit = "一键上报", Submitting = "正在上报…", Retry = "重试", Offline = "网络不通，表单已保留，请稍后点“重试”。",
        Restored = "断网时未发出的上报已恢复，正在重新发送…",
        Failed = "上报未成功", PlaceMissing = "还没有位置：请等待定位或在地图上点选。", CategoryMissing = "请选择类别或部件。",
        ReceiptTitle = "已上报", CaseNumber = "案件编号", ReportAnother = "再报一件",
        TasksNone = "附近没有待核实、待核查的任务。", TasksWaiting = "定位后按距离列出任务", Refresh = "刷新",
        VerifyTask = "核实", CheckTask = "核查", Metres = "米", Back = "返回任务列表",
        VerifyQuestion = "问题是否属实？", VerifyTrue = "属实", VerifyFalse = "不属实",
        CheckQuestion = "处置是否合格？", CheckPassed = "合格", CheckFailed = "不合格",
        Note = "说明（可选）", TaskPhoto = "现场照片（可选）", Send = "提交", Sent = "已提交", ChooseAnswer = "请先选择结果。",
        ReportedAt = "上报时间", DueAt = "时限",
    };

    public static InspectorText En { get; } = new()
    {
        Lang = "en", Culture = "en", OtherCulture = "zh-CN", OtherLangLabel = "中文",
        Brand = "CivicGrid · Inspector", Title = "Patrol", TabReport = "Report", TabTasks = "Tasks",
        Locating = "Finding your position…", Accuracy = "Accuracy ±{0} m", ManualPlace = "Place picked on the map", PositionFailed = "Your position is not available; tap the map.",
        LocateAgain = "Use my position", Photo = "Take a photo", PhotoTaken = "Photo taken", PhotoFailed = "This photo cannot be read; take another.",
        NearbyHeading = "Components nearby", NearbyNone = "No registered component nearby", NearbyWaiting = "Components nearby show once you are located",
        CategoryHeading = "Category", AllCategories = "All categories…", Description = "Note (optional)",
        Submit = "Report now", Submitting = "Reporting…", Retry = "Try again", Offline = "No connection. The form is kept; tap \"Try again\" later.",
        Restored = "A report kept while offline is being sent again…",
        Failed = "Not accepted", PlaceMissing = "No position yet: wait for it or tap the map.", CategoryMissing = "Choose a category or a component.",
        ReceiptTitle = "Reported", CaseNumber = "Case number", ReportAnother = "Report another",
        TasksNone = "No verification or check tasks nearby.", TasksWaiting = "Tasks are listed by distance once you are located", Refresh = "Refresh",
        VerifyTask = "Verify", CheckTask = "Check", Metres = "m", Back = "Back to the tasks",
        VerifyQuestion = "Is the problem there?", VerifyTrue = "Yes, it is", VerifyFalse = "No, it is not",
        CheckQuestion = "Is it fixed properly?", CheckPassed = "Fixed", CheckFailed = "Not fixed",
        Note = "Note (optional)", TaskPhoto = "Photo on site (optional)", Send = "Send", Sent = "Sent", ChooseAnswer = "Choose an answer first.",
        ReportedAt = "Reported", DueAt = "Due",
    };

    /// <summary>The text for a request: <c>?lang=</c>, else the UI culture (language cookie), else Chinese.</summary>
    public static InspectorText For(HttpContext http)
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
