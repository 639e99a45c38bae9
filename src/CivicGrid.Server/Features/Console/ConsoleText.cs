using System.Globalization;
using CivicGrid.Domain.Cases;
using CivicGrid.Domain.Identity;
using CivicGrid.Domain.Sla;

namespace CivicGrid.Server.Features.WebConsole;

/// <summary>
/// Every visible string of the console, in Simplified Chinese (the default) and English. A typed
/// table rather than .resx files: a missing text is a compile error (<c>required</c>), and the
/// enum tables are checked for completeness by a test.
/// </summary>
public sealed class ConsoleText
{
    /// <summary>The culture names the console offers; the first is the default.</summary>
    public static IReadOnlyList<string> Cultures { get; } = ["zh-CN", "en"];

    /// <summary>The text of the current UI culture (set per request from the language cookie).</summary>
    public static ConsoleText Current => For(CultureInfo.CurrentUICulture);

    public static ConsoleText For(CultureInfo culture) =>
        string.Equals(culture.TwoLetterISOLanguageName, "en", StringComparison.Ordinal) ? En : Zh;

    /// <summary>The culture name of this text (<c>zh-CN</c> or <c>en</c>).</summary>
    public required string Culture { get; init; }

    /// <summary>The value of the html <c>lang</c> attribute.</summary>
    public required string HtmlLang { get; init; }

    /// <summary>The other language: its culture and the label of the switch that selects it.</summary>
    public required string OtherCulture { get; init; }

    public required string OtherLanguageLabel { get; init; }

    // Shell
    public required string AppName { get; init; }
    public required string AppSubtitle { get; init; }
    public required string NavOverview { get; init; }
    public required string NavCases { get; init; }
    public required string NavReport { get; init; }
    public required string SignOut { get; init; }
    public required string SwitchLanguage { get; init; }
    public required string Loading { get; init; }
    public required string NotFoundTitle { get; init; }
    public required string NotFoundText { get; init; }
    public required string BackHome { get; init; }
    public required string AccessDeniedTitle { get; init; }
    public required string AccessDeniedText { get; init; }
    public required string BeijingTime { get; init; }
    public required string TimesInBeijing { get; init; }
    public required string All { get; init; }
    public required string Confirm { get; init; }
    public required string Cancel { get; init; }
    public required string Refresh { get; init; }
    public required string None { get; init; }
    public required string Colon { get; init; }
    public required string ListSeparator { get; init; }

    // Sign-in
    public required string SignInTitle { get; init; }
    public required string SignInSubtitle { get; init; }
    public required string UserName { get; init; }
    public required string Password { get; init; }
    public required string SignIn { get; init; }
    public required string SignInFailed { get; init; }
    public required string SignInMissing { get; init; }
    public required string SignInNotStaff { get; init; }
    public required string SignInLocked { get; init; }
    public required string SignInSecondFactor { get; init; }
    public required string OneTimeCode { get; init; }
    public required string SignInFooter { get; init; }

    // Overview
    public required string OverviewTitle { get; init; }
    public required string OpenCases { get; init; }
    public required string OverdueCases { get; init; }
    public required string MapTitle { get; init; }
    public required string MapShowing { get; init; }
    public required string LegendGreen { get; init; }
    public required string LegendYellow { get; init; }
    public required string LegendRed { get; init; }
    public required string StatusCounts { get; init; }

    // Queue
    public required string QueueTitle { get; init; }
    public required string Status { get; init; }
    public required string Category { get; init; }
    public required string Street { get; init; }
    public required string OverdueOnly { get; init; }
    public required string ClearFilters { get; init; }
    public required string Number { get; init; }
    public required string Description { get; init; }
    public required string Light { get; init; }
    public required string DueAt { get; init; }
    public required string ReportedAt { get; init; }
    public required string NoCases { get; init; }
    public required string TotalCases { get; init; }
    public required string Open { get; init; }

    // Intake queue
    public required string NavIntake { get; init; }
    public required string IntakeTitle { get; init; }
    public required string IntakeHint { get; init; }
    public required string IntakeEmpty { get; init; }
    public required string IntakeWaiting { get; init; }
    public required string IntakeSuggestions { get; init; }
    public required string IntakeOther { get; init; }
    public required string IntakeFileUnder { get; init; }
    public required string IntakeFiled { get; init; }
    public required string IntakeFiledNoDepartment { get; init; }

    // Detail
    public required string CaseTitle { get; init; }
    public required string BackToQueue { get; init; }
    public required string Urgency { get; init; }
    public required string Source { get; init; }
    public required string Place { get; init; }
    public required string Grid { get; init; }
    public required string Community { get; init; }
    public required string Address { get; init; }
    public required string Coordinates { get; init; }
    public required string Department { get; init; }
    public required string NotAssigned { get; init; }
    public required string Reporter { get; init; }
    public required string ClosedAt { get; init; }
    public required string DuplicateOf { get; init; }
    public required string Clock { get; init; }
    public required string Stage { get; init; }
    public required string WarnAt { get; init; }
    public required string NoRunningClock { get; init; }
    public required string Overdue { get; init; }
    public required string PendingRequest { get; init; }
    public required string RequestedExtension { get; init; }
    public required string Counters { get; init; }
    public required string History { get; init; }
    public required string Attachments { get; init; }
    public required string NoAttachments { get; init; }
    public required string Actions { get; init; }
    public required string NoActions { get; init; }
    public required string CaseNotFound { get; init; }

    // Action forms
    public required string Note { get; init; }
    public required string NoteOptional { get; init; }
    public required string Result { get; init; }
    public required string Passed { get; init; }
    public required string PassedYes { get; init; }
    public required string PassedNo { get; init; }
    public required string DuplicateNumber { get; init; }
    public required string Extension { get; init; }
    public required string ExtensionValue { get; init; }
    public required string ExtensionUnit { get; init; }
    public required string DispatchSuggested { get; init; }
    public required string DispatchWhy { get; init; }
    public required string Assignee { get; init; }
    public required string AssigneeAuto { get; init; }
    public required string HandlerLoad { get; init; }
    public required string CoHandling { get; init; }
    public required string CoHandlingDoneMark { get; init; }
    public required string CoHandlingOpenMark { get; init; }
    public required string OverrideReason { get; init; }
    public required string OverrideHint { get; init; }
    public required string PleaseFill { get; init; }
    public required string ActionDone { get; init; }

    // Errors from the use cases
    public required string ErrorNotAllowed { get; init; }
    public required string ErrorForbidden { get; init; }
    public required string ErrorInvalid { get; init; }
    public required string ErrorChanged { get; init; }
    public required string ErrorNotFound { get; init; }
    public required string ErrorUnexpected { get; init; }
    public required string ErrorDuplicateNotFound { get; init; }

    // Report form
    public required string ReportTitle { get; init; }
    public required string ReportMapHint { get; init; }
    public required string Position { get; init; }
    public required string NoPosition { get; init; }
    public required string OutsideDistrict { get; init; }
    public required string AddressOptional { get; init; }
    public required string Submit { get; init; }
    public required string Reported { get; init; }

    // Tables of names
    public required IReadOnlyDictionary<CaseStatus, string> Statuses { get; init; }
    public required IReadOnlyDictionary<CaseAction, string> ActionNames { get; init; }
    public required IReadOnlyDictionary<Role, string> Roles { get; init; }
    public required IReadOnlyDictionary<Light, string> Lights { get; init; }
    public required IReadOnlyDictionary<CaseStage, string> Stages { get; init; }
    public required IReadOnlyDictionary<Urgency, string> Urgencies { get; init; }

    // Hotline (12345)
    public required string NavHotline { get; init; }
    public required string HotlineTitle { get; init; }
    public required string HotlineHint { get; init; }
    public required string Caller { get; init; }
    public required string CallerName { get; init; }
    public required string CallerPhone { get; init; }
    public required string Callback { get; init; }
    public required string CallbackNone { get; init; }
    public required string CallbackSms { get; init; }
    public required string AddressSearch { get; init; }
    public required string AddressSearchHint { get; init; }
    public required string NoAddressFound { get; init; }
    public required string ResolvedAddress { get; init; }
    public required string ResponsibleDepartment { get; init; }
    public required string Suggestions { get; init; }
    public required string NoSuggestions { get; init; }
    public required string ChooseCategory { get; init; }
    public required string PossibleDuplicates { get; init; }
    public required string NoDuplicates { get; init; }
    public required string MeToo { get; init; }
    public required string MetresAway { get; init; }
    public required string FileCall { get; init; }
    public required string FileCallHint { get; init; }
    public required string CallFiled { get; init; }
    public required string CallJoined { get; init; }
    public required string ReadToCaller { get; init; }
    public required string CaseNumber { get; init; }
    public required string TrackingCode { get; init; }
    public required string NextCall { get; init; }
    public required string OpenCase { get; init; }
    public required IReadOnlyDictionary<Domain.Geography.GazetteerKind, string> PlaceKinds { get; init; }
    public required IReadOnlyDictionary<CaseSource, string> Sources { get; init; }
    public required IReadOnlyDictionary<TimeLimitUnit, string> Units { get; init; }
    public required IReadOnlyDictionary<string, string> Fields { get; init; }
    public required string ActionReport { get; init; }
    public required string ActionOverdue { get; init; }

    public bool IsEnglish => string.Equals(Culture, "en", StringComparison.Ordinal);

    /// <summary>Formats a text with <c>{0}</c> placeholders.</summary>
    public static string Format(string text, params object?[] args) => string.Format(CultureInfo.InvariantCulture, text, args);

    /// <summary>The name of a history step's action (<c>report</c>, <c>overdue</c> or an API action name).</summary>
    public string HistoryAction(string action) => action switch
    {
        "report" => ActionReport,
        "overdue" => ActionOverdue,
        _ => CaseActions.TryParse(action, out var a) ? ActionNames[a] : action,
    };

    /// <summary>The label of a request field (<c>note</c>, <c>departmentId</c>…), or the field itself.</summary>
    public string Field(string field) => Fields.TryGetValue(field, out var label) ? label : field;

    /// <summary>The role name for a stored role string.</summary>
    public string RoleName(string role) => Enum.TryParse<Role>(role, out var r) ? Roles[r] : role;

    /// <summary>Picks the Chinese or English name of a thing that has both.</summary>
    public string Pick(string zh, string en) => IsEnglish && !string.IsNullOrWhiteSpace(en) ? en : zh;

    public static ConsoleText Zh { get; } = new()
    {
        Culture = "zh-CN",
        HtmlLang = "zh-CN",
        OtherCulture = "en",
        OtherLanguageLabel = "English",
        AppName = "CivicGrid 数字城管",
        AppSubtitle = "数字化城市管理信息系统 · 监督指挥中心",
        NavOverview = "总览",
        NavCases = "案卷",
        NavReport = "上报",
        SignOut = "退出登录",
        SwitchLanguage = "切换语言",
        Loading = "加载中…",
        NotFoundTitle = "页面不存在",
        NotFoundText = "您访问的页面不存在或已被移除。",
        BackHome = "返回总览",
        AccessDeniedTitle = "无权访问",
        AccessDeniedText = "此账号不能使用指挥中心控制台。请使用工作人员账号登录。",
        BeijingTime = "北京时间",
        TimesInBeijing = "时间均为北京时间",
        All = "全部",
        Confirm = "确定",
        Cancel = "取消",
        Refresh = "刷新",
        None = "无",
        Colon = "：",
        ListSeparator = "、",
        SignInTitle = "登录",
        SignInSubtitle = "监督指挥中心工作人员登录",
        UserName = "用户名",
        Password = "密码",
        SignIn = "登录",
        SignInFailed = "用户名或密码错误。",
        SignInMissing = "请输入用户名和密码。",
        SignInNotStaff = "此账号不是指挥中心工作人员账号，不能登录控制台。",
        SignInLocked = "登录失败次数过多，账号已临时锁定，请稍后再试。",
        SignInSecondFactor = "此账号已启用双因素认证：请输入身份验证器中的动态验证码（或恢复码）。",
        OneTimeCode = "动态验证码（如已启用）",
        SignInFooter = "数字化城市管理信息系统 · 符合 GB/T 30428 网格化城市管理模式",
        OverviewTitle = "城市运行总览",
        OpenCases = "在办案卷",
        OverdueCases = "超时案卷",
        MapTitle = "一张图",
        MapShowing = "地图显示最近的 {0} 件在办案卷，点击圆点打开案卷。",
        LegendGreen = "正常",
        LegendYellow = "预警",
        LegendRed = "超时",
        StatusCounts = "各状态案卷数",
        QueueTitle = "案卷列表",
        NavIntake = "受理队列",
        IntakeTitle = "受理队列（待确认分类）",
        IntakeHint = "这些上报没有选择类别，分类器也不够确定（置信度低于 {0:P0}）。点击一个建议即按该类别立案并按责任规则派遣；也可改选其他类别，改选会用于模型再训练。",
        IntakeEmpty = "没有等待确认分类的上报。",
        IntakeWaiting = "共 {0} 件待确认",
        IntakeSuggestions = "分类建议（点击确认）",
        IntakeOther = "其他类别",
        IntakeFileUnder = "按此类别立案",
        IntakeFiled = "案件 {0} 已按「{1}」立案并派遣。",
        IntakeFiledNoDepartment = "案件 {0} 已按「{1}」立案；没有责任规则，请派遣员派遣。",
        Status = "状态",
        Category = "问题类别",
        Street = "街道",
        OverdueOnly = "仅看超时",
        ClearFilters = "清除筛选",
        Number = "案卷编号",
        Description = "问题描述",
        Light = "时限",
        DueAt = "截止时间",
        ReportedAt = "上报时间",
        NoCases = "没有符合条件的案卷。",
        TotalCases = "共 {0} 件",
        Open = "查看",
        CaseTitle = "案卷 {0}",
        BackToQueue = "返回案卷列表",
        Urgency = "紧急程度",
        Source = "来源",
        Place = "位置",
        Grid = "单元网格",
        Community = "社区",
        Address = "地址",
        Coordinates = "坐标",
        Department = "处置部门",
        NotAssigned = "未派遣",
        Reporter = "上报人",
        ClosedAt = "结案时间",
        DuplicateOf = "重复于",
        Clock = "当前环节时限",
        Stage = "环节",
        WarnAt = "预警时间",
        NoRunningClock = "当前没有计时的环节。",
        Overdue = "已超时",
        PendingRequest = "待审批申请",
        RequestedExtension = "（申请延期 {0} {1}）",
        Counters = "返工 {0} 次 · 回退 {1} 次 · 督办 {2} 次",
        History = "处理过程",
        Attachments = "附件",
        NoAttachments = "无附件。",
        Actions = "可执行操作",
        NoActions = "您当前对此案卷没有可执行的操作。",
        CaseNotFound = "案卷不存在。",
        Note = "意见/说明",
        NoteOptional = "意见/说明（可选）",
        Result = "处置结果",
        Passed = "结论",
        PassedYes = "通过",
        PassedNo = "不通过",
        DuplicateNumber = "重复的案卷编号",
        Extension = "延期时长",
        ExtensionValue = "时长",
        ExtensionUnit = "单位",
        DispatchSuggested = "系统建议：{0}",
        DispatchWhy = "依据：{0}",
        Assignee = "处置人员",
        AssigneeAuto = "按工作量自动分配",
        HandlerLoad = "{0}（负荷 {1}，在办 {2} 件）",
        CoHandling = "协办部门",
        CoHandlingDoneMark = "已完成",
        CoHandlingOpenMark = "进行中",
        OverrideReason = "改派原因",
        OverrideHint = "所选部门或处置人员与系统建议不同，请填写原因（记入案卷历史和审计）。",
        PleaseFill = "请填写：{0}",
        ActionDone = "已完成：{0}",
        ErrorNotAllowed = "案卷当前状态不允许此操作。当前可执行：{0}",
        ErrorForbidden = "您无权执行此操作。",
        ErrorInvalid = "输入有误（{0}）：{1}",
        ErrorChanged = "案卷已被他人修改，已为您刷新，请核对后重试。",
        ErrorNotFound = "案卷不存在。",
        ErrorUnexpected = "操作失败，请稍后再试。",
        ErrorDuplicateNotFound = "找不到编号为 {0} 的案卷。",
        ReportTitle = "上报问题",
        ReportMapHint = "在地图上点击问题所在位置。",
        Position = "位置",
        NoPosition = "尚未选择位置。",
        OutsideDistrict = "该位置不在本区任何单元网格内。",
        AddressOptional = "地址（可选）",
        Submit = "提交上报",
        Reported = "已上报，案卷编号 {0}",
        NavHotline = "12345 热线",
        HotlineTitle = "12345 热线受理",
        HotlineHint = "Tab 切换输入框；地址框中 ↑↓ 选择、Enter 确定；Ctrl+Enter 提交。",
        Caller = "来电人",
        CallerName = "姓名",
        CallerPhone = "电话",
        Callback = "答复方式",
        CallbackNone = "不需答复",
        CallbackSms = "短信告知进度",
        AddressSearch = "地址 / 地标 / 部件编号",
        AddressSearchHint = "输入地名、道路、社区或部件编号",
        NoAddressFound = "未找到该地址，可在地图上点选位置。",
        ResolvedAddress = "定位",
        ResponsibleDepartment = "责任部门",
        Suggestions = "建议类别",
        NoSuggestions = "输入描述后显示建议类别。",
        ChooseCategory = "请选择类别",
        PossibleDuplicates = "附近同类未结案卷",
        NoDuplicates = "附近没有同类未结案卷。",
        MeToo = "同一问题，登记为附议",
        MetresAway = "{0} 米",
        FileCall = "提交立案",
        FileCallHint = "Ctrl+Enter",
        CallFiled = "已受理，请告知来电人：",
        CallJoined = "已登记为附议（同一问题已有案卷），请告知来电人：",
        ReadToCaller = "请向来电人复述以下信息",
        CaseNumber = "案卷编号",
        TrackingCode = "查询码",
        NextCall = "下一个来电",
        OpenCase = "查看案卷",
        PlaceKinds = new Dictionary<Domain.Geography.GazetteerKind, string>
        {
            [Domain.Geography.GazetteerKind.Street] = "街道",
            [Domain.Geography.GazetteerKind.Community] = "社区",
            [Domain.Geography.GazetteerKind.Road] = "道路",
            [Domain.Geography.GazetteerKind.Landmark] = "地标",
            [Domain.Geography.GazetteerKind.Component] = "部件",
        },
        Statuses = new Dictionary<CaseStatus, string>
        {
            [CaseStatus.Reported] = "待受理",
            [CaseStatus.Verifying] = "核实中",
            [CaseStatus.Filed] = "待派遣",
            [CaseStatus.Dispatched] = "已派遣",
            [CaseStatus.Handling] = "处置中",
            [CaseStatus.Suspended] = "挂账",
            [CaseStatus.Checking] = "待核查",
            [CaseStatus.Closed] = "已结案",
            [CaseStatus.Rejected] = "不予立案",
            [CaseStatus.Merged] = "已合并",
            [CaseStatus.Voided] = "已作废",
        },
        ActionNames = Enum.GetValues<CaseAction>().ToDictionary(a => a, CaseActions.ChineseName),
        Roles = new Dictionary<Role, string>
        {
            [Role.Citizen] = "市民",
            [Role.Inspector] = "监督员",
            [Role.Operator] = "受理员",
            [Role.Dispatcher] = "派遣员",
            [Role.Handler] = "处置人员",
            [Role.Supervisor] = "值班长",
            [Role.Analyst] = "分析员",
            [Role.Auditor] = "审计员",
            [Role.Admin] = "管理员",
            [Role.Device] = "设备",
        },
        Lights = new Dictionary<Light, string>
        {
            [Domain.Sla.Light.Green] = "绿灯",
            [Domain.Sla.Light.Yellow] = "黄灯",
            [Domain.Sla.Light.Red] = "红灯",
        },
        Stages = Enum.GetValues<CaseStage>().ToDictionary(s => s, s => s.ChineseName()),
        Urgencies = Enum.GetValues<Urgency>().ToDictionary(u => u, u => u.ChineseName()),
        Sources = new Dictionary<CaseSource, string>
        {
            [CaseSource.Inspector] = "监督员上报",
            [CaseSource.Public] = "公众举报",
            [CaseSource.Hotline] = "12345 热线",
            [CaseSource.WeChat] = "微信",
            [CaseSource.Open311] = "Open311 应用",
            [CaseSource.Sensor] = "传感器告警",
            [CaseSource.Video] = "视频发现",
            [CaseSource.Referral] = "领导批示/转办",
        },
        Units = Enum.GetValues<TimeLimitUnit>().ToDictionary(u => u, u => u.ChineseName()),
        Fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["note"] = "意见/说明",
            ["departmentId"] = "处置部门",
            ["assigneeId"] = "处置人员",
            ["coHandlingDepartmentIds"] = "协办部门",
            ["reason"] = "改派原因",
            ["duplicateOfId"] = "重复的案卷编号",
            ["passed"] = "结论",
            ["result"] = "处置结果",
            ["extension"] = "延期时长",
            ["description"] = "问题描述",
            ["categoryCode"] = "问题类别",
            ["longitude"] = "位置",
            ["latitude"] = "位置",
            ["gridCode"] = "单元网格",
            ["phone"] = "来电人电话",
            ["reporterName"] = "来电人姓名",
            ["reporterPhone"] = "来电人电话",
        },
        ActionReport = "上报",
        ActionOverdue = "超时",
    };

    public static ConsoleText En { get; } = new()
    {
        Culture = "en",
        HtmlLang = "en",
        OtherCulture = "zh-CN",
        OtherLanguageLabel = "中文",
        AppName = "CivicGrid",
        AppSubtitle = "Digital urban management · Supervision and command centre",
        NavOverview = "Overview",
        NavCases = "Cases",
        NavReport = "Report",
        SignOut = "Sign out",
        SwitchLanguage = "Switch language",
        Loading = "Loading…",
        NotFoundTitle = "Page not found",
        NotFoundText = "The page you asked for does not exist or was removed.",
        BackHome = "Back to the overview",
        AccessDeniedTitle = "Access denied",
        AccessDeniedText = "This account may not use the command centre console. Sign in with a staff account.",
        BeijingTime = "Beijing time",
        TimesInBeijing = "All times are Beijing time",
        All = "All",
        Confirm = "Confirm",
        Cancel = "Cancel",
        Refresh = "Refresh",
        None = "None",
        Colon = ": ",
        ListSeparator = ", ",
        SignInTitle = "Sign in",
        SignInSubtitle = "Supervision and command centre staff",
        UserName = "Username",
        Password = "Password",
        SignIn = "Sign in",
        SignInFailed = "Unknown user or wrong password.",
        SignInMissing = "Enter your username and password.",
        SignInNotStaff = "This account is not a command centre staff account and cannot sign in to the console.",
        SignInLocked = "Too many failed sign-ins: the account is locked for a while. Try again later.",
        SignInSecondFactor = "This account has a second factor: enter the code from your authenticator app (or a recovery code).",
        OneTimeCode = "One-time code (if enabled)",
        SignInFooter = "Digital urban management information system · grid-based city management (GB/T 30428)",
        OverviewTitle = "City overview",
        OpenCases = "Open cases",
        OverdueCases = "Overdue cases",
        MapTitle = "One map",
        MapShowing = "The map shows the {0} most recent open cases; click a dot to open the case.",
        LegendGreen = "On time",
        LegendYellow = "Warning",
        LegendRed = "Overdue",
        StatusCounts = "Cases by status",
        QueueTitle = "Case queue",
        NavIntake = "Intake queue",
        IntakeTitle = "Intake queue (category to confirm)",
        IntakeHint = "These reports came without a category and the classifier was not sure enough (confidence below {0:P0}). Click a suggestion to file the report under it and dispatch it by the responsibility rules, or pick another category; a different choice is used to retrain the model.",
        IntakeEmpty = "No reports wait for a category.",
        IntakeWaiting = "{0} waiting",
        IntakeSuggestions = "Suggestions (click to confirm)",
        IntakeOther = "Other category",
        IntakeFileUnder = "File under this category",
        IntakeFiled = "Case {0} filed as \"{1}\" and dispatched.",
        IntakeFiledNoDepartment = "Case {0} filed as \"{1}\"; no responsibility rule applies, a dispatcher must dispatch it.",
        Status = "Status",
        Category = "Category",
        Street = "Street",
        OverdueOnly = "Overdue only",
        ClearFilters = "Clear filters",
        Number = "Number",
        Description = "Description",
        Light = "Clock",
        DueAt = "Due",
        ReportedAt = "Reported",
        NoCases = "No cases match.",
        TotalCases = "{0} cases",
        Open = "Open",
        CaseTitle = "Case {0}",
        BackToQueue = "Back to the queue",
        Urgency = "Urgency",
        Source = "Source",
        Place = "Place",
        Grid = "Unit grid",
        Community = "Community",
        Address = "Address",
        Coordinates = "Coordinates",
        Department = "Department",
        NotAssigned = "Not dispatched",
        Reporter = "Reporter",
        ClosedAt = "Closed",
        DuplicateOf = "Duplicate of",
        Clock = "Current stage clock",
        Stage = "Stage",
        WarnAt = "Warning at",
        NoRunningClock = "No stage clock is running.",
        Overdue = "Overdue",
        PendingRequest = "Pending request",
        RequestedExtension = " (extension asked for: {0} {1})",
        Counters = "Reworked {0}× · returned {1}× · urged {2}×",
        History = "History",
        Attachments = "Attachments",
        NoAttachments = "No attachments.",
        Actions = "Actions",
        NoActions = "There is nothing for you to do on this case now.",
        CaseNotFound = "Case not found.",
        Note = "Note",
        NoteOptional = "Note (optional)",
        Result = "Result",
        Passed = "Outcome",
        PassedYes = "Passed",
        PassedNo = "Not passed",
        DuplicateNumber = "Number of the original case",
        Extension = "Extension",
        ExtensionValue = "Amount",
        ExtensionUnit = "Unit",
        DispatchSuggested = "Suggested: {0}",
        DispatchWhy = "Why: {0}",
        Assignee = "Handler",
        AssigneeAuto = "Automatic (least loaded)",
        HandlerLoad = "{0} (load {1}, {2} open)",
        CoHandling = "Supporting departments",
        CoHandlingDoneMark = "done",
        CoHandlingOpenMark = "in progress",
        OverrideReason = "Reason for the change",
        OverrideHint = "The department or handler differs from the suggestion: give a reason (kept in the case history and the audit trail).",
        PleaseFill = "Please fill in: {0}",
        ActionDone = "Done: {0}",
        ErrorNotAllowed = "The case's current state does not allow this action. Allowed now: {0}",
        ErrorForbidden = "You may not perform this action.",
        ErrorInvalid = "Invalid input ({0}): {1}",
        ErrorChanged = "Someone else changed the case; it has been reloaded. Check it and try again.",
        ErrorNotFound = "Case not found.",
        ErrorUnexpected = "The action failed; please try again later.",
        ErrorDuplicateNotFound = "There is no case numbered {0}.",
        ReportTitle = "Report a problem",
        ReportMapHint = "Click the map where the problem is.",
        Position = "Position",
        NoPosition = "No position chosen yet.",
        OutsideDistrict = "This position lies outside every unit grid of the district.",
        AddressOptional = "Address (optional)",
        Submit = "Submit report",
        Reported = "Reported as case {0}",
        NavHotline = "12345 hotline",
        HotlineTitle = "12345 hotline call",
        HotlineHint = "Tab between fields; in the address box ↑↓ choose and Enter takes it; Ctrl+Enter files the call.",
        Caller = "Caller",
        CallerName = "Name",
        CallerPhone = "Phone",
        Callback = "Reply by",
        CallbackNone = "No reply needed",
        CallbackSms = "SMS with progress",
        AddressSearch = "Address / landmark / component id",
        AddressSearchHint = "Type a place, road, community or component id",
        NoAddressFound = "No such place; pick the position on the map.",
        ResolvedAddress = "Located",
        ResponsibleDepartment = "Responsible department",
        Suggestions = "Suggested categories",
        NoSuggestions = "Suggestions appear as you type the description.",
        ChooseCategory = "Choose a category",
        PossibleDuplicates = "Open cases of the same kind nearby",
        NoDuplicates = "No open case of the same kind nearby.",
        MeToo = "Same problem: add the caller to it",
        MetresAway = "{0} m",
        FileCall = "File the call",
        FileCallHint = "Ctrl+Enter",
        CallFiled = "Filed. Tell the caller:",
        CallJoined = "Added to the existing case (same problem). Tell the caller:",
        ReadToCaller = "Read these to the caller",
        CaseNumber = "Case number",
        TrackingCode = "Tracking code",
        NextCall = "Next call",
        OpenCase = "Open the case",
        PlaceKinds = new Dictionary<Domain.Geography.GazetteerKind, string>
        {
            [Domain.Geography.GazetteerKind.Street] = "street",
            [Domain.Geography.GazetteerKind.Community] = "community",
            [Domain.Geography.GazetteerKind.Road] = "road",
            [Domain.Geography.GazetteerKind.Landmark] = "landmark",
            [Domain.Geography.GazetteerKind.Component] = "component",
        },
        Statuses = new Dictionary<CaseStatus, string>
        {
            [CaseStatus.Reported] = "Reported",
            [CaseStatus.Verifying] = "Verifying",
            [CaseStatus.Filed] = "Awaiting dispatch",
            [CaseStatus.Dispatched] = "Dispatched",
            [CaseStatus.Handling] = "Handling",
            [CaseStatus.Suspended] = "Suspended",
            [CaseStatus.Checking] = "Awaiting check",
            [CaseStatus.Closed] = "Closed",
            [CaseStatus.Rejected] = "Rejected",
            [CaseStatus.Merged] = "Merged",
            [CaseStatus.Voided] = "Voided",
        },
        ActionNames = new Dictionary<CaseAction, string>
        {
            [CaseAction.RequestVerification] = "Request verification",
            [CaseAction.Verify] = "Verify",
            [CaseAction.File] = "File",
            [CaseAction.Reject] = "Reject",
            [CaseAction.Merge] = "Merge",
            [CaseAction.Dispatch] = "Dispatch",
            [CaseAction.Accept] = "Accept",
            [CaseAction.Return] = "Return",
            [CaseAction.Feedback] = "Feedback",
            [CaseAction.Check] = "Check",
            [CaseAction.Close] = "Close",
            [CaseAction.Rework] = "Rework",
            [CaseAction.RequestPostponement] = "Request postponement",
            [CaseAction.ApprovePostponement] = "Approve postponement",
            [CaseAction.RejectPostponement] = "Reject postponement",
            [CaseAction.RequestSuspension] = "Request suspension",
            [CaseAction.ApproveSuspension] = "Approve suspension",
            [CaseAction.RejectSuspension] = "Reject suspension",
            [CaseAction.LiftSuspension] = "Lift suspension",
            [CaseAction.Urge] = "Urge",
            [CaseAction.Void] = "Void",
            [CaseAction.Reopen] = "Reopen",
            [CaseAction.Dispute] = "Dispute",
            [CaseAction.ReturnVisit] = "Return visit",
            [CaseAction.CoHandlingNote] = "Supporting note",
            [CaseAction.CoHandlingDone] = "Supporting part done",
        },
        Roles = new Dictionary<Role, string>
        {
            [Role.Citizen] = "Citizen",
            [Role.Inspector] = "Inspector",
            [Role.Operator] = "Operator",
            [Role.Dispatcher] = "Dispatcher",
            [Role.Handler] = "Handler",
            [Role.Supervisor] = "Supervisor",
            [Role.Analyst] = "Analyst",
            [Role.Auditor] = "Auditor",
            [Role.Admin] = "Administrator",
            [Role.Device] = "Device",
        },
        Lights = new Dictionary<Light, string>
        {
            [Domain.Sla.Light.Green] = "Green",
            [Domain.Sla.Light.Yellow] = "Yellow",
            [Domain.Sla.Light.Red] = "Red",
        },
        Stages = new Dictionary<CaseStage, string>
        {
            [CaseStage.Verify] = "Verification",
            [CaseStage.File] = "Filing",
            [CaseStage.Dispatch] = "Dispatch",
            [CaseStage.Handle] = "Handling",
            [CaseStage.Check] = "Check",
        },
        Urgencies = new Dictionary<Urgency, string>
        {
            [Domain.Sla.Urgency.Normal] = "Normal",
            [Domain.Sla.Urgency.Urgent] = "Urgent",
            [Domain.Sla.Urgency.Emergency] = "Emergency",
        },
        Sources = new Dictionary<CaseSource, string>
        {
            [CaseSource.Inspector] = "Inspector",
            [CaseSource.Public] = "Public report",
            [CaseSource.Hotline] = "12345 hotline",
            [CaseSource.WeChat] = "WeChat",
            [CaseSource.Open311] = "Open311 app",
            [CaseSource.Sensor] = "Sensor alarm",
            [CaseSource.Video] = "Video",
            [CaseSource.Referral] = "Referral",
        },
        Units = new Dictionary<TimeLimitUnit, string>
        {
            [TimeLimitUnit.EmergencyWorkHour] = "emergency work hours",
            [TimeLimitUnit.WorkHour] = "work hours",
            [TimeLimitUnit.WorkDay] = "work days",
            [TimeLimitUnit.NaturalHour] = "hours",
            [TimeLimitUnit.NaturalDay] = "days",
        },
        Fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["note"] = "note",
            ["departmentId"] = "department",
            ["assigneeId"] = "handler",
            ["coHandlingDepartmentIds"] = "supporting departments",
            ["reason"] = "reason for the change",
            ["duplicateOfId"] = "original case",
            ["passed"] = "outcome",
            ["result"] = "result",
            ["extension"] = "extension",
            ["description"] = "description",
            ["categoryCode"] = "category",
            ["longitude"] = "position",
            ["latitude"] = "position",
            ["gridCode"] = "unit grid",
            ["phone"] = "caller's phone",
            ["reporterName"] = "caller's name",
            ["reporterPhone"] = "caller's phone",
        },
        ActionReport = "Report",
        ActionOverdue = "Overdue",
    };
}
